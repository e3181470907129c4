import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generateFile } from "@tsgrpc/codegen";
import { getDescriptorRegistry, Registry } from "@tsgrpc/protobuf";
import { INCLUDE_FLAG, runSchemaCommand } from "./compile-command.js";

export const GEN_USAGE = `usage: tsgrpc gen -I DIR [-I DIR...] --out DIR FILE.proto...
  Generates TypeScript for the files and everything they import (DIR "-" prints to stdout).`;

const GEN_FLAGS = [INCLUDE_FLAG, { names: ["--out"], value: "DIR" }];

export function runGen(argv: string[]): Promise<number> {
  return runSchemaCommand("gen", GEN_USAGE, GEN_FLAGS, "--out", argv, (out, { compiler, compiled }) => {
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
  });
}
