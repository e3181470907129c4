import { writeFileSync } from "node:fs";
import { Compiler, encodeDescriptorSet, formatDiagnostic } from "@tsgrpc/compiler";
import type { FlagSpec, ParsedArgs } from "./cli-args.js";
import { UsageError } from "./errors.js";
import { runCommand } from "./run-command.js";

export const COMPILE_USAGE = `usage: tsgrpc compile -I DIR [-I DIR...] --descriptor_set_out=FILE [--include_imports] [--include_source_info] FILE.proto...
  Compiles .proto files to a google.protobuf.FileDescriptorSet, as protoc does (FILE "-" writes to stdout).
  -o FILE is --descriptor_set_out; -I DIR is --proto_path=DIR (also -IDIR).`;

/** protoc's import path: -I DIR, -IDIR, --proto_path DIR or --proto_path=DIR, as often as needed. */
export const INCLUDE_FLAG: FlagSpec = { names: ["-I", "--proto_path"], value: "DIR", repeatable: true };

const COMPILE_FLAGS: readonly FlagSpec[] = [INCLUDE_FLAG, { names: ["-o", "--descriptor_set_out"], value: "FILE" }, { names: ["--include_imports"] }, { names: ["--include_source_info"] }];

/** Compiles files named on the command line (relative to an import path; "." without one); warnings go to stderr. */
export function compileFiles(includes: string[], files: string[]) {
  if (files.length === 0) throw new Error("no input files");
  const compiler = new Compiler({ includePaths: includes.length ? includes : ["."] });
  const names = files.map((f) => {
    const name = compiler.virtualName(f);
    if (!name) throw new Error(`${f}: File does not reside within any path specified using --proto_path (or -I).`);
    return name;
  });
  const compiled = compiler.compile(names);
  for (const d of compiler.diagnostics) if (d.warning) process.stderr.write(formatDiagnostic(d) + "\n");
  return { compiler, compiled };
}

/**
 * Runs a command that compiles the .proto files named on the command line and writes to the value of `outFlag`
 * (which it must be given). Schema errors come out as file:line:col lines with exit status 1 (runCommand).
 */
export function runSchemaCommand(command: string, usage: string, flags: readonly FlagSpec[], outFlag: string, argv: string[], body: (out: string, compiled: ReturnType<typeof compileFiles>, args: ParsedArgs) => void): Promise<number> {
  return runCommand(command, usage, flags, argv, (args) => {
    const files = args.expect(1, Infinity, "a .proto file");
    const out = args.value(outFlag);
    if (out === undefined) throw new UsageError(`${outFlag} is needed`);
    body(out, compileFiles(args.values("-I"), files), args);
    return 0;
  });
}

export function runCompile(argv: string[]): Promise<number> {
  return runSchemaCommand("compile", COMPILE_USAGE, COMPILE_FLAGS, "--descriptor_set_out", argv, (out, { compiler, compiled }, args) => {
    const set = args.has("--include_imports") ? compiler.withImports(compiled) : compiled;
    const bytes = encodeDescriptorSet(compiler.builtin(), set, args.has("--include_source_info"));
    if (out === "-") process.stdout.write(bytes);
    else writeFileSync(out, bytes);
  });
}
