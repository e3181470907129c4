import { readFileSync } from "node:fs";
import type { DecodeError, MessageType, Registry } from "@tsgrpc/protobuf";
import type { FlagSpec } from "./cli-args.js";
import { CliError } from "./errors.js";
import { splitJsonValues, type JsonValueText } from "./json-values.js";

/** -d as curl and ghz take it: JSON text, "@FILE" (the file's contents) or "@" (stdin). */
export const DATA_FLAG: FlagSpec = { names: ["-d"], value: "JSON|@FILE|@" };

/** The requests -d gives, still as text, with the name of where they came from ("" for -d's own text). */
export interface RequestTexts {
  source: string;
  values: JsonValueText[];
}

/**
 * Reads the requests of -d (one "{}" without it): one JSON value after another (NDJSON, or any whitespace between
 * them), so streaming calls get several. Read before connecting, so a missing file is reported first.
 */
export function readRequestTexts(data: string | undefined): RequestTexts {
  if (data === undefined) return { source: "", values: [{ text: "{}", line: 1 }] };
  if (!data.startsWith("@")) return { source: "", values: splitJsonValues(data) };
  const file = data.slice(1);
  let text: string;
  try {
    text = readFileSync(file === "" ? 0 : file, "utf8");
  } catch (e) {
    throw new CliError(`cannot read the requests from "${file}" (-d @${file}): ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  return { source: file === "" ? "stdin" : file, values: splitJsonValues(text) };
}

/** The requests as `input` messages; one that does not fit is the CLI's own error (exit 1), never sent. */
export function decodeRequests({ source, values }: RequestTexts, input: MessageType, registry: Registry): object[] {
  return values.map(({ text, line }, i) => {
    try {
      return input.fromJsonString(text, { registry });
    } catch (e) {
      const which = values.length > 1 ? ` ${i + 1}` : "";
      const where = source ? ` (line ${line} of ${source})` : "";
      const reason = (e as DecodeError).message.replace(`invalid JSON for ${input.typeName}: `, "");
      throw new CliError(`request${which}${where} is not valid JSON for ${input.typeName}: ${reason}`);
    }
  });
}
