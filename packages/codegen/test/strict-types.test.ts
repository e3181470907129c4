import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Compiler } from "@tsgrpc/compiler";
import { getDescriptorRegistry, Registry } from "@tsgrpc/protobuf/codegen-support";
import { generatedFileName, generateFile, isProvided, type GenerateOptions } from "../src/index.js";
import { scratchProject, STRICT, typecheck, writeFiles } from "./typecheck.js";

// Type-level tests: generated code and code that uses it, compiled by tsc under the strictest settings. usage.ts holds
// what must compile and, on `@ts-expect-error` lines, what must not (two oneof members, a wrong field type...).
const fixtures = fileURLToPath(new URL("../../test/fixtures/typing/", import.meta.url));

function generated(options: GenerateOptions): Record<string, string> {
  const compiler = new Compiler({ includePaths: [fixtures] });
  const files = compiler.withImports(compiler.compile(["shop.proto", "catalog.proto"]));
  const registry = Registry.from(files);
  const out: Record<string, string> = {};
  for (const file of files.filter((f) => !f.name!.startsWith("google/"))) {
    const g = generateFile(file, registry, getDescriptorRegistry(), options);
    out[g.name] = g.content;
  }
  return out;
}

const usage = readFileSync(fixtures + "usage.ts", "utf8");

test("generated code, and code using it, compile under --strict --exactOptionalPropertyTypes --noUncheckedIndexedAccess; misuse does not", () => {
  const dir = scratchProject("tsgrpc-types-");
  writeFiles(dir, { ...generated({}), "usage.ts": usage });
  const result = typecheck(dir, STRICT);
  assert.ok(result.ok, result.output);
});

test("with enumStyle const and .ts imports, generated code is erasable syntax (Node's type stripping)", () => {
  const dir = scratchProject("tsgrpc-erasable-");
  const files = generated({ enumStyle: "const", importExtension: ".ts" });
  assert.match(files["catalog_pb.ts"]!, /from "\.\/shop_pb\.ts";/);
  assert.match(files["shop_pb.ts"]!, /export const Item_Condition = \{\n(.*\n)*?\} as const;\n(.*\n)*?export type Item_Condition = \(typeof Item_Condition\)\[keyof typeof Item_Condition\];/);
  writeFiles(dir, { ...files, "usage.ts": usage });
  const result = typecheck(dir, { ...STRICT, erasableSyntaxOnly: true, verbatimModuleSyntax: true, allowImportingTsExtensions: true });
  assert.ok(result.ok, result.output);
});

test("the type test can fail: a misuse that compiles is reported", () => {
  const dir = scratchProject("tsgrpc-types-");
  writeFiles(dir, { ...generated({}), "usage.ts": usage + '\n// @ts-expect-error\nItem.create({ name: "fine" });\n' });
  const result = typecheck(dir, STRICT);
  assert.equal(result.ok, false);
  assert.match(result.output, /Unused '@ts-expect-error' directive/);
});

// The shared workspace's corpus of real-world schemas (googleapis, gRPC's own, protobuf's unittest files with groups,
// extensions and odd names) comes with the workspace, not with a clone of the repository: without it this skips.
const corpus = fileURLToPath(new URL("../../../../../shared/corpus/", import.meta.url));
const noCorpus = existsSync(corpus + "corpus.json") ? false : `no corpus at ${corpus} (it comes with the shared workspace folder)`;

test("generated code for the whole shared corpus compiles under the strict settings", { skip: noCorpus, timeout: 300_000 }, () => {
  const entries = JSON.parse(readFileSync(corpus + "corpus.json", "utf8")) as Array<{ file: string; include: string[] }>;
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const compiler = new Compiler({ includePaths: entry.include.map((i) => corpus + i) });
    const files = compiler.withImports(compiler.compile([entry.file]));
    const registry = Registry.from(files);
    for (const file of files) {
      if (isProvided(file.name!) || generatedFileName(file.name!) in out) continue;
      const g = generateFile(file, registry, getDescriptorRegistry());
      out[g.name] = g.content;
    }
  }
  assert.ok(Object.keys(out).length > 80, `${Object.keys(out).length} modules generated`);
  const dir = scratchProject("tsgrpc-corpus-");
  writeFiles(dir, out);
  const result = typecheck(dir, STRICT);
  assert.ok(result.ok, result.output.split("\n").slice(0, 40).join("\n"));
});

test("the README's \"service in a few lines\" compiles under the strict settings", () => {
  const readme = readFileSync(new URL("../../../../README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("## A service in a few lines"));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(code, "the README has the section and its ts block");
  const schemaDir = fileURLToPath(new URL("../../../../examples/user-service/", import.meta.url));
  const compiler = new Compiler({ includePaths: [schemaDir] });
  const [file] = compiler.compile(["user_service.proto"]);
  const g = generateFile(file!, Registry.from([file!]), getDescriptorRegistry());
  const dir = scratchProject("tsgrpc-readme-");
  writeFiles(dir, { "readme.ts": code, [`gen/${g.name}`]: g.content });
  const result = typecheck(dir, STRICT);
  assert.ok(result.ok, result.output);
});
