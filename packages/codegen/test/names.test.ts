import { test } from "node:test";
import assert from "node:assert/strict";
import { pathToFileURL, fileURLToPath } from "node:url";
import { join } from "node:path";
import { Compiler } from "@tsgrpc/compiler";
import { getDescriptorRegistry, Registry } from "@tsgrpc/protobuf/codegen-support";
import type { MessageType } from "@tsgrpc/protobuf";
import { generateFile } from "../src/index.js";
import { scratchProject, STRICT, typecheck, writeFiles } from "./typecheck.js";

// A schema full of names that clash with TypeScript, with the runtime and with each other (fixtures/names): its
// generated module must compile under the strict settings and work, with no property reaching Object.prototype.
const fixtures = fileURLToPath(new URL("../../test/fixtures/names/", import.meta.url));

test("a schema whose names collide with keywords, the runtime, each other and Object.prototype generates working code", async () => {
  const compiler = new Compiler({ includePaths: [fixtures] });
  const [file] = compiler.compile(["names.proto"]);
  const g = generateFile(file!, Registry.from([file!]), getDescriptorRegistry());
  const code = g.content;
  assert.match(code, /export interface MessageType extends \$Message<"names\.MessageType">/);
  assert.match(code, /export const class\$: \$MessageType<class\$>/);
  assert.match(code, /export interface Item_Condition\$ extends/, "the later of two Item_Condition exports is escaped");
  assert.match(code, /export const file_names\$ = \$defineFile/, "the descriptor export steps aside for a message named file_names");
  assert.match(code, /export enum Color \{\n(.*\n)*? {2}COLOR_RED = 0,\n(.*\n)*? {2}color_RED = 1,/, "prefixes kept when stripping would collide");
  assert.match(code, /SIZE_1X = 0,/, "prefixes kept when a short name would start with a digit");
  assert.match(code, /constructor\$: \{ name: "constructor"/);
  assert.match(code, /getItem: \{ name: "GetItem"[^\n]*\n(.*\n)*? {4}getItem\$: \{ name: "getItem"/, "two methods whose keys collide");
  assert.match(code, /export const m\$: /, "a message named like a local of generated code");

  const dir = scratchProject("tsgrpc-names-");
  writeFiles(dir, { [g.name]: code });
  const result = typecheck(dir, { ...STRICT, noEmit: false, outDir: "js" });
  assert.ok(result.ok, result.output);
  const mod = (await import(pathToFileURL(join(dir, "js", "names_pb.js")).href)) as Record<string, MessageType>;
  const Item = mod["Item"]!;
  const item = Item.create({ Proto: "p", constructor$: "c", toString$: "t", hasOwnProperty$: "h", labels: JSON.parse('{"__proto__": "x"}') as Record<string, string>, choice: { case: "case", value: "yes" } });
  const back = Item.decode(Item.encode(item));
  assert.deepStrictEqual(back, item);
  assert.equal(Object.getPrototypeOf(back), Object.prototype);
  assert.equal(Object.getPrototypeOf(back["labels"]), Object.prototype);
  assert.ok(Object.hasOwn(back["labels"] as object, "__proto__"), "a map key __proto__ is an own property");
  assert.equal(typeof back.toString, "function", "toString still works");
  const Eval = mod["eval$"]!;
  const nested = { inner: { values: [{ child: { a: 1 } }] }, pick: { case: "second", value: { child: { a: 2 } } } };
  assert.deepStrictEqual(Eval.toJson(Eval.decode(Eval.encode(Eval.create(nested)))), { inner: { values: [{ child: { a: 1 } }] }, second: { child: { a: 2 } } });
  assert.deepStrictEqual(Item.toJson(back), { Proto: "p", constructor: "c", toString: "t", hasOwnProperty: "h", labels: { ["__proto__"]: "x" }, case: "yes" });
});

test("a comment cannot end early: a lone CR, U+2028 or U+2029 in a .proto comment stays inside the doc comment", async () => {
  const dir = scratchProject("tsgrpc-comment-");
  const protoDir = scratchProject("tsgrpc-comment-proto-");
  writeFiles(protoDir, { "c.proto": 'syntax = "proto3";\n\n// detached \r export const injected = 1;\n\n// leading \u2028 export const injected2 = 2;\nmessage A {\n  string s = 1; // trailing \u2029 export const injected3 = 3;\n}\n' });
  const [file] = new Compiler({ includePaths: [protoDir] }).compile(["c.proto"]);
  const g = generateFile(file!, Registry.from([file!]), getDescriptorRegistry());
  writeFiles(dir, { [g.name]: g.content });
  const result = typecheck(dir, { ...STRICT, noEmit: false, outDir: "js" });
  assert.ok(result.ok, result.output);
  const mod = (await import(pathToFileURL(join(dir, "js", "c_pb.js")).href)) as Record<string, unknown>;
  assert.deepStrictEqual(Object.keys(mod).sort(), ["A", "file_c"]);
});
