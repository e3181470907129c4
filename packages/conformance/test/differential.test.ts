import { test } from "node:test";
import assert from "node:assert/strict";
import { createFileRegistry, fromBinary, fromJson, toBinary, toJson } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import type { DescMessage, JsonValue as BufJsonValue } from "@bufbuild/protobuf";
import { getDescriptorRegistry, messageType } from "@tsgrpc/protobuf/codegen-support";
import type { JsonValue } from "@tsgrpc/protobuf";
import { loadTestSchemas } from "../src/test-schemas.js";
import { randomMessage, rng } from "../src/random-message.js";

// @bufbuild/protobuf is an independent implementation: it reads our compiler's descriptors and our codec's bytes and
// JSON, and we read its. Any disagreement is a bug on one side; these tests say which message and seed.
const { files, registry } = loadTestSchemas();
const setBytes = messageType(getDescriptorRegistry().getMessage("google.protobuf.FileDescriptorSet")!).encode({ file: files.map((f) => ({ ...f, sourceCodeInfo: undefined })) });
const bufRegistry = createFileRegistry(fromBinary(FileDescriptorSetSchema, setBytes));

const TYPES = ["protobuf_test_messages.proto3.TestAllTypesProto3", "protobuf_test_messages.proto2.TestAllTypesProto2"];
const CASES = 150;

for (const typeName of TYPES) {
  const type = messageType(registry.getMessage(typeName)!);
  const desc = bufRegistry.getMessage(typeName) as DescMessage;

  test(`binary: ${typeName} round-trips through @bufbuild/protobuf, both ways`, () => {
    assert.ok(desc, "@bufbuild/protobuf found the type in our descriptor set");
    for (let seed = 1; seed <= CASES; seed++) {
      const original = randomMessage(type.info, rng(seed), { specialFloats: true });
      const ours = type.encode(original);
      const theirs = toBinary(desc, fromBinary(desc, ours));
      assert.deepStrictEqual(type.decode(theirs), type.decode(ours), `seed ${seed}`);
      assert.deepStrictEqual(type.decode(ours), original, `seed ${seed}: our own round trip`);
    }
  });

  test(`JSON: ${typeName} written by us is read by @bufbuild/protobuf, and the other way`, () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const original = randomMessage(type.info, rng(seed), { specialFloats: false });
      const json = type.toJson(original, { registry });
      const theirs = fromJson(desc, json as BufJsonValue, { registry: bufRegistry });
      assert.deepStrictEqual(type.decode(toBinary(desc, theirs)), type.decode(type.encode(original)), `seed ${seed}: they read our JSON`);
      const theirJson = toJson(desc, theirs, { registry: bufRegistry });
      assert.deepStrictEqual(type.fromJson(theirJson as JsonValue, { registry }), type.decode(type.encode(original)), `seed ${seed}: we read their JSON`);
    }
  });
}
