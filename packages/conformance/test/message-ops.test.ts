import { test } from "node:test";
import assert from "node:assert/strict";
import { durationFromMs as bufDurationFromMs, durationMs as bufDurationMs, timestampFromMs as bufTimestampFromMs, timestampMs as bufTimestampMs } from "@bufbuild/protobuf/wkt";
import { createMessageType } from "@tsgrpc/protobuf";
import { anyIs, anyPack, anyUnpack, Duration, durationFromMs, durationMs, Timestamp, timestampDate, timestampFromDate, timestampFromMs, timestampMs } from "@tsgrpc/protobuf/wkt";
import { loadTestSchemas } from "../src/test-schemas.js";
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
    const ms = Math.round((random() - 0.5) * 2 * 8.64e15 / (random() < 0.5 ? 1 : 1e6));
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
