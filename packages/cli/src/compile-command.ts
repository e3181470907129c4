import { writeFileSync } from "node:fs";
import { Compiler, CompileError, encodeDescriptorSet, formatDiagnostic } from "@tsgrpc/compiler";

export const COMPILE_USAGE = `usage: tsgrpc compile -I DIR [-I DIR...] --descriptor_set_out=FILE [--include_imports] [--include_source_info] FILE.proto...
  Compiles .proto files to a google.protobuf.FileDescriptorSet, as protoc does (FILE "-" writes to stdout).`;

/** Flags that take the next argument as their value (`--out DIR`); `--flag=value` works for every flag. */
const VALUE_FLAGS = new Set(["--out", "--proto", "--cacert", "--cert", "--key", "--timeout", "-d", "-H", "-c", "-n", "-z", "--rps", "--connections", "--warmup", "--format", "--html"]);
/** Flags that may be given several times; their values are kept joined by newlines. */
const REPEATED_FLAGS = new Set(["-H"]);

/** Parses protoc-style arguments: -I DIR, -IDIR, --proto_path=DIR, -o FILE, --descriptor_set_out=FILE. */
export function parseProtocArgs(args: string[]): { includes: string[]; files: string[]; flags: Map<string, string | true> } {
  const includes: string[] = [];
  const files: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-I" || a === "--proto_path" || a === "-o" || VALUE_FLAGS.has(a)) {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      if (a === "-I" || a === "--proto_path") includes.push(v);
      else if (a === "--proto") flags.set("proto", [flags.get("proto"), v].filter((x) => typeof x === "string").join(","));
      else if (REPEATED_FLAGS.has(a)) flags.set(a.replace(/^--?/, ""), [flags.get(a.replace(/^--?/, "")), v].filter((x) => typeof x === "string").join("\n"));
      else flags.set(a === "-o" ? "descriptor_set_out" : a.replace(/^--?/, ""), v);
    } else if (a.startsWith("-I")) includes.push(a.slice(2));
    else if (a.startsWith("--proto_path=")) includes.push(a.slice("--proto_path=".length));
    else if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      flags.set(eq < 0 ? a.slice(2) : a.slice(2, eq), eq < 0 ? true : a.slice(eq + 1));
    } else files.push(a);
  }
  return { includes, files, flags };
}

/** Compiles files named on the command line; prints diagnostics as file:line:col and returns an exit code. */
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
 * Runs a command that compiles schemas: its output path is the flag `outFlag`; schema errors are printed as
 * file:line:col lines with exit status 1; a missing output flag prints `usage` with exit status 2.
 */
export function runSchemaCommand(command: string, usage: string, outFlag: string, args: string[], body: (out: string, compiled: ReturnType<typeof compileFiles>, flags: Map<string, string | true>) => void): number {
  const { includes, files, flags } = parseProtocArgs(args);
  const out = flags.get(outFlag);
  if (typeof out !== "string") {
    process.stderr.write(usage + "\n");
    return 2;
  }
  try {
    body(out, compileFiles(includes, files), flags);
    return 0;
  } catch (e) {
    if (e instanceof CompileError) {
      process.stderr.write(e.diagnostics.filter((d) => !d.warning).map(formatDiagnostic).join("\n") + "\n");
      return 1;
    }
    process.stderr.write(`tsgrpc ${command}: ${(e as Error).message}\n`);
    return 1;
  }
}

export function runCompile(args: string[]): number {
  return runSchemaCommand("compile", COMPILE_USAGE, "descriptor_set_out", args, (out, { compiler, compiled }, flags) => {
    const set = flags.has("include_imports") ? compiler.withImports(compiled) : compiled;
    const bytes = encodeDescriptorSet(compiler.builtin(), set, flags.has("include_source_info"));
    if (out === "-") process.stdout.write(bytes);
    else writeFileSync(out, bytes);
  });
}
