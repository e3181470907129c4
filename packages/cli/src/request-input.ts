import { readFileSync } from "node:fs";
import { GrpcError, Status } from "@tsgrpc/grpc";
import type { DecodeError, MessageType, Registry } from "@tsgrpc/protobuf";
import type { FlagSpec } from "./cli-args.js";

/** -d: the request as JSON, or "@" for newline-delimited JSON requests on stdin. */
export const DATA_FLAG: FlagSpec = { names: ["-d"], value: "JSON|@" };

/** Requests from -d: one JSON document, or with "@", one per line of stdin. */
export function readRequests(data: string | undefined, input: MessageType, registry: Registry): object[] {
  const texts = data === "@" ? readFileSync(0, "utf8").split("\n").filter((l) => l.trim()) : [data ?? "{}"];
  return texts.map((text, i) => {
    try {
      return input.fromJsonString(text, { registry });
    } catch (e) {
      const where = data === "@" ? ` (stdin line ${i + 1})` : "";
      throw new GrpcError(Status.INVALID_ARGUMENT, `The request${where} does not fit ${input.typeName}: ${(e as DecodeError).message}`);
    }
  });
}
