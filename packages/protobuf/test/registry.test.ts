import { test } from "node:test";
import assert from "node:assert/strict";
import { getDescriptorRegistry, messageType, Registry } from "../src/codegen-support.js";
import type { FileDescriptorProto, JsonValue } from "../src/index.js";

test("Registry resolves relative type names by scope, innermost first, as descriptor.proto allows (protobufjs writes them)", () => {
  const FileType = messageType<FileDescriptorProto>(getDescriptorRegistry().getMessage("google.protobuf.FileDescriptorProto")!);
  const field = (name: string, number: number, type: string, typeName?: string): JsonValue => ({ name, number, type, label: "LABEL_OPTIONAL", jsonName: name, ...(typeName ? { typeName } : {}) });
  const file = FileType.fromJson({
    name: "relative.proto",
    package: "pkg.sub",
    syntax: "proto3",
    messageType: [
      {
        name: "Outer",
        field: [
          field("inner", 1, "TYPE_MESSAGE", "Inner"), // pkg.sub.Outer.Inner
          field("color", 2, "TYPE_ENUM", "Color"), // pkg.sub.Color
          field("top", 3, "TYPE_MESSAGE", "sub.Top"), // pkg.sub.Top, found from the scope pkg
          field("full", 4, "TYPE_MESSAGE", ".pkg.sub.Top"),
        ],
        nestedType: [{ name: "Inner", field: [field("x", 1, "TYPE_INT32")] }],
      },
      { name: "Top" },
    ],
    enumType: [{ name: "Color", value: [{ name: "NONE", number: 0 }] }],
    service: [{ name: "Svc", method: [{ name: "Get", inputType: "Top", outputType: "Outer" }] }],
  });
  const registry = Registry.from([file]);
  const outer = registry.getMessage("pkg.sub.Outer")!;
  assert.deepEqual(outer.fields.map((f) => (f.message ?? f.enum)?.typeName), ["pkg.sub.Outer.Inner", "pkg.sub.Color", "pkg.sub.Top", "pkg.sub.Top"]);
  const method = registry.getService("pkg.sub.Svc")!.methods[0]!;
  assert.equal(method.input.typeName, "pkg.sub.Top");
  assert.equal(method.output.typeName, "pkg.sub.Outer");
  const bad = FileType.fromJson({ name: "bad.proto", package: "p", messageType: [{ name: "M", field: [field("f", 1, "TYPE_MESSAGE", "Missing")] }] });
  assert.throws(() => Registry.from([bad]), /type Missing is not in the registry/);
});
