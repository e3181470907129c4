import { CompileError, formatDiagnostic } from "@tsgrpc/compiler";
// The browser-safe entry: its GrpcError is the same class, without loading the transports (node:http2, node:tls).
import { GrpcError, Status } from "@tsgrpc/grpc/web";
import { parseArgs, type FlagSpec, type ParsedArgs } from "./cli-args.js";
import { UsageError } from "./errors.js";
import { EXIT_STATUSES, STATUS_EXIT_BASE } from "./exit-statuses.js";

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
