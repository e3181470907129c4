// The breaking() library without buf: what callers (the CLI, editors, CI scripts) rely on. Its findings are held to
// buf's own in packages/cli/test/breaking-*.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { breaking, BreakingConfigError, BREAKING_RULES, breakingRulesFor, Compiler, defaultBreakingConfig, type BreakingFileInput } from "../src/index.js";
import { protoDir } from "./helpers.js";

function compile(files: Record<string, string>, withSourceInfo = true): BreakingFileInput[] {
  const compiler = new Compiler({ includePaths: [protoDir(files)] });
  const names = Object.keys(files);
  return compiler.withImports(compiler.compile(names)).map((proto) => ({ proto: withSourceInfo ? proto : { ...proto, sourceCodeInfo: undefined }, isImport: !names.includes(proto.name!) }));
}
const show = (findings: ReturnType<typeof breaking>) => findings.map((f) => `${f.file}:${f.line}:${f.column}:${f.rule}:${f.message}`);

const A = 'syntax = "proto3";\n\npackage a.v1;\n\nimport "google/protobuf/timestamp.proto";\n\nmessage M {\n  int32 x = 1;\n  google.protobuf.Timestamp at = 2;\n}\n';
const B = 'syntax = "proto3";\n\npackage b.v1;\n\nmessage N {\n  string s = 1;\n}\n';

test("breaking: a deleted file is reported at 1:1 of no file (buf prints <input>:1:1), changes at the current element", () => {
  const previous = compile({ "a.proto": A, "b.proto": B });
  const current = compile({ "a.proto": A.replace("int32 x = 1;", "int64 x = 1;") });
  assert.deepEqual(show(breaking(current, previous)), [':1:1:FILE_NO_DELETE:Previously present file "b.proto" was deleted.', 'a.proto:8:3:FIELD_SAME_TYPE:Field "1" with name "x" on message "M" changed type from "int32" to "int64".']);
});

test("breaking: without source info (a descriptor set without it), findings are at 1:1 of their file", () => {
  const previous = compile({ "a.proto": A }, false);
  const current = compile({ "a.proto": A.replace("  int32 x = 1;\n", "") }, false);
  assert.deepEqual(show(breaking(current, previous, defaultBreakingConfig("v2"))), ['a.proto:1:1:FIELD_NO_DELETE:Previously present field "1" with name "x" on message "M" was deleted.']);
});

test("breaking: imports are compared (a dropped import is a deleted file) unless excludeImports", () => {
  const previous = compile({ "a.proto": A });
  const current = compile({ "a.proto": A.replace('import "google/protobuf/timestamp.proto";\n', "").replace("  google.protobuf.Timestamp at = 2;\n", "") });
  const config = { ...defaultBreakingConfig("v2"), use: ["FILE_NO_DELETE"] };
  assert.deepEqual(show(breaking(current, previous, config)), [':1:1:FILE_NO_DELETE:Previously present file "google/protobuf/timestamp.proto" was deleted.']);
  assert.deepEqual(breaking(current, previous, config, { excludeImports: true }), []);
});

test("breaking: rules per version, the FILE default, deprecated IDs replaced, unknown names rejected with a close name", () => {
  assert.ok(breakingRulesFor("v2").some((r) => r.id === "EXTENSION_NO_DELETE"));
  assert.ok(!breakingRulesFor("v1").some((r) => r.id === "EXTENSION_NO_DELETE"));
  assert.equal(new Set(BREAKING_RULES.map((r) => r.id)).size, BREAKING_RULES.length);
  assert.deepEqual(defaultBreakingConfig().use, ["FILE"]);
  const previous = compile({ "a.proto": A.replace("int32 x = 1;", "repeated int32 x = 1;") });
  const current = compile({ "a.proto": A });
  const label = breaking(current, previous, { ...defaultBreakingConfig("v1"), use: ["FIELD_SAME_LABEL"] });
  assert.deepEqual([...new Set(label.map((f) => f.rule))].sort(), ["FIELD_SAME_CARDINALITY", "FIELD_WIRE_COMPATIBLE_CARDINALITY", "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY"]);
  assert.throws(() => breaking(current, previous, { ...defaultBreakingConfig("v2"), use: ["FIELD_SAME_LABEL"] }), BreakingConfigError);
  assert.throws(() => breaking(current, previous, { ...defaultBreakingConfig("v2"), except: ["FILE_NO_DELET"] }), /did you mean "FILE_NO_DELETE"/);
});
