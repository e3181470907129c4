import { test } from "node:test";
import assert from "node:assert/strict";
import { create, createFileRegistry, fromBinary, fromJson, toBinary, toJson } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import type { DescField, DescMessage, JsonValue as BufJsonValue } from "@bufbuild/protobuf";
import { createMessageType } from "@tsgrpc/protobuf";
import type { FieldInfo, JsonValue, MessageInfo, MessageType } from "@tsgrpc/protobuf";
import { getDescriptorRegistry, getField, messageType } from "@tsgrpc/protobuf/codegen-support";
import { loadTestSchemas } from "../src/test-schemas.js";
import { randomMessage, rng } from "../src/random-message.js";
import { partialInit } from "../src/random-init.js";
import { generatedTypes } from "../src/generated-schemas.js";

// The same random initializers built into messages by tsgrpc's `create` (generated and dynamic types) and by
// @bufbuild/protobuf's `create`, then encoded by each: the bytes and the JSON must be identical. This checks our
// initializer semantics (partial at every depth, oneofs as { case, value }) against protobuf-es's MessageInitShape.
const { files, registry } = loadTestSchemas();
const setBytes = messageType(getDescriptorRegistry().getMessage("google.protobuf.FileDescriptorSet")!).encode({ file: files.map((f) => ({ ...f, sourceCodeInfo: undefined })) });
const bufRegistry = createFileRegistry(fromBinary(FileDescriptorSetSchema, setBytes));
const CASES = 150;
type Message = Record<string, unknown>;

/** Our initializer in protobuf-es's shape: its local names, singular wrapper fields unboxed and Struct fields as JSON
 * objects (how protobuf-es v2 represents them), matched field by field number. */
function toBufInit(info: MessageInfo, desc: DescMessage, init: Message): Message {
  const out: Message = {};
  for (const f of info.fields) {
    const v = getField(init, f);
    if (v === undefined) continue;
    const bf = desc.fields.find((x) => x.number === f.no)!;
    const value = f.map ? mapValues(v as Message, (x) => bufValue(f.map!.value, bf, x)) : f.repeated ? (v as unknown[]).map((x) => bufValue(f, bf, x)) : bufValue(f, bf, v);
    if (bf.oneof) out[bf.oneof.localName] = { case: bf.localName, value };
    else out[bf.localName] = value;
  }
  return out;
}

function bufValue(f: FieldInfo, bf: DescField, v: unknown): unknown {
  if (!f.message || bf.message === undefined) return v;
  const name = f.message.typeName;
  if (name === "google.protobuf.Struct" && bf.parent.typeName !== "google.protobuf.Value") return createMessageType(f.message).toJson(v as Message);
  if (name.endsWith("Value") && name.startsWith("google.protobuf.") && bf.fieldKind === "message" && !bf.oneof && f.message.fields.length === 1) {
    return (v as Message)["value"] ?? createMessageType(f.message).create()["value"];
  }
  return toBufInit(f.message, bf.message, v as Message);
}

function mapValues(map: Message, fn: (v: unknown) => unknown): Message {
  return Object.fromEntries(Object.keys(map).map((k) => [k, fn(map[k])]));
}

const generated = await generatedTypes("same-inputs");

for (const typeName of ["protobuf_test_messages.proto3.TestAllTypesProto3", "protobuf_test_messages.proto2.TestAllTypesProto2"]) {
  const desc = bufRegistry.getMessage(typeName)!;
  const kinds: Array<[string, MessageType]> = [
    ["dynamic", createMessageType(registry.getMessage(typeName)!)],
    ["generated", generated.get(typeName)!],
  ];
  for (const [kind, type] of kinds) {
    test(`${kind} ${typeName}: create() from the same random initializers as @bufbuild/protobuf gives the same bytes and JSON`, () => {
      for (let seed = 1; seed <= CASES; seed++) {
        const random = rng(seed);
        const init = partialInit(type.info, randomMessage(type.info, random, { specialFloats: false }), random);
        const ours = type.create(init);
        const theirs = create(desc, toBufInit(type.info, desc, init) as never);
        const bytes = type.encode(ours);
        assert.deepStrictEqual(bytes, toBinary(desc, theirs), `seed ${seed}: binary`);
        // The JSON texts may differ in how a float prints (we print 1e-38 as protoc does, protobuf-es the double
        // 9.999999350456404e-39): each side reads the other's JSON back to the same bytes.
        const ourJson = type.toJson(ours, { registry });
        assert.deepStrictEqual(toBinary(desc, fromJson(desc, ourJson as BufJsonValue, { registry: bufRegistry })), bytes, `seed ${seed}: they read our JSON`);
        assert.deepStrictEqual(type.encode(type.fromJson(toJson(desc, theirs, { registry: bufRegistry }) as JsonValue, { registry })), bytes, `seed ${seed}: we read theirs`);
        assert.deepStrictEqual(type.encode(init), type.encode(ours), `seed ${seed}: an initializer encodes as the message created from it`);
      }
    });
  }
}
