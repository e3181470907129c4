import { test } from "node:test";
import assert from "node:assert/strict";
import { createMessageType } from "@tsgrpc/protobuf";
import { BinaryWriter } from "@tsgrpc/protobuf/codegen-support";
import type { MessageType } from "@tsgrpc/protobuf";
import { generatedTypes } from "../src/generated-schemas.js";
import { loadTestSchemas } from "../src/test-schemas.js";
import { randomMessage, rng } from "../src/random-message.js";

// Generates TypeScript for the conformance schemas, type-checks it with `tsc --strict --exactOptionalPropertyTypes
// --noUncheckedIndexedAccess`, and checks that the generated straight-line codecs agree byte for byte with the
// descriptor-driven codec (itself checked against @bufbuild/protobuf).
const { registry } = loadTestSchemas();
let generated: Map<string, MessageType> | undefined;

test("generated code for the conformance schemas compiles under tsc's strictest settings", { timeout: 120_000 }, async () => {
  generated = await generatedTypes("gen-test");
});

for (const typeName of ["protobuf_test_messages.proto3.TestAllTypesProto3", "protobuf_test_messages.proto2.TestAllTypesProto2"]) {
  const name = typeName.slice(typeName.lastIndexOf(".") + 1);
  {
    test(`generated ${name} encodes and decodes exactly like the descriptor-driven codec`, async () => {
      const gen = generated!.get(typeName)!;
      const dyn = createMessageType(registry.getMessage(gen.typeName)!);
      for (let seed = 1; seed <= 200; seed++) {
        const original = randomMessage(dyn.info, rng(seed), { specialFloats: true });
        const bytes = dyn.encode(original);
        assert.deepStrictEqual(gen.encode(original), bytes, `seed ${seed}: encode`);
        assert.deepStrictEqual(gen.decode(bytes), dyn.decode(bytes), `seed ${seed}: decode`);
        assert.deepStrictEqual(gen.toJson(gen.decode(bytes), { registry }), dyn.toJson(original, { registry }), `seed ${seed}: JSON`);
      }
    });

    test(`generated ${name} rejects corrupt input the way the descriptor-driven codec does`, async () => {
      const gen = generated!.get(typeName)!;
      const dyn = createMessageType(registry.getMessage(gen.typeName)!);
      const random = rng(99);
      for (let seed = 1; seed <= 300; seed++) {
        const bytes = dyn.encode(randomMessage(dyn.info, rng(seed)));
        // Flip, cut or garble: every outcome must be a clean DecodeError or a message, and both codecs must agree.
        const corrupt = bytes.slice(0, Math.floor(random() * (bytes.length + 1)));
        if (corrupt.length > 0) corrupt[Math.floor(random() * corrupt.length)] ^= 1 << Math.floor(random() * 8);
        const outcome = (t: MessageType) => {
          try {
            return { ok: t.decode(corrupt) };
          } catch (e) {
            assert.equal((e as Error).name, "DecodeError", `seed ${seed}: ${(e as Error).stack}`);
            return { error: true };
          }
        };
        assert.deepStrictEqual(outcome(gen), outcome(dyn), `seed ${seed}`);
      }
    });
  }
}

test("unknown fields of every wire type survive a decode and encode, with the generated and the dynamic codec", async () => {
  const gen = generated!.get("protobuf_test_messages.proto3.TestAllTypesProto3")!;
  const dyn = createMessageType(registry.getMessage(gen.typeName)!);
  const w = new BinaryWriter();
  w.tag(1, 0).int32(7); // optional_int32, known
  w.tag(9000, 2).string("unknown bytes"); // unknown, length-delimited
  w.tag(9001, 0).uint64(123n);
  w.tag(9002, 1).fixed64(5n);
  w.tag(9003, 5).fixed32(6);
  w.tag(9004, 3).tag(1, 0).int32(1).tag(9004, 4); // unknown group
  w.tag(14, 2).string("after"); // optional_string, known, after the unknowns
  const bytes = w.finish();
  for (const t of [gen, dyn]) {
    const m = t.decode(bytes);
    assert.equal(m["optionalInt32"], 7);
    assert.equal(m["optionalString"], "after");
    const again = t.decode(t.encode(m));
    assert.deepStrictEqual(again, m);
    assert.equal(t.encode(m).length, bytes.length);
  }
});

test("generated and dynamic codecs agree on wire orders an encoder never writes: repeated singular fields, closed-enum values they do not know, map entries without a value", () => {
  const gen = generated!.get("protobuf_test_messages.proto2.TestAllTypesProto2")!;
  const dyn = createMessageType(registry.getMessage(gen.typeName)!);
  const no = (name: string) => dyn.info.fields.find((f) => f.name === name)!.no;
  const cases: Array<[string, (w: BinaryWriter) => void]> = [
    ["a singular field twice: the last wins", (w) => w.tag(no("optional_int32"), 0).int32(1).tag(no("optional_int32"), 0).int32(2)],
    ["a message field twice: the two merge", (w) => w.tag(no("optional_nested_message"), 2).bytes(Uint8Array.of(0x08, 0x01)).tag(no("optional_nested_message"), 2).bytes(Uint8Array.of(0x12, 0x00))],
    ["a known closed-enum value, then an unknown one: the known one stays", (w) => w.tag(no("optional_nested_enum"), 0).int32(1).tag(no("optional_nested_enum"), 0).int32(99)],
    ["a oneof member, then an unknown closed-enum member: the member stays", (w) => w.tag(no("oneof_string"), 2).string("x").tag(no("oneof_enum"), 0).int32(99)],
    ["two oneof message members of the same case: they merge", (w) => w.tag(no("oneof_nested_message"), 2).bytes(Uint8Array.of(0x08, 0x05)).tag(no("oneof_nested_message"), 2).bytes(Uint8Array.of(0x12, 0x00))],
    ["a map entry with an unknown closed-enum value: the entry goes to the unknown fields", (w) => w.tag(no("map_string_nested_enum"), 2).bytes(Uint8Array.of(0x0a, 0x01, 0x6b, 0x10, 0x63))],
    ["a map entry without its value: the default", (w) => w.tag(no("map_string_nested_enum"), 2).bytes(Uint8Array.of(0x0a, 0x01, 0x6b))],
    ["a packed list of closed-enum values with an unknown one", (w) => w.tag(no("repeated_nested_enum"), 2).bytes(Uint8Array.of(0x01, 0x63, 0x02))],
  ];
  for (const [what, write] of cases) {
    const w = new BinaryWriter();
    write(w);
    const bytes = w.finish();
    const fromGen = gen.decode(bytes);
    assert.deepStrictEqual(fromGen, dyn.decode(bytes), what);
    assert.deepStrictEqual(gen.encode(fromGen), dyn.encode(dyn.decode(bytes)), `${what}: re-encoded`);
  }
  const w = new BinaryWriter();
  cases[3]![1](w);
  assert.deepStrictEqual(dyn.decode(w.finish())["oneofField"], { case: "oneofString", value: "x" }, "the unknown enum did not clear the set member");
});
