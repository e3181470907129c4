import { runCompile, COMPILE_USAGE } from "./compile-command.js";
import { runGen, GEN_USAGE } from "./gen-command.js";
import { DESCRIBE_USAGE, LIST_USAGE, runDescribe, runList } from "./reflect-commands.js";
import { CALL_USAGE, runCall } from "./call-command.js";
import { BENCH_USAGE, runBench } from "./bench-command.js";
import { FORMAT_USAGE, runFormat } from "./format-command.js";
import { didYouMean } from "./close-names.js";
import { EXIT_STATUSES } from "./run-command.js";

const COMMANDS = ["gen", "list", "describe", "call", "bench", "compile", "format", "help"];

const HELP = `tsgrpc: Protocol Buffers and gRPC for TypeScript

Commands:
  gen       .proto files -> TypeScript (messages, codecs, service definitions)
  list      the services of a server, or the methods of one (server reflection)
  describe  a service, method, message or enum of a server as .proto text (server reflection)
  call      call a method with a JSON request, print the JSON responses
  bench     load-test a method: requests/s, latency percentiles and histogram, status codes
  compile   .proto files -> FileDescriptorSet (protoc-compatible)
  format    .proto files in canonical layout (buf format's)
  help      this text

${GEN_USAGE}

${LIST_USAGE}

${DESCRIBE_USAGE}

${CALL_USAGE}

${BENCH_USAGE}

${COMPILE_USAGE}

${FORMAT_USAGE}

Every command takes --help.

${EXIT_STATUSES}
`;

/** Runs the tsgrpc command line; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "compile":
      return runCompile(rest);
    case "format":
      return runFormat(rest);
    case "gen":
      return runGen(rest);
    case "list":
      return runList(rest);
    case "describe":
      return runDescribe(rest);
    case "call":
      return runCall(rest);
    case "bench":
      return runBench(rest);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(HELP);
      return 0;
    default:
      process.stderr.write(`tsgrpc: unknown command "${command}".${didYouMean(command, COMMANDS)}\n\n${HELP}`);
      return 2;
  }
}
