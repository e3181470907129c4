import { didYouMean } from "@tsgrpc/compiler";
import { EXIT_STATUSES } from "./exit-statuses.js";

interface Command {
  /** One line for the command list. */
  summary: string;
  /**
   * The command's module, imported only when it runs (or for the full help): `tsgrpc compile` then never loads the
   * gRPC client, which keeps a short run short.
   */
  load: () => Promise<{ run: (args: string[]) => Promise<number>; usage: string }>;
}

const COMMANDS: Record<string, Command> = {
  gen: {
    summary: ".proto files -> TypeScript (messages, codecs, service definitions)",
    load: async () => import("./gen-command.js").then((m) => ({ run: m.runGen, usage: m.GEN_USAGE })),
  },
  list: {
    summary: "the services of a server, or the methods of one (server reflection)",
    load: async () => import("./reflect-commands.js").then((m) => ({ run: m.runList, usage: m.LIST_USAGE })),
  },
  describe: {
    summary: "a service, method, message or enum of a server as .proto text (server reflection)",
    load: async () => import("./reflect-commands.js").then((m) => ({ run: m.runDescribe, usage: m.DESCRIBE_USAGE })),
  },
  call: {
    summary: "call a method with a JSON request, print the JSON responses",
    load: async () => import("./call-command.js").then((m) => ({ run: m.runCall, usage: m.CALL_USAGE })),
  },
  stats: {
    summary: "a server's call counts per method: started, OK, failed, in flight, latency (its admin service)",
    load: async () => import("./stats-command.js").then((m) => ({ run: m.runStats, usage: m.STATS_USAGE })),
  },
  bench: {
    summary: "load-test a method: requests/s, latency percentiles and histogram, status codes",
    load: async () => import("./bench-command.js").then((m) => ({ run: m.runBench, usage: m.BENCH_USAGE })),
  },
  compile: {
    summary: ".proto files -> FileDescriptorSet (protoc-compatible)",
    load: async () => import("./compile-command.js").then((m) => ({ run: m.runCompile, usage: m.COMPILE_USAGE })),
  },
  format: {
    summary: ".proto files in canonical layout (buf format's)",
    load: async () => import("./format-command.js").then((m) => ({ run: m.runFormat, usage: m.FORMAT_USAGE })),
  },
  breaking: {
    summary: "check .proto files against an earlier version with buf's breaking-change rules",
    load: async () => import("./breaking-command.js").then((m) => ({ run: m.runBreaking, usage: m.BREAKING_USAGE })),
  },
  openapi: {
    summary: "an OpenAPI 3.1 document for the (google.api.http) REST routes of .proto files",
    load: async () => import("./openapi-command.js").then((m) => ({ run: m.runOpenApi, usage: m.OPENAPI_USAGE })),
  },
  lint: {
    summary: "check .proto files with buf's lint rules (buf.yaml v1/v2)",
    load: async () => import("./lint-command.js").then((m) => ({ run: m.runLint, usage: m.LINT_USAGE })),
  },
};

async function help(): Promise<string> {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length), "help".length) + 2;
  const list = [...names.map((n) => `  ${n.padEnd(width)}${COMMANDS[n]!.summary}`), `  ${"help".padEnd(width)}this text`].join("\n");
  const usages = await Promise.all(names.map(async (n) => (await COMMANDS[n]!.load()).usage));
  return `tsgrpc: Protocol Buffers and gRPC for TypeScript\n\nCommands:\n${list}\n\n${usages.join("\n\n")}\n\nEvery command takes --help.\n\n${EXIT_STATUSES}\n`;
}

/** Runs the tsgrpc command line; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== undefined && Object.hasOwn(COMMANDS, command)) return (await COMMANDS[command]!.load()).run(rest);
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(await help());
    return 0;
  }
  process.stderr.write(`tsgrpc: unknown command "${command}".${didYouMean(command, [...Object.keys(COMMANDS), "help"])}\n\n${await help()}`);
  return 2;
}
