import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { createFileRegistry, fromBinary, toBinary, toJson, fromJson } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import type { DescField, DescMessage, JsonValue as BufJsonValue } from "@bufbuild/protobuf";
import { Compiler } from "@tsgrpc/compiler";
import { FieldType } from "@tsgrpc/protobuf";
import type { FieldInfo, JsonValue } from "@tsgrpc/protobuf";
import { getDescriptorRegistry, messageType, Registry } from "@tsgrpc/protobuf/codegen-support";
import { CONFORMANCE_INCLUDE } from "../src/test-schemas.js";
import { randomMessage, rng } from "../src/random-message.js";

// Editions in the runtime, against @bufbuild/protobuf (which resolves features on its own): the schemas written for
// the compiler's editions tests and the conformance suite's editions messages, compiled by tsgrpc. Each field's
// resolved behaviour (presence, packing, delimited encoding, UTF-8 checks, open or closed enum) must be what
// protobuf-es makes of the same descriptors, and random messages must cross between the two codecs unchanged.
const ownProtos = fileURLToPath(new URL("../../../compiler/test/editions-protos", import.meta.url));
const compiler = new Compiler({ includePaths: [ownProtos, CONFORMANCE_INCLUDE] });
const names = [
  "features_2023.proto", "proto2_like.proto", "proto3_like.proto", "edition_2024.proto",
  "google/protobuf/test_messages_proto2_editions.proto", "google/protobuf/test_messages_proto3_editions.proto", "google/protobuf/test_messages_edition2023.proto",
];
const files = compiler.withImports(compiler.compile(names));
const registry = Registry.from(files);
const setBytes = messageType(getDescriptorRegistry().getMessage("google.protobuf.FileDescriptorSet")!).encode({ file: files.map((f) => ({ ...f, sourceCodeInfo: undefined })) });
const bufRegistry = createFileRegistry(fromBinary(FileDescriptorSetSchema, setBytes));
const editionsFiles = new Set(files.filter((f) => f.syntax === "editions").map((f) => f.name));
const messages = [...registry.messages.values()].filter((m) => editionsFiles.has(m.file.name) && !m.mapEntry);

/** What protobuf-es resolved for a field, in the terms of our FieldInfo. */
function theirs(f: DescField) {
  const scalarOrEnum = f.fieldKind === "list" ? f.listKind : f.fieldKind;
  return {
    explicitPresence: f.fieldKind !== "list" && f.fieldKind !== "map" && f.presence !== 2,
    required: f.presence === 3,
    packed: f.fieldKind === "list" && f.packed && scalarOrEnum !== "message",
    delimited: (f.fieldKind === "message" || (f.fieldKind === "list" && f.listKind === "message")) && f.delimitedEncoding,
    utf8Strict: (f.fieldKind === "scalar" || f.fieldKind === "list") && f.scalar === 9 ? f.utf8Validation : undefined,
    closedEnum: f.enum ? !f.enum.open : undefined,
  };
}
function ours(f: FieldInfo) {
  return {
    explicitPresence: f.explicitPresence,
    required: f.required,
    packed: f.packed,
    delimited: f.type === FieldType.GROUP,
    utf8Strict: f.type === FieldType.STRING ? f.utf8Strict : undefined,
    closedEnum: f.enum && !f.map ? f.enum.closed : f.map?.value.enum ? f.map.value.enum.closed : undefined,
  };
}

test("editions: every field's resolved features match @bufbuild/protobuf's", () => {
  assert.ok(messages.length > 20, "the schemas hold editions messages");
  let checked = 0;
  for (const m of messages) {
    const desc = bufRegistry.getMessage(m.typeName) as DescMessage;
    for (const f of m.fields) {
      const d = desc.fields.find((x) => x.number === f.no)!;
      const t = theirs(d);
      if (f.map) Object.assign(t, { utf8Strict: undefined });
      const o = ours(f);
      if (f.map) Object.assign(o, { utf8Strict: undefined });
      assert.deepEqual(o, t, `${m.typeName}.${f.name}`);
      checked++;
    }
  }
  assert.ok(checked > 500, `${checked} fields`);
});

test("editions: proto2 and proto3 restated as editions behave as proto2 and proto3 do", () => {
  const p2 = registry.getMessage("protobuf_test_messages.editions.proto2.TestAllTypesProto2")!;
  const field = (name: string) => p2.fields.find((f) => f.name === name)!;
  assert.equal(field("optional_int32").explicitPresence, true);
  assert.equal(field("repeated_int32").packed, false);
  assert.equal(field("packed_int32").packed, true);
  assert.equal(field("optional_nested_enum").enum!.closed, true);
  assert.equal(field("data").type, FieldType.GROUP, "a DELIMITED message field is encoded as a group");
  assert.equal(field("optional_string").utf8Strict, false);
  const p3 = registry.getMessage("protobuf_test_messages.editions.proto3.TestAllTypesProto3")!;
  const f3 = (name: string) => p3.fields.find((f) => f.name === name)!;
  assert.equal(f3("optional_int32").explicitPresence, false);
  assert.equal(f3("repeated_int32").packed, true);
  assert.equal(f3("optional_nested_enum").enum!.closed, false);
  assert.equal(f3("optional_string").utf8Strict, true);
  const legacy = registry.getMessage("editions.proto2like.Person")!;
  assert.equal(legacy.fields.find((f) => f.name === "name")!.required, true, "LEGACY_REQUIRED is required");
});

const TYPES = [
  "protobuf_test_messages.editions.proto2.TestAllTypesProto2",
  "protobuf_test_messages.editions.proto3.TestAllTypesProto3",
  "protobuf_test_messages.editions.TestAllTypesEdition2023",
  "editions.test.Scalars",
  "editions.test.Implicit",
  "editions.proto3like.Item",
  "editions.e2024.Wrapper",
];
const CASES = 100;
for (const typeName of TYPES) {
  const type = messageType(registry.getMessage(typeName)!);
  const desc = bufRegistry.getMessage(typeName) as DescMessage;
  test(`editions: ${typeName} crosses to @bufbuild/protobuf and back, binary and JSON`, () => {
    assert.ok(desc, "@bufbuild/protobuf found the type");
    for (let seed = 1; seed <= CASES; seed++) {
      const original = randomMessage(type.info, rng(seed), { specialFloats: false });
      const bytes = type.encode(original);
      const theirBytes = toBinary(desc, fromBinary(desc, bytes));
      assert.deepStrictEqual(type.decode(theirBytes), type.decode(bytes), `seed ${seed}: binary`);
      assert.deepStrictEqual(Buffer.from(theirBytes), Buffer.from(bytes), `seed ${seed}: the same bytes`);
      const json = type.toJson(original, { registry });
      const theirJson = toJson(desc, fromJson(desc, json as BufJsonValue, { registry: bufRegistry }), { registry: bufRegistry });
      assert.deepStrictEqual(type.fromJson(theirJson as JsonValue, { registry }), type.decode(bytes), `seed ${seed}: JSON`);
    }
  });
}
