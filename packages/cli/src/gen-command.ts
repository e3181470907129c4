import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generateFile, providedModule, type GenerateOptions } from "@tsgrpc/codegen";
import { getDescriptorRegistry, Registry } from "@tsgrpc/protobuf/codegen-support";
import type { ParsedArgs } from "./cli-args.js";
import { INCLUDE_FLAG, runSchemaCommand } from "./compile-command.js";
import { UsageError } from "./errors.js";

export const GEN_USAGE = `usage: tsgrpc gen -I DIR [-I DIR...] --out DIR [--enum-style enum|const] [--import-extension .js|.ts|none] FILE.proto...
  Generates TypeScript for the files and everything they import (DIR "-" prints to stdout), except the well-known
  types and google/rpc's status, error details and codes, which generated code imports from @tsgrpc/protobuf/wkt and
  @tsgrpc/grpc/rpc. --enum-style const writes enums as const objects with a union type, and --import-extension .ts
  imports sibling modules by their .ts names: the erasable output Node's type stripping runs.`;

const GEN_FLAGS = [INCLUDE_FLAG, { names: ["--out"], value: "DIR" }, { names: ["--enum-style"], value: "enum|const" }, { names: ["--import-extension"], value: ".js|.ts|none" }];

function generateOptions(args: ParsedArgs): GenerateOptions {
  const options: GenerateOptions = {};
  const style = args.value("--enum-style");
  if (style !== undefined) {
    if (style !== "enum" && style !== "const") throw new UsageError(`--enum-style is enum or const, not "${style}"`);
    options.enumStyle = style;
  }
  const extension = args.value("--import-extension");
  if (extension !== undefined) {
    if (extension !== ".js" && extension !== ".ts" && extension !== "none") throw new UsageError(`--import-extension is .js, .ts or none, not "${extension}"`);
    options.importExtension = extension === "none" ? "" : extension;
  }
  return options;
}

export function runGen(argv: string[]): Promise<number> {
  return runSchemaCommand("gen", GEN_USAGE, GEN_FLAGS, "--out", argv, (out, { compiler, compiled }, args) => {
    const options = generateOptions(args);
    const all = compiler.withImports(compiled);
    const registry = Registry.from(all);
    for (const file of all) {
      const provider = providedModule(file.name!);
      if (provider !== undefined) {
        if (compiled.includes(file)) process.stderr.write(`skipped ${file.name}: its code comes with ${provider}\n`);
        continue;
      }
      const generated = generateFile(file, registry, getDescriptorRegistry(), options);
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
