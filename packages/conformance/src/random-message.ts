import { FieldType } from "@tsgrpc/protobuf";
import { createDynamic, is64Bit, setField } from "@tsgrpc/protobuf/codegen-support";
import type { FieldInfo, MessageInfo } from "@tsgrpc/protobuf";

type Message = Record<string, unknown>;

/** A small deterministic PRNG (mulberry32), so that a failing case can be replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomOptions {
  /** Allow NaN, infinities and -0 (they do not all survive JSON). */
  specialFloats?: boolean;
  maxDepth?: number;
}

/**
 * A random message of type `info`, in tsgrpc's representation: every field type, repeated fields, maps, at most one
 * member per oneof, well-known types with values their JSON form can carry.
 */
export function randomMessage(info: MessageInfo, random: () => number, options: RandomOptions = {}, depth = 0): Message {
  const maxDepth = options.maxDepth ?? 3;
  const msg = createDynamic(info);
  const wkt = randomWellKnown(info, random, options, depth);
  if (wkt) return Object.assign(msg, wkt);
  const int = (n: number) => Math.floor(random() * n);
  const chosen = new Map(info.oneofs.map((o) => [o, random() < 0.7 ? o.fields[int(o.fields.length)] : undefined]));
  for (const f of info.fields) {
    if (f.oneof && chosen.get(f.oneof) !== f) continue;
    const isMessage = f.type === FieldType.MESSAGE || f.type === FieldType.GROUP;
    if (isMessage && depth >= maxDepth) continue;
    if (!f.oneof && !f.required && random() < 0.35) continue; // required fields always set: a message without them does not encode
    if (f.map) {
      const map: Message = {};
      for (let i = int(4); i > 0; i--) map[String(randomValue(f.map.key, random, options, depth))] = randomValue(f.map.value, random, options, depth + 1);
      msg[f.localName] = map;
    } else if (f.repeated) {
      msg[f.localName] = Array.from({ length: int(4) }, () => randomValue(f, random, options, depth + 1));
    } else {
      setField(msg, f, randomValue(f, random, options, depth + 1));
    }
  }
  return msg;
}

const SPECIAL_FLOATS = [NaN, Infinity, -Infinity, -0];

function randomValue(f: FieldInfo, random: () => number, options: RandomOptions, depth: number): unknown {
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(xs: T[]) => xs[int(xs.length)]!;
  switch (f.type) {
    case FieldType.MESSAGE:
    case FieldType.GROUP:
      return randomMessage(f.message!, random, options, depth);
    case FieldType.ENUM: {
      const values = [...f.enum!.byNumber.keys()];
      if (f.enum!.typeName === "google.protobuf.NullValue") return 0; // JSON has only null for it
      return f.enum!.closed || random() < 0.8 ? pick(values) : int(1000);
    }
    case FieldType.STRING:
      return pick(["", "a", "hello world", "héllo", "日本語", "emoji 😈", "tab\there", "x".repeat(200)]);
    case FieldType.BYTES:
      return Uint8Array.from({ length: int(20) }, () => int(256));
    case FieldType.BOOL:
      return random() < 0.5;
    case FieldType.DOUBLE:
      if (options.specialFloats && random() < 0.1) return pick(SPECIAL_FLOATS);
      return pick([0.5, -1.25, 1e300, -2.5e-300, (random() - 0.5) * 1e6]);
    case FieldType.FLOAT:
      if (options.specialFloats && random() < 0.1) return pick(SPECIAL_FLOATS);
      return Math.fround(pick([0.5, -1.25, 3.4e38, 1e-38, (random() - 0.5) * 1e4]));
    case FieldType.INT32:
    case FieldType.SINT32:
    case FieldType.SFIXED32:
      return pick([0, 1, -1, 2147483647, -2147483648, int(100000) - 50000]);
    case FieldType.UINT32:
    case FieldType.FIXED32:
      return pick([0, 1, 4294967295, int(100000)]);
    default: {
      const signed = f.type !== FieldType.UINT64 && f.type !== FieldType.FIXED64;
      const v = pick(signed ? [0n, 1n, -1n, 9223372036854775807n, -9223372036854775808n, BigInt(int(1e9)) * 1000n] : [0n, 1n, 18446744073709551615n, BigInt(int(1e9)) * 1000n]);
      return is64Bit(f.type) ? v : Number(v);
    }
  }
}

/** Values of the well-known types that their special JSON forms can hold (in range, valid paths, finite numbers). */
function randomWellKnown(info: MessageInfo, random: () => number, options: RandomOptions, depth: number): Message | undefined {
  const int = (n: number) => Math.floor(random() * n);
  switch (info.typeName) {
    case "google.protobuf.Timestamp":
      return { seconds: BigInt(int(4e9) - 1e9), nanos: [0, 5e8, 123000, 999999999][int(4)] };
    case "google.protobuf.Duration": {
      const seconds = BigInt(int(1e6) - 5e5);
      const nanos = [0, 5e8, 123000, 1][int(4)]!;
      return { seconds, nanos: seconds < 0n ? -nanos || 0 : nanos };
    }
    case "google.protobuf.FieldMask":
      return { paths: ["a", "foo_bar", "foo.bar_baz"].slice(0, int(4)) };
    case "google.protobuf.Value": {
      const kind = (c: string, value: unknown) => ({ kind: { case: c, value } });
      if (depth > (options.maxDepth ?? 3)) return kind("nullValue", 0);
      const kinds: Array<() => Message> = [
        () => kind("nullValue", 0),
        () => kind("numberValue", (random() - 0.5) * 100),
        () => kind("stringValue", "s" + int(100)),
        () => kind("boolValue", random() < 0.5),
      ];
      return kinds[int(kinds.length)]!();
    }
    case "google.protobuf.Any":
      return { typeUrl: "", value: new Uint8Array(0) };
    default:
      return undefined;
  }
}
