import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Compiler } from "@tsgrpc/compiler";
import { getDescriptorRegistry, Registry } from "@tsgrpc/protobuf/codegen-support";
import { generateFile, isProvided, type GenerateOptions } from "../src/index.js";
import { scratchProject, STRICT, typecheck, writeFiles } from "./typecheck.js";

// docs/API.md's examples are claims about the API: every ```ts block compiles under the strict settings, against code
// generated from the doc's own ```proto blocks (`// protos/NAME.proto` headers) and the UserService example. Blocks
// that start with `// excerpt` show generated code and are left out; `// enumStyle: "const"` ones get const enums.
const root = fileURLToPath(new URL("../../../../", import.meta.url));

interface Block {
  lang: string;
  line: number;
  text: string;
}

function blocksOf(markdown: string): Block[] {
  const lines = markdown.split("\n");
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const lang = /^```(\w+)\s*$/.exec(lines[i]!)?.[1];
    if (!lang) continue;
    let end = i + 1;
    while (lines[end] !== "```") end++;
    out.push({ lang, line: i + 2, text: lines.slice(i + 1, end).join("\n") + "\n" });
    i = end;
  }
  return out;
}

function generated(protoDir: string, names: string[], options: GenerateOptions): Record<string, string> {
  const compiler = new Compiler({ includePaths: [protoDir, join(root, "examples/user-service")] });
  const files = compiler.withImports(compiler.compile([...names, "user_service.proto"]));
  const registry = Registry.from(files);
  const out: Record<string, string> = {};
  for (const f of files.filter((f) => !isProvided(f.name!))) {
    const g = generateFile(f, registry, getDescriptorRegistry(), options);
    out[`gen/${g.name}`] = g.content;
  }
  return out;
}

test("every TypeScript example in docs/API.md compiles under the strict settings", () => {
  const blocks = blocksOf(readFileSync(join(root, "docs/API.md"), "utf8"));
  const protoDir = mkdtempSync(join(tmpdir(), "tsgrpc-api-protos-"));
  const protos = blocks.filter((b) => b.lang === "proto").map((b) => {
    const name = /^\/\/ (?:protos\/)?(\S+\.proto)/.exec(b.text)?.[1];
    assert.ok(name, `the proto block at docs/API.md:${b.line} names its file in a // protos/NAME.proto header`);
    writeFileSync(join(protoDir, name), b.text);
    return name;
  });
  const examples = blocks.filter((b) => b.lang === "ts" && !b.text.startsWith("// excerpt"));
  assert.ok(examples.length > 30, `${examples.length} examples found`);
  const dir = scratchProject("tsgrpc-api-docs-");
  const files: Record<string, string> = { ...generated(protoDir, protos, {}) };
  for (const [style, prefix] of [["const", "const/"], ["enum", ""]] as const) {
    if (style === "const") for (const [name, content] of Object.entries(generated(protoDir, protos, { enumStyle: "const" }))) files[prefix + name] = content;
    for (const b of examples.filter((b) => b.text.startsWith('// enumStyle: "const"') === (style === "const"))) files[`${prefix}ex_L${b.line}.ts`] = b.text;
  }
  writeFiles(dir, files);
  const result = typecheck(dir, STRICT);
  const located = result.output.replace(/(?:const\/)?ex_L(\d+)\.ts\((\d+),(\d+)\)/g, (_, l: string, a: string, c: string) => `docs/API.md:${Number(l) + Number(a) - 1}:${c}`);
  assert.ok(result.ok, located);
});
