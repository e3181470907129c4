import { Metadata } from "@tsgrpc/grpc";
import type { FlagSpec, ParsedArgs } from "./cli-args.js";
import { UsageError } from "./errors.js";

// grpcurl's three header flags: -H goes with every request, --reflect-header only with reflection's, --rpc-header
// only with the call's (a server may want a token for the call that its reflection service must not see, or the reverse).
const HEADER: FlagSpec = { names: ["-H"], value: "'KEY: VALUE'", repeatable: true };
const REFLECT_HEADER: FlagSpec = { names: ["--reflect-header"], value: "'KEY: VALUE'", repeatable: true };
const RPC_HEADER: FlagSpec = { names: ["--rpc-header"], value: "'KEY: VALUE'", repeatable: true };

/** The header flags of commands that only ask reflection (list, describe). */
export const REFLECTION_HEADER_FLAGS: readonly FlagSpec[] = [HEADER, REFLECT_HEADER];
/** The header flags of commands that make calls (call, bench), which may ask reflection first. */
export const CALL_HEADER_FLAGS: readonly FlagSpec[] = [HEADER, REFLECT_HEADER, RPC_HEADER];

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

export const reflectionMetadata = (args: ParsedArgs) => metadataOf(args, ["-H", "--reflect-header"]);
export const rpcMetadata = (args: ParsedArgs) => metadataOf(args, ["-H", "--rpc-header"]);
/** The header flag of commands that make one kind of call only (stats). */
export const HEADER_FLAGS: readonly FlagSpec[] = [HEADER];
export const headerMetadata = (args: ParsedArgs) => metadataOf(args, ["-H"]);
