import { test } from "node:test";
import assert from "node:assert/strict";
import { compileErrors, compileOne } from "./helpers.js";

const p3 = (body: string) => `syntax = "proto3";\npackage t;\n${body}\n`;

test("a syntax error is reported as file:line:col", () => {
  assert.deepEqual(compileErrors({ "a.proto": p3("message M { int32 x = ; }") }), ['a.proto:3:23: Expected field number.']);
});

test("several errors in one file are all reported", () => {
  const errors = compileErrors({ "a.proto": p3("message M {\n  int32 x = 1;\n  int32 y = 1;\n  Unknown z = 2;\n}") });
  assert.equal(errors.length, 2, errors.join("\n"));
  assert.match(errors[0]!, /^a\.proto:5:13: Field number 1 has already been used in "t\.M" by field "x"\.$/);
  assert.match(errors[1]!, /^a\.proto:6:3: "Unknown" is not defined\.$/);
});

test("proto3 rules: no required fields, first enum value zero, no explicit defaults", () => {
  assert.match(compileErrors({ "a.proto": p3("message M { required int32 x = 1; }") }).join("\n"), /Required fields are not allowed in proto3/);
  assert.match(compileErrors({ "a.proto": p3("enum E { A = 1; }") }).join("\n"), /a\.proto:3:14: The first enum value must be zero in proto3\./);
  assert.match(compileErrors({ "a.proto": p3("message M { int32 x = 1 [default = 3]; }") }).join("\n"), /Explicit default values are not allowed in proto3/);
});

test("field number range and reserved numbers and names are checked", () => {
  const e = (body: string) => compileErrors({ "a.proto": p3(body) }).join("\n");
  assert.match(e("message M { int32 x = 0; }"), /Field numbers must be positive integers/);
  assert.match(e("message M { int32 x = 536870912; }"), /Field numbers cannot be greater than 536870911/);
  assert.match(e("message M { int32 x = 19000; }"), /reserved for the protocol buffer library/);
  assert.match(e("message M { reserved 2 to 4; int32 x = 3; }"), /Field "x" uses reserved number 3/);
  assert.match(e('message M { reserved "x"; int32 x = 1; }'), /Field name "x" is reserved/);
});

test("duplicate names are reported where the second one stands", () => {
  assert.deepEqual(compileErrors({ "a.proto": p3("message M {}\nmessage M {}") }), ['a.proto:4:9: "M" is already defined in "t".']);
});

test("a missing import names the import and where it was written", () => {
  const errors = compileErrors({ "a.proto": p3('import "missing.proto";') });
  assert.deepEqual(errors, ["missing.proto: File not found.", 'a.proto:3:1: Import "missing.proto" was not found or had errors.']);
});

test("an import cycle is reported, not followed forever", () => {
  const errors = compileErrors({ "a.proto": 'syntax = "proto3";\nimport "b.proto";\n', "b.proto": 'syntax = "proto3";\nimport "a.proto";\n' });
  assert.ok(errors.some((e) => e.includes("File recursively imports itself: a.proto -> b.proto -> a.proto")), errors.join("\n"));
});

test("a type from a file that is not imported directly is refused, as protoc does", () => {
  const errors = compileErrors({
    "a.proto": 'syntax = "proto3";\nimport "b.proto";\nmessage A { C c = 1; }\n',
    "b.proto": 'syntax = "proto3";\nimport "c.proto";\n',
    "c.proto": 'syntax = "proto3";\nmessage C {}\n',
  });
  assert.match(errors.join("\n"), /"C" seems to be defined in "c\.proto", which is not imported by "a\.proto"/);
});

test("import public makes the re-exported file's types visible", () => {
  const errors = compileErrors({
    "a.proto": 'syntax = "proto3";\nimport "b.proto";\nmessage A { C c = 1; }\n',
    "b.proto": 'syntax = "proto3";\nimport public "c.proto";\n',
    "c.proto": 'syntax = "proto3";\nmessage C {}\n',
  });
  assert.deepEqual(errors, []);
});

test("editions compile; an edition this compiler has no defaults for is named (editions.test.ts has the rest)", () => {
  assert.deepEqual(compileErrors({ "a.proto": 'edition = "2023";\nmessage M {}\n' }), []);
  assert.deepEqual(compileErrors({ "a.proto": 'edition = "2025";\nmessage M {}\n' }), ['a.proto:1:11: Unknown edition "2025".']);
});

test("option errors: unknown option, wrong value type, option set twice", () => {
  const e = (body: string) => compileErrors({ "a.proto": p3(body) }).join("\n");
  assert.match(e("option no_such_option = 1;"), /Option "no_such_option" unknown/);
  assert.match(e('option java_multiple_files = "yes";'), /Value must be "true" or "false" for boolean option "google.protobuf.FileOptions.java_multiple_files"/);
  assert.match(e('option java_package = "a";\noption java_package = "b";'), /Option "java_package" was already set/);
});

test("enum aliases need allow_alias, and allow_alias needs an alias", () => {
  assert.match(compileErrors({ "a.proto": p3("enum E { option allow_alias = true; A = 0; B = 1; }") }).join("\n"), /declares support for enum aliases but no enum values share field numbers/);
});

test("binary garbage and unterminated blocks end in diagnostics, not exceptions", () => {
  assert.ok(compileErrors({ "a.proto": "\u0000\u0001\u0002 message {" }).length > 0);
  assert.ok(compileErrors({ "a.proto": p3("message M { int32 x = 1;") }).length > 0);
  assert.ok(compileErrors({ "a.proto": p3('message M { string s = 1 [default = "unterminated]; }') }).length > 0);
});

test("map fields get protoc's synthesized entry message", () => {
  const file = compileOne(p3("message M { map<string, int64> counts_by_name = 1; }"));
  const m = file.messageType[0]!;
  assert.equal(m.nestedType[0]!.name, "CountsByNameEntry");
  assert.deepEqual(m.nestedType[0]!.options, { mapEntry: true });
  assert.equal(m.field[0]!.typeName, ".t.M.CountsByNameEntry");
});

test("proto3 optional fields get synthetic oneofs named _field", () => {
  const file = compileOne(p3("message M { optional int32 x = 1; }"));
  assert.deepEqual(file.messageType[0]!.oneofDecl, [{ name: "_x" }]);
  assert.equal(file.messageType[0]!.field[0]!.proto3Optional, true);
});
