import { test } from "node:test";
import assert from "node:assert/strict";
import { getDescriptorRegistry } from "@tsgrpc/protobuf/codegen-support";
import { parseTextFormat } from "../src/text-format.js";
import { compileErrors } from "./helpers.js";

// What the fuzz properties found (issue 18), each checked on its own; the inputs are also in fuzz/regressions/.

test('a number "0x" or "09" is a compile error, not a SyntaxError from BigInt (fuzz: proto-parser)', () => {
  const errors = compileErrors({ "main.proto": 'syntax = "proto2";\nmessage M {\n  optional string a = 0x;\n  optional int32 b = 09;\n}\n' });
  assert.ok(errors.some((e) => e.includes('"0x" must be followed by hex digits.')), errors.join("\n"));
  assert.ok(errors.some((e) => e.includes("Numbers starting with leading zero must be in octal.")), errors.join("\n"));
});

test("a proto3 optional field that fails to parse before its name is a compile error, not a TypeError (fuzz: proto-parser)", () => {
  const errors = compileErrors({ "main.proto": 'syntax = "proto3";\nmessage P3 {\n  optional ]  int32 maybe = 1;\n}\n' });
  assert.deepStrictEqual(errors, ["main.proto:3:12: Expected type name."]);
});

test("a \\u or \\U escape without its hex digits, or past 10ffff, is protoc's tokenizer error, not a RangeError (fuzz: text-format, bb3c609b61ab314d)", () => {
  const errors = compileErrors({ "main.proto": 'syntax = "proto3";\noption java_package = "\\U{xff\\UFFFFFFFF\\u{";\n' });
  assert.deepStrictEqual(errors, [
    "main.proto:2:26: Expected eight hex digits up to 10ffff for \\U escape sequence",
    "main.proto:2:32: Expected eight hex digits up to 10ffff for \\U escape sequence",
    "main.proto:2:42: Expected four hex digits for \\u escape sequence.",
  ]);
  assert.deepStrictEqual(compileErrors({ "main.proto": 'syntax = "proto3";\noption java_package = "\\U0010FFFF\\u00e9";\n' }), []);
});

test("parseTextFormat stops at what the tokenizer cannot read, and a file with tokenizer errors is not linked further, as protoc", () => {
  const info = getDescriptorRegistry().getMessage("google.protobuf.FieldOptions")!;
  const parse = (text: string) => parseTextFormat(text, info, () => undefined, () => undefined);
  assert.throws(() => parse('ctype: CORD deprecated: true uninterpreted_option { identifier_value: "\\q" }'), /Error while parsing option value: Invalid escape sequence in string literal\./);
  assert.throws(() => parse("deprecated: true weak: 0x"), /"0x" must be followed by hex digits\./);
  assert.equal(parse("deprecated: true")["deprecated"], true);
  // protoc reports the two escapes and stops: no third error from interpreting the option value they are in.
  const errors = compileErrors({
    "main.proto": 'syntax = "proto3";\nimport "google/protobuf/descriptor.proto";\nmessage Opt { string s = 1; bytes b = 2; }\nextend google.protobuf.FileOptions { Opt opt = 50000; }\noption (opt) = { s: "\\q" b: "\\xZ" };\n',
  });
  assert.deepStrictEqual(errors, ["main.proto:5:23: Invalid escape sequence in string literal.", "main.proto:5:32: Expected hex digits for escape sequence."]);
});
