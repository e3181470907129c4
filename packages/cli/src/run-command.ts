import { CompileError, formatDiagnostic } from "@tsgrpc/compiler";
import { GrpcError, Status } from "@tsgrpc/grpc";
import { parseArgs, type FlagSpec, type ParsedArgs } from "./cli-args.js";
import { UsageError } from "./errors.js";

/** Exit statuses of RPC failures: 64 + the gRPC status code (grpcurl's convention), so they never collide with
 * 1 (failures on this side) or 2 (usage), and scripts can tell NOT_FOUND (69) from UNAVAILABLE (78). */
export const STATUS_EXIT_BASE = 64;

export const EXIT_STATUSES = `Exit status:
  0     success
  1     a failure on this side: a schema error, a request that does not fit its message, an unreadable file, a
        server that cannot be reached (connection refused, unknown host, failed TLS handshake)
  2     a usage error: an unknown command or flag, a flag without its value, a missing or malformed argument
  64+N  the call or the reflection lookup ended with gRPC status N (69 NOT_FOUND, 76 UNIMPLEMENTED, 78 UNAVAILABLE, ...)
  130   bench interrupted by Ctrl-C`;

const HELP_FLAG: FlagSpec = { names: ["-h", "--help"] };

/**
 * Runs one command: checks `argv` against its `flags` (--help prints `usage`), runs `body`, and turns what it
 * throws into a message on stderr and the exit status (see EXIT_STATUSES).
 */
export async function runCommand(command: string, usage: string, flags: readonly FlagSpec[], argv: readonly string[], body: (args: ParsedArgs) => number | Promise<number>): Promise<number> {
  const say = (text: string) => process.stderr.write(`tsgrpc ${command}: ${text}\n`);
  try {
    const args = parseArgs(argv, [HELP_FLAG, ...flags]);
    if (args.has("--help")) {
      process.stdout.write(`${usage}\n\n${EXIT_STATUSES}\n`);
      return 0;
    }
    return await body(args);
  } catch (e) {
    if (e instanceof UsageError) {
      say(e.message);
      process.stderr.write(usage + "\n");
      return 2;
    }
    if (e instanceof CompileError) {
      process.stderr.write(e.diagnostics.filter((d) => !d.warning).map(formatDiagnostic).join("\n") + "\n");
      return 1;
    }
    if (e instanceof GrpcError) {
      say(`${Status[e.code] ?? e.code}: ${e.rawMessage}`);
      return STATUS_EXIT_BASE + e.code;
    }
    // A CliError's message says what went wrong; anything else is unexpected, and its message is all there is.
    say(e instanceof Error ? e.message : String(e));
    return 1;
  }
}
