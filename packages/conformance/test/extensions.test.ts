import { test } from "node:test";
import assert from "node:assert/strict";
import { createFileRegistry, fromBinary, fromJson, getExtension as bufGet, setExtension as bufSet, create, toBinary, toJson } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import type { DescExtension, DescMessage, JsonValue as BufJsonValue } from "@bufbuild/protobuf";
import { DecodeError, clearExtension, getExtension, hasExtension, setExtension } from "@tsgrpc/protobuf";
import { BinaryWriter, getDescriptorRegistry, messageType, WireType } from "@tsgrpc/protobuf/codegen-support";
import type { JsonValue } from "@tsgrpc/protobuf";
import { loadTestSchemas } from "../src/test-schemas.js";

const { files, registry } = loadTestSchemas();
const T2 = messageType(registry.getMessage("protobuf_test_messages.proto2.TestAllTypesProto2")!);
const EXT = "protobuf_test_messages.proto2.extension_int32";
const ext = registry.getExtension(EXT)!;
const setBytes = messageType(getDescriptorRegistry().getMessage("google.protobuf.FileDescriptorSet")!).encode({ file: files });
const buf = createFileRegistry(fromBinary(FileDescriptorSetSchema, setBytes));
const desc = buf.getMessage(T2.typeName) as DescMessage;
const bufExt = buf.getExtension(EXT) as DescExtension;

test("extensions are set, read, cleared, and survive a binary round trip through @bufbuild/protobuf", () => {
  const m = T2.create({ optionalInt32: 1 });
  assert.equal(hasExtension(m, ext), false);
  setExtension(m, ext, 42);
  assert.equal(getExtension(m, ext), 42);
  const theirs = fromBinary(desc, T2.encode(m));
  assert.equal(bufGet(theirs, bufExt), 42);
  bufSet(theirs, bufExt, -7);
  const back = T2.decode(toBinary(desc, theirs));
  assert.equal(getExtension(back, ext), -7);
  assert.equal(back["optionalInt32"], 1);
  clearExtension(back, ext);
  assert.equal(hasExtension(back, ext), false);
});

test("extensions appear in JSON as [full.name], both ways with @bufbuild/protobuf", () => {
  const m = T2.create();
  setExtension(m, ext, 5);
  const json = T2.toJson(m, { registry }) as Record<string, JsonValue>;
  assert.deepEqual(json, { [`[${EXT}]`]: 5 });
  assert.equal(bufGet(fromJson(desc, json as BufJsonValue, { registry: buf }), bufExt), 5);
  const theirs = create(desc);
  bufSet(theirs, bufExt, 9);
  const ours = T2.fromJson(toJson(desc, theirs, { registry: buf }) as JsonValue, { registry });
  assert.equal(getExtension(ours, ext), 9);
  assert.throws(() => T2.fromJson({ "[no.such_ext]": 1 }, { registry }), /unknown extension "no\.such_ext"/);
});

test("binary nesting deeper than the recursion limit is a DecodeError for generated and dynamic codecs alike", () => {
  const T3 = messageType(registry.getMessage("protobuf_test_messages.proto3.TestAllTypesProto3")!);
  // recursive_message = 27, nested 150 deep
  let inner: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < 150; i++) {
    const w = new BinaryWriter();
    w.tag(27, WireType.LengthDelimited).bytes(inner);
    inner = w.finish();
  }
  assert.throws(() => T3.decode(inner), (e: unknown) => e instanceof DecodeError && /recursion limit/.test((e as Error).message));
  assert.doesNotThrow(() => T3.decode(inner, { recursionLimit: 200 }));
});
