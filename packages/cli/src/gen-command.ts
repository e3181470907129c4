import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generateFile } from "@tsgrpc/codegen";
import { CompileError, formatDiagnostic } from "@tsgrpc/compiler";
import { getDescriptorRegistry, Registry } from "@tsgrpc/protobuf";
import { compileFiles, parseProtocArgs } from "./compile-command.js";

export const GEN_USAGE = `usage: tsgrpc gen -I DIR [-I DIR...] --out DIR FILE.proto...
  Generates TypeScript for the files and everything they import (DIR "-" prints to stdout).`;

export function runGen(args: string[]): number {
  const { includes, files, flags } = parseProtocArgs(args);
  const out = flags.get("out");
  if (typeof out !== "string") {
    process.stderr.write(GEN_USAGE + "\n");
    return 2;
  }
  try {
    const { compiler, compiled } = compileFiles(includes, files);
    const all = compiler.withImports(compiled);
    const registry = Registry.from(all);
    for (const file of all) {
      const generated = generateFile(file, registry, getDescriptorRegistry());
      if (out === "-") {
        process.stdout.write(`// ----- ${generated.name}\n${generated.content}`);
        continue;
      }
      const target = join(out, generated.name);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, generated.content);
      process.stderr.write(`wrote ${target}\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof CompileError) {
      process.stderr.write(e.diagnostics.filter((d) => !d.warning).map(formatDiagnostic).join("\n") + "\n");
      return 1;
    }
    process.stderr.write(`tsgrpc gen: ${(e as Error).message}\n`);
    return 1;
  }
}
