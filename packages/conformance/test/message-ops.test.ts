import { test } from "node:test";
import assert from "node:assert/strict";
import { durationFromMs as bufDurationFromMs, durationMs as bufDurationMs, timestampFromMs as bufTimestampFromMs, timestampMs as bufTimestampMs } from "@bufbuild/protobuf/wkt";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMessageType, createRegistry } from "@tsgrpc/protobuf";
import { anyIs, anyPack, anyUnpack, Duration, durationFromMs, durationMs, FileDescriptorSet, Timestamp, timestampDate, timestampFromDate, timestampFromMs, timestampMs } from "@tsgrpc/protobuf/wkt";
import { CONFORMANCE_INCLUDE, loadTestSchemas } from "../src/test-schemas.js";
import { randomMessage, rng } from "../src/random-message.js";

// equals, clone and merge checked against protobuf's own definition of them: merging is what decoding two encodings
// one after the other gives, a clone equals its original and shares nothing with it, and two messages are equal when
// they hold the same values (their encodings then match).
const { registry } = loadTestSchemas();
const TYPES = ["protobuf_test_messages.proto3.TestAllTypesProto3", "protobuf_test_messages.proto2.TestAllTypesProto2"];
const CASES = 150;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

for (const typeName of TYPES) {
  const type = createMessageType(registry.getMessage(typeName)!);

  test(`merge(${typeName}): merging b into a gives what decoding a's bytes then b's gives`, () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const a = randomMessage(type.info, rng(seed), { specialFloats: true });
      const b = randomMessage(type.info, rng(seed + 10_000), { specialFloats: true });
      const expected = type.decode(concat(type.encode(a), type.encode(b)));
      const merged = type.merge(type.clone(a), b);
      assert.ok(type.equals(merged, expected), `seed ${seed}`);
      assert.deepStrictEqual(type.encode(merged), type.encode(expected), `seed ${seed}: bytes`);
    }
  });

  test(`clone(${typeName}): equal to the original, and sharing no list, map, message or bytes with it`, () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const original = type.decode(type.encode(randomMessage(type.info, rng(seed), { specialFloats: true })));
      const before = type.encode(original);
      const copy = type.clone(original);
      assert.ok(type.equals(copy, original), `seed ${seed}`);
      assert.deepStrictEqual(copy, original, `seed ${seed}`);
      // Wreck the copy at every depth; the original must not notice.
      const wreck = (m: Record<string, unknown>): void => {
        for (const v of Object.values(m)) {
          if (v instanceof Uint8Array) v.fill(0xee);
          else if (Array.isArray(v)) (v.length && typeof v[0] === "object" ? v.forEach((e) => wreck(e)) : v.push(v[0] ?? 0));
          else if (v && typeof v === "object") wreck(v as Record<string, unknown>);
        }
      };
      wreck(copy);
      assert.deepStrictEqual(type.encode(original), before, `seed ${seed}`);
    }
  });

  test(`equals(${typeName}): true for the same values however built, false when any value differs`, () => {
    let unequal = 0;
    for (let seed = 1; seed <= CASES; seed++) {
      const a = randomMessage(type.info, rng(seed), { specialFloats: true });
      const b = randomMessage(type.info, rng(seed + 1), { specialFloats: true });
      assert.ok(type.equals(a, type.decode(type.encode(a))), `seed ${seed}: a decoded copy`);
      assert.ok(type.equals(a, type.clone(a)), `seed ${seed}: a clone`);
      const same = Buffer.compare(type.encode(a), type.encode(b)) === 0;
      assert.equal(type.equals(a, b), same, `seed ${seed}: equal exactly when the encodings are`);
      if (!same) unequal++;
    }
    assert.ok(unequal > CASES / 2, "the random pairs mostly differ, so the false side is exercised");
  });
}

test("equals: a partial message equals the complete one it stands for; NaN equals NaN; 0 and -0 differ; unknown fields count", () => {
  const type = createMessageType(registry.getMessage(TYPES[0]!)!);
  assert.ok(type.equals({ optionalInt32: 0 }, type.create()));
  assert.ok(type.equals({ optionalDouble: NaN }, { optionalDouble: NaN }));
  assert.ok(!type.equals({ optionalDouble: 0 }, { optionalDouble: -0 }));
  assert.ok(!type.equals({ oneofField: { case: "oneofUint32", value: 0 } }, type.create()), "a set oneof member is not unset");
  assert.ok(!type.equals(type.decode(Uint8Array.of(0xf8, 0xff, 0x3f, 0x01)), type.create()), "an unknown field");
});

test("Timestamp and Duration helpers agree with @bufbuild/protobuf's, and round-trip through Date and milliseconds", () => {
  const random = rng(7);
  for (let i = 0; i < 500; i++) {
    const ms = Math.round((random() - 0.5) * 2 * 6.2e13 / (random() < 0.5 ? 1 : 1e6)); // within what a Timestamp holds
    const ours = timestampFromMs(ms);
    const theirs = bufTimestampFromMs(ms);
    assert.deepStrictEqual([ours.seconds, ours.nanos], [theirs.seconds, theirs.nanos], `timestampFromMs(${ms})`);
    assert.equal(timestampMs(ours), bufTimestampMs(theirs), `timestampMs(${ms})`);
    const d = durationFromMs(ms);
    const bd = bufDurationFromMs(ms);
    assert.deepStrictEqual([d.seconds, d.nanos], [bd.seconds, bd.nanos], `durationFromMs(${ms})`);
    assert.equal(durationMs(d), bufDurationMs(bd), `durationMs(${ms})`);
  }
  // Fractions of a millisecond become whole nanoseconds (protobuf-es leaves fractional nanos in a Duration).
  assert.deepStrictEqual(durationFromMs(-1.0000005), Duration.create({ seconds: 0n, nanos: -1_000_001 }));
  assert.deepStrictEqual(timestampFromMs(-0.5), Timestamp.create({ seconds: -1n, nanos: 999_500_000 }));
  const date = new Date("2026-12-07T03:04:05.678Z");
  assert.equal(timestampDate(timestampFromDate(date)).getTime(), date.getTime());
  assert.equal(Timestamp.toJson(timestampFromDate(date)), "2026-12-07T03:04:05.678Z");
  assert.equal(Duration.toJson(durationFromMs(-1500)), "-1.500s");
  assert.throws(() => timestampFromMs(NaN), RangeError);
});

test("Any: pack, check and unpack", () => {
  const any = anyPack(Duration, { seconds: 3n });
  assert.equal(any.typeUrl, "type.googleapis.com/google.protobuf.Duration");
  assert.ok(anyIs(any, Duration) && anyIs(any, "google.protobuf.Duration") && !anyIs(any, Timestamp));
  assert.deepStrictEqual(anyUnpack(any, Duration), Duration.create({ seconds: 3n }));
  assert.equal(anyUnpack(any, Timestamp), undefined);
});

test("an initializer writes the same JSON as the message created from it, defaults included", () => {
  for (const typeName of TYPES) {
    const type = createMessageType(registry.getMessage(typeName)!);
    for (let seed = 1; seed <= 50; seed++) {
      const init = randomMessage(type.info, rng(seed));
      const drop = rng(seed + 7);
      for (const key of Object.keys(init)) if (drop() < 0.5) delete init[key];
      const options = { registry, emitDefaults: true };
      assert.deepStrictEqual(type.toJson(init, options), type.toJson(type.create(init), options), `${typeName} seed ${seed}`);
    }
  }
});

test("merge: a source that is the target, or shares its lists, appends a copy once", () => {
  const type = createMessageType(registry.getMessage(TYPES[0]!)!);
  const a = type.create({ repeatedInt32: [1, 2], optionalNestedMessage: { a: 3 } });
  type.merge(a, a);
  assert.deepStrictEqual(a["repeatedInt32"], [1, 2, 1, 2]);
  const b = type.create({ repeatedInt32: [5] });
  type.merge(b, { repeatedInt32: b["repeatedInt32"] as number[] });
  assert.deepStrictEqual(b["repeatedInt32"], [5, 5]);
});

test("toJson of a partial well-known type writes its missing fields as defaults", () => {
  assert.equal(Timestamp.toJson({ seconds: 1n }), "1970-01-01T00:00:01Z");
  assert.equal(Timestamp.toJson({}), "1970-01-01T00:00:00Z");
  assert.equal(Duration.toJson({ seconds: 1n }), "1s");
  const type = createMessageType(registry.getMessage(TYPES[0]!)!);
  assert.deepStrictEqual(type.toJson({ optionalTimestamp: { nanos: 5_000_000 }, optionalFieldMask: {}, optionalStruct: {}, optionalInt64Wrapper: {} }), {
    optionalTimestamp: "1970-01-01T00:00:00.005Z",
    optionalFieldMask: "",
    optionalStruct: {},
    optionalInt64Wrapper: "0",
  });
});

test("a dynamic create refuses a oneof member given as a property of its own instead of dropping it", () => {
  const type = createMessageType(registry.getMessage(TYPES[0]!)!);
  assert.throws(() => type.create({ oneofString: "x" }), /"oneofString" is a member of oneof "oneof_field": set it as oneofField: \{ case: "oneofString", value \}/);
  assert.deepStrictEqual(type.create({ oneofField: { case: "oneofString", value: "x" } })["oneofField"], { case: "oneofString", value: "x" });
});

test("timestampFromMs refuses times a Timestamp cannot hold", () => {
  assert.throws(() => timestampFromMs(1e20), RangeError);
  assert.throws(() => timestampFromMs(-62135596800001), RangeError);
  assert.equal(Timestamp.toJson(timestampFromMs(253402300799999)), "9999-12-31T23:59:59.999Z");
});

const hasProtoc = spawnSync("protoc", ["--version"]).status === 0;

test("a descriptor set written by protoc, decoded with @tsgrpc/protobuf/wkt's FileDescriptorSet, makes a working registry", { skip: hasProtoc ? false : "protoc is not installed (Debian: protobuf-compiler)" }, () => {
  const out = join(mkdtempSync(join(tmpdir(), "tsgrpc-protoc-set-")), "set.pb");
  const run = spawnSync("protoc", ["-I", CONFORMANCE_INCLUDE, "--include_imports", `--descriptor_set_out=${out}`, "google/protobuf/test_messages_proto3.proto"], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  const set = FileDescriptorSet.decode(readFileSync(out));
  const type = createMessageType(createRegistry(set.file).getMessage(TYPES[0]!)!);
  const ours = createMessageType(registry.getMessage(TYPES[0]!)!);
  for (let seed = 1; seed <= 20; seed++) {
    const m = randomMessage(ours.info, rng(seed));
    assert.deepStrictEqual(type.encode(m), ours.encode(m), `seed ${seed}`);
    assert.deepStrictEqual(type.toJson(m, { registry }), ours.toJson(m, { registry }), `seed ${seed}: JSON`);
  }
});
