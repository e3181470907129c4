// Fuzz properties for the protobuf decoders: binary (dynamic and generated types) and JSON, each against
// @bufbuild/protobuf reading the same input (an independent implementation), plus round trips.
import assert from "node:assert/strict";
import * as fc from "fast-check";
import { createFileRegistry, fromBinary, fromJsonString, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import type { DescMessage } from "@bufbuild/protobuf";
import { createMessageType, DecodeError } from "@tsgrpc/protobuf";
import type { MessageType } from "@tsgrpc/protobuf";
import { getDescriptorRegistry, messageType, UnknownFields } from "@tsgrpc/protobuf/codegen-support";
import type { MessageInfo } from "@tsgrpc/protobuf";
import { loadTestSchemas } from "../../src/test-schemas.js";
import { randomMessage, rng } from "../../src/random-message.js";
import { generatedTypes } from "../../src/generated-schemas.js";
import { mutated, throwsOnly, type FuzzProperty } from "@tsgrpc/testing";

const { files, registry } = loadTestSchemas();
const setBytes = messageType(getDescriptorRegistry().getMessage("google.protobuf.FileDescriptorSet")!).encode({ file: files.map((f) => ({ ...f, sourceCodeInfo: undefined })) });
const bufRegistry = createFileRegistry(fromBinary(FileDescriptorSetSchema, setBytes));
const generated = await generatedTypes("fuzz");

/** The wire type of each field type (descriptor.proto's FieldDescriptorProto.Type numbers). */
const WIRE_TYPES: Record<number, number> = { 1: 1, 2: 5, 3: 0, 4: 0, 5: 0, 6: 1, 7: 5, 8: 0, 9: 2, 10: 3, 11: 2, 12: 2, 13: 0, 14: 0, 15: 5, 16: 1, 17: 0, 18: 0 };

const TYPE_NAMES = ["protobuf_test_messages.proto3.TestAllTypesProto3", "protobuf_test_messages.proto2.TestAllTypesProto2"];
interface Schema { name: string; dynamic: MessageType; generated: MessageType; desc: DescMessage; wireTypes: Array<[number, number]> }
const SCHEMAS: Schema[] = TYPE_NAMES.map((name) => {
  const dynamic = createMessageType(registry.getMessage(name)!);
  return { name, dynamic, generated: generated.get(name)!, desc: bufRegistry.getMessage(name)!, wireTypes: dynamic.info.fields.map((f): [number, number] => [f.no, f.map ? 2 : WIRE_TYPES[f.type]!]) };
});
type Message = Record<string, unknown>;

const seed = fc.integer({ min: 1, max: 0x7fffffff });
const schema = fc.integer({ min: 0, max: SCHEMAS.length - 1 });

/** A random message's encoding (every field type, maps, oneofs, groups, well-known types). */
const validBytes = (i: number, special = true) => seed.map((s) => SCHEMAS[i]!.dynamic.encode(randomMessage(SCHEMAS[i]!.dynamic.info, rng(s), { specialFloats: special, maxDepth: 2 })));

function varint(v: bigint): number[] {
  const out: number[] = [];
  v = BigInt.asUintN(64, v);
  while (v >= 0x80n) { out.push(Number(v & 0x7fn) | 0x80); v >>= 7n; }
  out.push(Number(v));
  return out;
}

/** Wire-level records: known and unknown field numbers with any wire type (right or wrong for the field), any payload. */
function wireBytes(fields: Array<[no: number, wireType: number]>): fc.Arbitrary<Uint8Array> {
  const numberAndType = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...fields) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...fields.map(([no]) => no)), fc.integer({ min: 0, max: 5 })) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 2 ** 29 + 5 }), fc.integer({ min: 0, max: 7 })) },
  );
  const field = (payload: fc.Arbitrary<Uint8Array>) => fc.record({
    nt: numberAndType,
    value: fc.oneof(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.bigInt({ min: 0n, max: 300n })),
    payload,
    lengthDelta: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -3, max: 3 }) }),
  });
  const encode = (records: Array<{ nt: [number, number]; value: bigint; payload: Uint8Array; lengthDelta: number }>): Uint8Array => {
    const out: number[] = [];
    for (const r of records) {
      const [no, wt] = r.nt;
      out.push(...varint((BigInt(no) << 3n) | BigInt(wt)));
      if (wt === 0) out.push(...varint(r.value));
      else if (wt === 1) for (let i = 0n; i < 64n; i += 8n) out.push(Number((r.value >> i) & 0xffn));
      else if (wt === 5) for (let i = 0n; i < 32n; i += 8n) out.push(Number((r.value >> i) & 0xffn));
      else if (wt === 2) out.push(...varint(BigInt(Math.max(0, r.payload.length + r.lengthDelta))), ...r.payload);
    }
    return Uint8Array.from(out);
  };
  const leaf = fc.array(field(fc.uint8Array({ maxLength: 12 })), { maxLength: 6 }).map(encode);
  return fc.array(field(fc.oneof(fc.uint8Array({ maxLength: 16 }), leaf)), { maxLength: 10 }).map(encode);
}

const anyBytes = (i: number) => fc.oneof(fc.uint8Array({ maxLength: 64 }), wireBytes(SCHEMAS[i]!.wireTypes), mutated(validBytes(i)));
const schemaAndBytes = schema.chain((i) => fc.record({ schema: fc.constant(i), bytes: anyBytes(i) }));

function decodeOurs(type: MessageType, bytes: Uint8Array): { value: Message } | { error: Error } {
  return throwsOnly(() => type.decode(bytes) as Message, DecodeError);
}
function decodeTheirs(desc: DescMessage, bytes: Uint8Array): { value: Uint8Array } | { error: Error } {
  try {
    return { value: toBinary(desc, fromBinary(desc, bytes)) };
  } catch (e) {
    return { error: e as Error };
  }
}

/**
 * The wire format of `bytes` walked along the schema, strictly (every length, varint and group bounded by the message
 * it is in): "mistyped" when a known field arrives with a wire type not its own, "malformed" when the bytes are not
 * protobuf, else "ok". Two documented differences from @bufbuild/protobuf need it:
 * - a mistyped known field is an unknown field to tsgrpc, as to protoc's parser (kept, or rejected when cut short),
 *   while @bufbuild/protobuf reads it as its declared type (and fails, or reads something else);
 * - @bufbuild/protobuf accepts some malformed input, e.g. a nested message whose last field's varint runs past the
 *   nested message's end (it does not bound the read by the length), which tsgrpc, as protoc, rejects.
 */
function wireShape(info: MessageInfo, bytes: Uint8Array): "ok" | "mistyped" | "malformed" | "overlong" {
  let pos = 0;
  let mistyped = false;
  /**
   * A 5-byte tag or length with bits past 32: tsgrpc's reader, as protoc's ReadTag, takes the low 32 bits (a longer
   * one is malformed to both); protobuf-es rejects it.
   */
  let overlong = false;
  /** A tag's or length's low 32 bits, in at most 5 bytes as protoc reads them (bits past 32 noted: see above). */
  const varint = (): number | undefined => {
    let v = 0n;
    const at = pos;
    for (let shift = 0n; pos < bytes.length && pos - at < 10; shift += 7n) {
      const b = bytes[pos++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) {
        if (pos - at > 5) return undefined;
        if (v >= 1n << 32n) overlong = true;
        return Number(v & 0xffffffffn);
      }
    }
    return undefined;
  };
  const value = (): boolean => {
    const at = pos;
    while (pos < bytes.length && pos - at < 10) if (bytes[pos++]! < 0x80) return true;
    return false;
  };
  /** true when well-formed up to the end (or the end of the group `endGroup`). */
  const walk = (type: MessageInfo, endGroup?: number): boolean => {
    while (pos < bytes.length) {
      const tag = varint();
      if (tag === undefined) return false;
      const no = Math.floor(tag / 8);
      const wt = tag % 8;
      if (no === 0) return false;
      const f = type.fields.find((x) => x.no === no);
      if (f && !(wt === 4 && no === endGroup)) {
        const expected = f.map ? 2 : WIRE_TYPES[f.type]!;
        const packable = f.repeated && !f.map && expected !== 2 && expected !== 3;
        if (wt !== expected && !(packable && wt === 2)) mistyped = true;
      }
      if (wt === 4) return no === endGroup;
      if (wt === 0) { if (!value()) return false; }
      else if (wt === 1 || wt === 5) { pos += wt === 1 ? 8 : 4; if (pos > bytes.length) return false; }
      else if (wt === 2) {
        const len = varint();
        if (len === undefined || pos + len > bytes.length) return false;
        if (f && !f.map && f.repeated && wt !== WIRE_TYPES[f.type]) {
          // Packed: whole fixed-width values, or whole varints, filling the length exactly.
          const width = WIRE_TYPES[f.type] === 1 ? 8 : WIRE_TYPES[f.type] === 5 ? 4 : 0;
          if (width && len % width !== 0) return false;
          if (!width) { const end = pos + len; while (pos < end) if (!value() || pos > end) return false; pos -= len; }
        }
        const sub = f && wt === WIRE_TYPES[f.type] ? (f.map ? mapEntry(f) : f.message) : undefined;
        if (sub) {
          const inner = wireShape(sub, bytes.subarray(pos, pos + len));
          if (inner === "malformed") return false;
          if (inner === "mistyped") mistyped = true;
          if (inner === "overlong") overlong = true;
        }
        pos += len;
      } else if (wt === 3) {
        if (!walk(f && WIRE_TYPES[f.type] === 3 ? f.message! : NO_FIELDS, no)) return false;
      } else return false;
    }
    return endGroup === undefined;
  };
  const ok = walk(info);
  return !ok ? "malformed" : mistyped ? "mistyped" : overlong ? "overlong" : "ok";
}
const NO_FIELDS = { fields: [] } as unknown as MessageInfo;
const mapEntry = (f: MessageInfo["fields"][number]): MessageInfo => ({ fields: [{ ...f.map!.key, no: 1, repeated: false, map: undefined }, { ...f.map!.value, no: 2, repeated: false, map: undefined }] }) as unknown as MessageInfo;

/**
 * A deep copy with the unknown fields reduced to their field numbers, sorted (dropped inside the objects `drop`
 * picks): the order of unknown fields of different numbers, and how they are cut into chunks, do not matter. Two
 * documented differences need it: a closed (proto2) enum's unknown number is kept by the dynamic codec and by
 * @bufbuild/protobuf re-encoded as an int32 (as protoc's C++ does: 2^31 read as 5 bytes comes back as 10), and by
 * generated code as the bytes that came (the same value, other bytes); and @bufbuild/protobuf holds a singular
 * wrapper (google.protobuf.StringValue...) as its bare value, so unknown fields inside one are lost there.
 */
function unknownAsNumbers(value: unknown, drop: (o: object) => boolean = () => false): unknown {
  if (value instanceof Uint8Array || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => unknownAsNumbers(v, drop));
  // protobuf-es holds google.protobuf.Value as JSON: a Value with no kind set comes back as null_value.
  if (Object.keys(value).length === 1 && "case" in value && (value as { case?: unknown }).case === undefined) return { case: "nullValue", value: 0 };
  const out: Record<string | symbol, unknown> = {};
  for (const k of Object.keys(value)) out[k] = unknownAsNumbers((value as Message)[k], drop);
  const unknown = (value as { [UnknownFields]?: Uint8Array[] })[UnknownFields];
  if (unknown !== undefined && !drop(value)) out[UnknownFields] = tagNumbers(unknown);
  return out;
}
/** The field numbers of the fields in unknown-field chunks (a chunk may hold several). */
function tagNumbers(chunks: Uint8Array[]): number[] {
  const out: number[] = [];
  for (const c of chunks) {
    let pos = 0;
    const varint = () => { let v = 0; for (let shift = 0; pos < c.length; shift += 7) { const b = c[pos++]!; v += (b & 0x7f) * 2 ** shift; if (b < 0x80) break; } return v; };
    while (pos < c.length) {
      const tag = varint();
      out.push(Math.floor(tag / 8));
      const wt = tag % 8;
      if (wt === 0) varint();
      else if (wt === 1) pos += 8;
      else if (wt === 5) pos += 4;
      else if (wt === 2) pos += varint();
    }
  }
  return out.sort((a, b) => a - b);
}
/**
 * Where each unknown field is ("path:number"). @bufbuild/protobuf keeps fewer than tsgrpc: it holds wrappers, Struct,
 * Value and ListValue as plain values (losing unknown fields inside them), and it was seen to drop a closed enum's
 * unknown value in a oneof when other unknown fields came with it. So its unknown fields must be among ours.
 */
function unknownPaths(value: unknown, path = ""): string[] {
  if (value instanceof Uint8Array || value === null || typeof value !== "object") return [];
  const out = Array.isArray(value) ? value.flatMap((v, i) => unknownPaths(v, `${path}[${i}]`)) : Object.keys(value).flatMap((k) => unknownPaths((value as Message)[k], `${path}.${k}`));
  const unknown = (value as { [UnknownFields]?: Uint8Array[] })[UnknownFields];
  return unknown ? [...out, ...tagNumbers(unknown).map((n) => `${path}:${n}`)] : out;
}

export const properties: FuzzProperty[] = [
  {
    name: "protobuf-binary-dynamic-vs-bufbuild",
    group: "protobuf-binary",
    runs: 400,
    arbitrary: schemaAndBytes,
    check: ({ schema: i, bytes }: { schema: number; bytes: Uint8Array }) => {
      const s = SCHEMAS[i]!;
      const ours = decodeOurs(s.dynamic, bytes);
      const theirs = decodeTheirs(s.desc, bytes);
      const shape = wireShape(s.dynamic.info, bytes);
      if (shape === "mistyped" || shape === "overlong") return;
      if (shape === "malformed") return void assert.ok("error" in ours, `${s.name}: malformed bytes are rejected`);
      assert.equal("value" in ours, "value" in theirs, `${s.name}: we ${"value" in ours ? "accept" : `reject (${(ours as { error: Error }).error.message})`}, @bufbuild/protobuf ${"value" in theirs ? "accepts" : `rejects (${(theirs as { error: Error }).error.message})`}`);
      if ("value" in ours && "value" in theirs) {
        const back = s.dynamic.decode(theirs.value) as Message;
        assert.deepStrictEqual(unknownAsNumbers(back, () => true), unknownAsNumbers(ours.value, () => true), `${s.name}: the same known fields`);
        const ourUnknown = new Set(unknownPaths(ours.value));
        for (const u of unknownPaths(back)) assert.ok(ourUnknown.has(u), `${s.name}: @bufbuild/protobuf has an unknown field ${u} we do not`);
      }
    },
  },
  {
    name: "protobuf-binary-generated-vs-dynamic",
    group: "protobuf-binary",
    runs: 300,
    arbitrary: schemaAndBytes,
    check: ({ schema: i, bytes }: { schema: number; bytes: Uint8Array }) => {
      const s = SCHEMAS[i]!;
      const dyn = decodeOurs(s.dynamic, bytes);
      const gen = decodeOurs(s.generated, bytes);
      assert.equal("value" in gen, "value" in dyn, `${s.name}: generated and dynamic types agree on accepting`);
      if ("value" in gen && "value" in dyn) assert.deepStrictEqual(unknownAsNumbers(s.dynamic.decode(s.generated.encode(gen.value))), unknownAsNumbers(dyn.value), `${s.name}: the same message`);
    },
  },
  {
    name: "protobuf-binary-reencode-stable",
    group: "protobuf-binary",
    runs: 300,
    arbitrary: schemaAndBytes,
    check: ({ schema: i, bytes }: { schema: number; bytes: Uint8Array }) => {
      const s = SCHEMAS[i]!;
      for (const type of [s.dynamic, s.generated]) {
        const r = decodeOurs(type, bytes);
        if (!("value" in r)) continue;
        const once = type.encode(r.value);
        const again = type.decode(once);
        assert.deepStrictEqual(type.encode(again), once, `${s.name}: encode(decode(x)) is a fixed point`);
      }
    },
  },
  {
    name: "protobuf-binary-roundtrip",
    group: "protobuf-binary",
    runs: 200,
    arbitrary: fc.record({ schema, seed }),
    check: ({ schema: i, seed: sd }: { schema: number; seed: number }) => {
      const s = SCHEMAS[i]!;
      const m = randomMessage(s.dynamic.info, rng(sd), { specialFloats: true, maxDepth: 3 });
      const bytes = s.dynamic.encode(m);
      assert.deepStrictEqual(s.dynamic.decode(bytes), m, "dynamic: decode(encode(m)) == m");
      const g = s.generated.decode(bytes);
      assert.deepStrictEqual(s.generated.decode(s.generated.encode(g)), g, "generated: decode(encode(m)) == m");
      assert.deepStrictEqual(s.generated.encode(g), bytes, "generated: the same bytes as dynamic");
    },
  },
  {
    name: "protobuf-json-vs-bufbuild",
    group: "protobuf-json",
    runs: 400,
    arbitrary: schema.chain((i) => fc.record({ schema: fc.constant(i), text: jsonText(i) })),
    check: ({ schema: i, text }: { schema: number; text: string }) => {
      const s = SCHEMAS[i]!;
      for (const type of [s.dynamic, s.generated]) {
        const ours = throwsOnly(() => type.fromJsonString(text, { registry }) as Message, DecodeError);
        let theirs: { value: Uint8Array } | { error: Error };
        try {
          theirs = { value: toBinary(s.desc, fromJsonString(s.desc, text, { registry: bufRegistry })) };
        } catch (e) {
          theirs = { error: e as Error };
        }
        if ("error" in ours && "value" in theirs && bufbuildLenientJson(text, ours.error)) continue;
        if ("value" in ours && "error" in theirs && bufbuildStrictJson(theirs.error.message)) continue;
        assert.equal("value" in ours, "value" in theirs, `${s.name}: we ${"value" in ours ? "accept" : `reject (${(ours as { error: Error }).error.message})`}, @bufbuild/protobuf ${"value" in theirs ? "accepts" : `rejects (${(theirs as { error: Error }).error.message})`}`);
        if ("value" in ours && "value" in theirs) assert.deepStrictEqual(type.decode(theirs.value), ours.value, `${s.name}: the same message`);
      }
    },
  },
  {
    name: "protobuf-json-roundtrip",
    group: "protobuf-json",
    runs: 200,
    arbitrary: fc.record({ schema, seed }),
    check: ({ schema: i, seed: sd }: { schema: number; seed: number }) => {
      const s = SCHEMAS[i]!;
      const m = randomMessage(s.dynamic.info, rng(sd), { specialFloats: false, maxDepth: 3 });
      const expected = s.dynamic.decode(s.dynamic.encode(m));
      for (const type of [s.dynamic, s.generated]) {
        const text = JSON.stringify(type.toJson(type.decode(s.dynamic.encode(m)), { registry }));
        assert.deepStrictEqual(type.encode(type.fromJsonString(text, { registry })), s.dynamic.encode(expected), "fromJson(toJson(m)) == m");
      }
    },
  },
];

/**
 * Documented differences: JSON that @bufbuild/protobuf accepts and tsgrpc (as protoc) rejects. It reads a number in a
 * string with JavaScript's Number() (so hexadecimal, binary and octal forms, a "+", leading zeros and surrounding
 * whitespace pass), base64 skipping whitespace and taking "=" anywhere, and malformed Duration strings.
 */
function bufbuildLenientJson(text: string, ours: Error): boolean {
  const number = /expected (?:a number|an integer|an enum name or number), got "([^"]*)"/.exec(ours.message);
  if (number) return /^\s|\s$|[xXob]|^[+]|^-?0[0-9]|^$/.test(number[1]!);
  if (/invalid base64/.test(ours.message)) return /"[^"]*(?:\s|=[^="]|={3,})[^"]*"/.test(text);
  // protobuf-es's Duration pattern takes more than "<seconds>[.<fraction>]s" (trailing spaces, a second "s" inside).
  if (/is not a Duration/.test(ours.message)) return true;
  return false;
}

/**
 * A documented difference the other way: JSON that tsgrpc (as protoc) accepts and @bufbuild/protobuf rejects. A 64-bit
 * integer in a string with an exponent or a fraction ("1e3", "5.0"), which protoc reads as a double
 * (ParseFloatStringAsInt: integral, within +-2^53 signed, 0..2^54 unsigned); @bufbuild/protobuf takes digits only.
 */
function bufbuildStrictJson(theirs: string): boolean {
  const m = /expected bigint \((u?)int64\): (\S+) out of range/.exec(theirs);
  if (!m || !/[.eE]/.test(m[2]!)) return false;
  const d = Number(m[2]);
  return Number.isInteger(d) && (m[1] ? d >= 0 && d <= 2 ** 54 : Math.abs(d) <= 2 ** 53);
}

/** JSON texts for a schema: valid ones (random messages), damaged ones, random JSON values and random strings. */
function jsonText(i: number): fc.Arbitrary<string> {
  const s = SCHEMAS[i]!;
  const valid = seed.map((sd) => JSON.stringify(s.dynamic.toJson(randomMessage(s.dynamic.info, rng(sd), { specialFloats: false, maxDepth: 2 }), { registry })));
  const names = s.dynamic.info.fields.flatMap((f) => [f.jsonName, f.name]);
  const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: "small", withCrossShrink: true }, fc.constant(null), fc.boolean(), fc.double(), fc.integer(), fc.constantFrom("NaN", "Infinity", "-Infinity", "1e400", "-0", "18446744073709551616", "1.5", "0x10", "AAAA", "1970-01-01T00:00:00Z", "1s", "FOO", "BAR"), fc.string({ maxLength: 12 }), fc.array(tie("v"), { maxLength: 3 }), fc.dictionary(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 6 })), tie("v"), { maxKeys: 4 })),
  })).v;
  const objectOfFields = fc.dictionary(fc.constantFrom(...names), value, { maxKeys: 5 }).map((o) => JSON.stringify(o));
  const damagedText = fc.tuple(valid, fc.nat(), fc.nat(), fc.string({ maxLength: 4 })).map(([t, a, b, ins]) => {
    const x = a % (t.length + 1);
    const y = Math.min(t.length, x + (b % 4));
    return t.slice(0, x) + ins + t.slice(y);
  });
  return fc.oneof(valid, objectOfFields, damagedText, fc.string({ maxLength: 40 }));
}
