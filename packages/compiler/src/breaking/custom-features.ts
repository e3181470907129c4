/**
 * The language features of editions that buf's rules read: (pb.cpp).string_type and (pb.java).utf8_validation,
 * extensions of FeatureSet (kept as unknown fields of `features`), resolved from the field up to its file.
 */
import { UnknownFields, type OptionsMessage } from "@tsgrpc/protobuf";
import type { FieldEl, MessageEl } from "../lint/elements.js";

export const CPP = { extension: 1000, stringType: 2 } as const;
export const JAVA = { extension: 1001, utf8Validation: 2 } as const;

function varint(buf: Uint8Array, at: { pos: number }): number {
  let out = 0;
  let shift = 1;
  for (;;) {
    const b = buf[at.pos++]!;
    out += (b & 0x7f) * shift;
    if (b < 0x80 || at.pos >= buf.length) return out;
    shift *= 128;
  }
}

/** The last value of varint field `field` inside message field `extension` of encoded `chunks`. */
function find(chunks: readonly Uint8Array[], extension: number, field: number): number | undefined {
  let found: number | undefined;
  for (const buf of chunks) {
    const at = { pos: 0 };
    while (at.pos < buf.length) {
      const tag = varint(buf, at);
      const wire = tag % 8;
      const number = Math.floor(tag / 8);
      if (wire === 0) {
        const v = varint(buf, at);
        if (number === field && extension === 0) found = v;
      } else if (wire === 2) {
        const len = varint(buf, at);
        const inner = buf.subarray(at.pos, at.pos + len);
        at.pos += len;
        if (number === extension && extension !== 0) found = find([inner], 0, field) ?? found;
      } else if (wire === 1) at.pos += 8;
      else if (wire === 5) at.pos += 4;
      else return found;
    }
  }
  return found;
}

function ownFeature(options: OptionsMessage | undefined, extension: number, field: number): number | undefined {
  const features = options?.["features"] as OptionsMessage | undefined;
  const chunks = features?.[UnknownFields];
  return chunks ? find(chunks, extension, field) : undefined;
}

/** A language feature of a field as set on it or the nearest of its parents (undefined when none sets it). */
export function languageFeature(f: FieldEl, feature: { extension: number }, field: number): number | undefined {
  const own = ownFeature(f.proto.options, feature.extension, field);
  if (own !== undefined) return own;
  for (let m: MessageEl | undefined = f.parent; m; m = m.parent) {
    const v = ownFeature(m.proto.options, feature.extension, field);
    if (v !== undefined) return v;
  }
  return ownFeature(f.file.proto.options, feature.extension, field);
}
