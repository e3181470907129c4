import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Compiler } from "@tsgrpc/compiler";
import { Registry } from "@tsgrpc/protobuf/codegen-support";
import type { FileDescriptorProto } from "@tsgrpc/protobuf";
import { describeSymbol, printFile } from "../src/proto-printer.js";

// The printer of `tsgrpc describe` on editions files: the edition line, features as options, no optional/required
// labels, delimited fields as written, export/local. Printed files compile back to the descriptors they came from.
const protos = fileURLToPath(new URL("../../../compiler/test/editions-protos", import.meta.url));

function compile(dir: string, name: string): { file: FileDescriptorProto; registry: Registry } {
  const compiler = new Compiler({ includePaths: [dir] });
  const files = compiler.compile([name]);
  return { file: files[0]!, registry: Registry.from(compiler.withImports(files)) };
}

function withoutSourceInfo(file: FileDescriptorProto): FileDescriptorProto {
  return { ...file, sourceCodeInfo: undefined };
}

for (const name of ["visibility_2024.proto", "visibility_user_2024.proto", "feature_extensions_2024.proto"]) {
  test(`printFile: ${name} printed compiles back to the same descriptor`, () => {
    const { file, registry } = compile(protos, name);
    const text = printFile(file, registry);
    // The printed copy is compiled in place of the original, next to the files it imports.
    const dir = mkdtempSync(join(tmpdir(), "tsgrpc-printer-"));
    writeFileSync(join(dir, name), text);
    const again = new Compiler({ includePaths: [dir, protos] }).compile([name])[0]!;
    assert.deepEqual(withoutSourceInfo(again), withoutSourceInfo(file), text);
  });
}

test("describe prints an editions message with its edition, features and no presence labels", () => {
  const { registry } = compile(protos, "features_2023.proto");
  assert.equal(
    describeSymbol(registry, "editions.test.Implicit"),
    'editions.test.Implicit is a message:\nedition = "2023";\n\nmessage Implicit {\n  int32 a = 1;\n  string s = 2;\n  bytes b = 3;\n  .editions.test.Color c = 4;\n  repeated .editions.test.Color cs = 5;\n  .editions.test.Implicit sub = 6;\n}\n',
  );
  const scalars = describeSymbol(registry, "editions.test.Scalars")!;
  assert.match(scalars, /^  option features\.json_format = ALLOW;$/m);
  assert.match(scalars, /^  int32 explicit_int = 1 \[default = 7, features\.field_presence = EXPLICIT\];$/m);
  assert.match(scalars, /^  \.editions\.test\.Scalars child = 7 \[features\.message_encoding = DELIMITED\];$/m, "delimited as written");
  assert.match(scalars, /^  int32 must = 13 \[features\.field_presence = LEGACY_REQUIRED\];$/m, "no required label");
  assert.doesNotMatch(scalars, /optional|required /);
  assert.equal(describeSymbol(registry, "editions.test.Color"), 'editions.test.Color is an enum:\nedition = "2023";\n\nenum Color {\n  option features.enum_type = OPEN;\n  COLOR_UNSPECIFIED = 0;\n  RED = 1;\n  GREEN = 2;\n}\n');
});

test("describe prints export/local and feature extensions", () => {
  const { registry } = compile(protos, "visibility_2024.proto");
  assert.match(describeSymbol(registry, "editions.visibility.Secret")!, /^local message Secret \{$/m);
  assert.match(describeSymbol(registry, "editions.visibility.Account")!, /^  export enum State \{$/m);
  const langs = compile(protos, "feature_extensions_2024.proto").registry;
  const doc = describeSymbol(langs, "editions.langfeatures.Document")!;
  assert.match(doc, /^  option features\.\(pb\.java\)\.nest_in_file_class = YES;$/m);
  assert.match(doc, /^  string title = 1 \[features\.\(pb\.cpp\)\.string_type = CORD\];$/m);
  assert.match(doc, /^    KIND_NOTE = 1 \[features\.\(pb\.go\)\.strip_enum_prefix = STRIP_ENUM_PREFIX_KEEP\];$/m);
});

test("printFile writes the edition, imports of each kind and file features", () => {
  const { file, registry } = compile(protos, "option_import_2024.proto");
  assert.match(printFile(file, registry), /^edition = "2024";\n\npackage editions\.optimport;\n\nimport "features_2023\.proto";\nimport option "custom_options\.proto";\n/);
  const user = compile(protos, "visibility_user_2024.proto");
  assert.match(printFile(user.file, user.registry), /^option features\.default_symbol_visibility = LOCAL_ALL;$/m);
});

test("describe keeps proto3's and proto2's labels", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-printer-"));
  writeFileSync(join(dir, "p3.proto"), 'syntax = "proto3";\npackage p;\nmessage M { optional int32 a = 1; int32 b = 2; }');
  writeFileSync(join(dir, "p2.proto"), 'syntax = "proto2";\npackage q;\nmessage M { required int32 a = 1; optional int32 b = 2; }');
  assert.equal(describeSymbol(compile(dir, "p3.proto").registry, "p.M"), "p.M is a message:\nmessage M {\n  optional int32 a = 1;\n  int32 b = 2;\n}\n");
  assert.equal(describeSymbol(compile(dir, "p2.proto").registry, "q.M"), "q.M is a message:\nmessage M {\n  required int32 a = 1;\n  optional int32 b = 2;\n}\n");
});
