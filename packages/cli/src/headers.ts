import { Metadata } from "@tsgrpc/grpc";
import type { FlagSpec, ParsedArgs } from "./cli-args.js";
import { UsageError } from "./errors.js";

/** -H 'KEY: VALUE', as often as needed: metadata for the call. */
export const HEADER_FLAGS: readonly FlagSpec[] = [{ names: ["-H"], value: "'KEY: VALUE'", repeatable: true }];

/** "key: value" lines (base64 values for -bin keys) as metadata; a malformed one is a usage error naming its flag. */
function metadataOf(args: ParsedArgs, flags: string[]): Metadata {
  const md = new Metadata();
  for (const flag of flags) {
    for (const line of args.values(flag)) {
      const colon = line.indexOf(":");
      if (colon < 1) throw new UsageError(`${flag} "${line}": expected "key: value"`);
      const key = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      try {
        md.add(key, key.endsWith("-bin") ? Uint8Array.from(Buffer.from(value, "base64")) : value);
      } catch (e) {
        throw new UsageError(`${flag} "${line}": ${(e as Error).message}`); // a reserved key, a character HTTP/2 cannot carry
      }
    }
  }
  return md;
}

export const rpcMetadata = (args: ParsedArgs) => metadataOf(args, ["-H"]);
