import { addUnknown, UnknownFields } from "../message/unknown-fields.js";
import type { BinaryReader } from "../wire/binary-reader.js";
import type { BinaryWriter } from "../wire/binary-writer.js";
import { DecodeError } from "../wire/decode-error.js";
import { WireType } from "../wire/wire-type.js";

/**
 * What generated decoders do with a tag they have no case for: an end-group tag closes the group being read
 * (returns true), anything else is skipped and kept in the message's unknown fields. `start` is where the tag began.
 */
export function skipField(r: BinaryReader, tag: number, start: number, msg: object, group: number): boolean {
  const wt = tag & 7;
  const no = tag >>> 3;
  if (wt === WireType.EndGroup) {
    if (no !== group) throw new DecodeError(`unexpected end-group tag for field ${no}`);
    return true;
  }
  r.skip(wt, no);
  addUnknown(msg, r.buf.slice(start, r.pos));
  return false;
}

/** Writes back the fields a message was decoded with but its schema does not know. */
export function writeUnknown(m: object, w: BinaryWriter): void {
  const chunks = (m as { [UnknownFields]?: Uint8Array[] })[UnknownFields];
  if (chunks !== undefined) for (const c of chunks) w.raw(c);
}
