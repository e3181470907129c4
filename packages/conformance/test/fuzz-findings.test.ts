import { test } from "node:test";
import assert from "node:assert/strict";
import { createMessageType } from "@tsgrpc/protobuf";
import { loadTestSchemas } from "../src/test-schemas.js";
import { generatedTypes } from "../src/generated-schemas.js";

// What the fuzz properties found (issue 18), each checked on its own; the inputs are also in fuzz/regressions/.
const { registry } = loadTestSchemas();

test('JSON "-0" and -0 in an integer field read as 0, not -0 (fuzz: protobuf-json-vs-bufbuild, 61a7c057ecb6de38)', () => {
  for (const name of ["protobuf_test_messages.proto3.TestAllTypesProto3", "protobuf_test_messages.proto2.TestAllTypesProto2"]) {
    const type = createMessageType(registry.getMessage(name)!);
    for (const text of ['{"optionalInt32":"-0"}', '{"optionalInt32":-0}', '{"optionalUint32":"-0"}', '{"optionalSfixed32":-0}']) {
      const m = type.fromJsonString(text) as Record<string, unknown>;
      const field = Object.keys(JSON.parse(text) as object)[0]!;
      assert.ok(Object.is(m[field], 0), `${name} ${text}: +0, got ${Object.is(m[field], -0) ? "-0" : String(m[field])}`);
      assert.deepStrictEqual(type.decode(type.encode(m)), m, `${name} ${text}: equal to its binary round trip`);
    }
  }
});

test("a tag or length in more than 5 bytes is a DecodeError, as in protoc; a 5-byte one's bits past 32 wrap (fuzz: protobuf-binary-dynamic-vs-bufbuild, 68e091fe9966e160)", async () => {
  const { DecodeError } = await import("@tsgrpc/protobuf");
  const generated = await generatedTypes("fuzz-findings");
  const name = "protobuf_test_messages.proto3.TestAllTypesProto3";
  for (const type of [createMessageType(registry.getMessage(name)!), generated.get(name)!]) {
    // Field 1 (optional_int32) varint 5: the tag 0x08 padded to 6 bytes, then to 5 bytes with a bit past 32.
    assert.throws(() => type.decode(Uint8Array.of(0x88, 0x80, 0x80, 0x80, 0x80, 0x00, 5)), (e: unknown) => e instanceof DecodeError && /tag longer than 5 bytes/.test((e as Error).message));
    assert.equal((type.decode(Uint8Array.of(0x88, 0x80, 0x80, 0x80, 0x10, 5)) as Record<string, unknown>)["optionalInt32"], 5);
    // Field 14 (optional_string): its length 1 padded to 6 bytes.
    assert.throws(() => type.decode(Uint8Array.of(0x72, 0x81, 0x80, 0x80, 0x80, 0x80, 0x00, 0x41)), (e: unknown) => e instanceof DecodeError && /length longer than 5 bytes/.test((e as Error).message));
    assert.equal((type.decode(Uint8Array.of(0x72, 0x81, 0x80, 0x80, 0x80, 0x00, 0x41)) as Record<string, unknown>)["optionalString"], "A");
  }
});

test('a 64-bit integer in a JSON string with an exponent or a fraction is read as a double, as protoc does: within +-2^53 (0..2^54 unsigned) only (fuzz: protobuf-json-vs-bufbuild, 2a1505714a776e1a)', async () => {
  const { DecodeError } = await import("@tsgrpc/protobuf");
  const generated = await generatedTypes("fuzz-findings-int64");
  const name = "protobuf_test_messages.proto3.TestAllTypesProto3";
  for (const type of [createMessageType(registry.getMessage(name)!), generated.get(name)!]) {
    const read = (field: string, v: string) => (type.fromJsonString(`{"${field}":${v}}`, { registry }) as Record<string, unknown>)[field];
    // What the fuzzer found (in a google.protobuf.Int64Value): @bufbuild/protobuf rejects it, protoc reads 290759.
    assert.equal((type.fromJsonString('{"optionalInt64Wrapper":"290759e000"}', { registry }) as Record<string, { value: bigint }>)["optionalInt64Wrapper"]!.value, 290759n);
    for (const field of ["optionalInt64", "optionalSint64", "optionalSfixed64"]) {
      assert.equal(read(field, '"1e3"'), 1000n);
      assert.equal(read(field, '"-5.0"'), -5n);
      assert.equal(read(field, '"9007199254740992.0"'), 2n ** 53n);
      assert.equal(read(field, '"-9007199254740992.0"'), -(2n ** 53n));
      // Digits alone are exact however long.
      assert.equal(read(field, '"100000000000000001"'), 100000000000000001n);
      for (const v of ['"1e17"', '"-9007199254740994.0"', '"1.0e16"']) assert.throws(() => read(field, v), (e: unknown) => e instanceof DecodeError && /out of range/.test((e as Error).message), `${field} ${v}`);
    }
    for (const field of ["optionalUint64", "optionalFixed64"]) {
      assert.equal(read(field, '"1e3"'), 1000n);
      assert.equal(read(field, '"18014398509481984.0"'), 2n ** 54n);
      for (const v of ['"1e17"', '"18014398509481988.0"', '"-1e3"']) assert.throws(() => read(field, v), (e: unknown) => e instanceof DecodeError && /out of range/.test((e as Error).message), `${field} ${v}`);
    }
  }
});
