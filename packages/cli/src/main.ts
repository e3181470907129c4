#!/usr/bin/env node
import { runCompile, COMPILE_USAGE } from "./compile-command.js";

const HELP = `tsgrpc: Protocol Buffers and gRPC for TypeScript

Commands:
  compile   .proto files -> FileDescriptorSet (protoc-compatible)
  help      this text

${COMPILE_USAGE}
`;

function main(argv: string[]): number {
  const [command, ...rest] = argv;
  switch (command) {
    case "compile":
      return runCompile(rest);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(HELP);
      return 0;
    default:
      process.stderr.write(`tsgrpc: unknown command "${command}"\n\n${HELP}`);
      return 2;
  }
}

process.exitCode = main(process.argv.slice(2));
