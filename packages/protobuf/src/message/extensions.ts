import { decodeDynamic } from "../binary/decode-dynamic.js";
import { writeFieldValue } from "../binary/encode-dynamic.js";
import type { FieldInfo, MessageInfo } from "../reflect/type-info.js";
import { BinaryReader } from "../wire/binary-reader.js";
import { BinaryWriter } from "../wire/binary-writer.js";
import { UnknownFields } from "./unknown-fields.js";

type WithUnknown = { [UnknownFields]?: Uint8Array[] };

/**
 * Extensions live in a message's unknown fields, encoded, until asked for: these read and write them by their
 * FieldInfo (from a Registry: `registry.getExtension("pkg.my_ext")`).
 */

/** Splits the unknown fields into single fields: [field number, bytes of tag and value]. */
function unknownFields(msg: object): Array<[number, Uint8Array]> {
  const out: Array<[number, Uint8Array]> = [];
  for (const chunk of (msg as WithUnknown)[UnknownFields] ?? []) {
    const r = new BinaryReader(chunk);
    while (r.pos < r.end) {
      const start = r.pos;
      const tag = r.tag();
      r.skip(tag & 7, tag >>> 3);
      out.push([tag >>> 3, chunk.subarray(start, r.pos)]);
    }
  }
  return out;
}

/** A message type with the extension as its only field, so that the dynamic codec can read and write it. */
function holderOf(ext: FieldInfo): MessageInfo {
  return { fields: [ext], fieldsByNumber: new Map([[ext.no, ext]]), oneofs: [] } as unknown as MessageInfo;
}

export function hasExtension(msg: object, ext: FieldInfo): boolean {
  return unknownFields(msg).some(([no]) => no === ext.no);
}

/** The extension's value: decoded from the unknown fields; undefined (an empty array, if repeated) when absent. */
export function getExtension(msg: object, ext: FieldInfo): unknown {
  const parts = unknownFields(msg).filter(([no]) => no === ext.no).map(([, bytes]) => bytes);
  const holder: Record<string, unknown> = {};
  if (parts.length > 0) {
    const w = new BinaryWriter();
    for (const p of parts) w.raw(p);
    decodeDynamic(holderOf(ext), new BinaryReader(w.finish()), holder);
  }
  return holder[ext.localName] ?? (ext.repeated ? [] : undefined);
}

export function clearExtension(msg: object, ext: FieldInfo): void {
  const kept = unknownFields(msg).filter(([no]) => no !== ext.no).map(([, bytes]) => bytes.slice());
  if (kept.length) (msg as WithUnknown)[UnknownFields] = kept;
  else delete (msg as WithUnknown)[UnknownFields];
}

/** Sets (replaces) the extension's value; a repeated extension takes an array. */
export function setExtension(msg: object, ext: FieldInfo, value: unknown): void {
  clearExtension(msg, ext);
  const w = new BinaryWriter();
  writeFieldValue(ext, value, w);
  const bytes = w.finish();
  if (bytes.length) ((msg as WithUnknown)[UnknownFields] ??= []).push(bytes);
}
