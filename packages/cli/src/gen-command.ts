import { closeSync, mkdirSync, openSync, readSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { generateFile, generatedFileName, providedModule, writeFileBody, type GenerateOptions } from "@tsgrpc/codegen";
import type { FileDescriptorProto } from "@tsgrpc/protobuf";
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
      if (out === "-") {
        const generated = generateFile(file, registry, getDescriptorRegistry(), options);
        process.stdout.write(`// ----- ${generated.name}\n${generated.content}`);
        continue;
      }
      const target = join(out, generatedFileName(file.name!));
      mkdirSync(dirname(target), { recursive: true });
      writeModule(target, file, registry, options);
      process.stderr.write(`wrote ${target}\n`);
    }
  });
}

/**
 * Writes one generated module without holding it whole (a 20 MB schema makes a module of hundreds of MB): the body
 * goes to a file beside the target as it is generated, then the head (its imports, known only at the end) and the
 * body are copied into the target.
 */
function writeModule(target: string, file: FileDescriptorProto, registry: Registry, options: GenerateOptions): void {
  const bodyPath = `${target}.${process.pid}.body`;
  try {
    const body = openSync(bodyPath, "w");
    let head: string;
    try {
      head = writeFileBody(file, registry, getDescriptorRegistry(), options, (chunk) => writeSync(body, chunk)).head;
    } finally {
      closeSync(body);
    }
    writeFileSync(target, head);
    const to = openSync(target, "a");
    const from = openSync(bodyPath, "r");
    try {
      const buffer = Buffer.allocUnsafe(1 << 20);
      for (let n; (n = readSync(from, buffer)) > 0; ) writeSync(to, buffer, 0, n);
    } finally {
      closeSync(from);
      closeSync(to);
    }
  } finally {
    rmSync(bodyPath, { force: true });
  }
}
