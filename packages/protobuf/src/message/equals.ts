import { FieldType } from "../descriptor/descriptor-types.js";
import { getField } from "../reflect/field-access.js";
import { zeroValue } from "../reflect/scalar.js";
import type { FieldInfo, MessageInfo } from "../reflect/type-info.js";
import { UnknownFields } from "./unknown-fields.js";

type Message = Record<string, unknown> & { [UnknownFields]?: Uint8Array[] };

/**
 * Whether two messages of type `info` hold the same fields and the same unknown fields. A property a partial message
 * lacks counts as unset (its zero value, for implicit presence). Numbers compare as Object.is does, as Java's
 * generated equals compares doubles by their bits: NaN equals NaN, and 0 does not equal -0 (they encode differently).
 */
export function equalsDynamic(info: MessageInfo, a: Message, b: Message): boolean {
  if (a === b) return true;
  for (const f of info.fields) {
    if (!fieldEquals(f, getField(a, f), getField(b, f))) return false;
  }
  return bytesEqual(concat(a[UnknownFields]), concat(b[UnknownFields]));
}

function fieldEquals(f: FieldInfo, a: unknown, b: unknown): boolean {
  if (f.map) {
    const am = (a ?? {}) as Record<string, unknown>;
    const bm = (b ?? {}) as Record<string, unknown>;
    const keys = Object.keys(am);
    if (keys.length !== Object.keys(bm).length) return false;
    return keys.every((k) => Object.prototype.hasOwnProperty.call(bm, k) && valueEquals(f.map!.value, am[k], bm[k]));
  }
  if (f.repeated) {
    const al = (a ?? []) as unknown[];
    const bl = (b ?? []) as unknown[];
    return al.length === bl.length && al.every((v, i) => valueEquals(f, v, bl[i]));
  }
  if (!f.explicitPresence) return valueEquals(f, a ?? zeroValue(f.type), b ?? zeroValue(f.type));
  if (a === undefined || b === undefined) return a === b;
  return valueEquals(f, a, b);
}

function valueEquals(f: FieldInfo, a: unknown, b: unknown): boolean {
  switch (f.type) {
    case FieldType.MESSAGE:
    case FieldType.GROUP:
      return equalsDynamic(f.message!, (a ?? {}) as Message, (b ?? {}) as Message);
    case FieldType.BYTES:
      return bytesEqual(a as Uint8Array, b as Uint8Array);
    default:
      return Object.is(a, b);
  }
}

function concat(chunks: Uint8Array[] | undefined): Uint8Array {
  if (chunks === undefined || chunks.length === 0) return EMPTY;
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
const EMPTY = new Uint8Array(0);

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
