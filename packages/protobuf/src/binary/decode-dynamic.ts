import { FieldType } from "../descriptor/descriptor-types.js";
import { addUnknown } from "../message/unknown-fields.js";
import { createDynamic } from "../message/create-dynamic.js";
import { setOwn } from "../message/set-own.js";
import { getField, setField } from "../reflect/field-access.js";
import { isPackable, scalarWireType, zeroValue } from "../reflect/scalar.js";
import type { FieldInfo, MessageInfo } from "../reflect/type-info.js";
import type { BinaryReader } from "../wire/binary-reader.js";
import { BinaryWriter } from "../wire/binary-writer.js";
import { DecodeError } from "../wire/decode-error.js";
import { WireType } from "../wire/wire-type.js";
import { readScalar } from "./scalar-io.js";

type Message = Record<string, unknown>;

/**
 * Reads fields into `msg` until the reader's end, or, for a group (`groupNo` set), until that group's end tag.
 * Fields the schema does not know, and values of closed enums it does not know, are kept as unknown fields. A field
 * whose wire type does not match its schema is also kept as unknown, as protobuf's own parsers do.
 */
export function decodeDynamic(info: MessageInfo, r: BinaryReader, msg: Message, groupNo = 0): Message {
  while (r.pos < r.end) {
    const start = r.pos;
    const tag = r.tag();
    const no = tag >>> 3;
    const wt = tag & 7;
    if (wt === WireType.EndGroup) {
      if (no !== groupNo) throw new DecodeError(`unexpected end-group tag for field ${no}`);
      return msg;
    }
    const f = info.fieldsByNumber.get(no);
    if (f === undefined || !readField(f, wt, r, msg, start)) {
      r.skip(wt, no);
      addUnknown(msg, r.buf.slice(start, r.pos));
    } else if (f.enum?.closed && f.repeated) {
      keepUnknownEnumValues(f, msg);
    }
  }
  if (groupNo !== 0) throw new DecodeError(`group ${groupNo} is missing its end tag`);
  return msg;
}

/**
 * Reads field `f` with wire type `wt` into `msg`; false when the wire type does not fit the field. A closed enum's
 * unknown number (singular, or a map value) goes to the unknown fields as the bytes from `start`, leaving the field as
 * it was.
 */
function readField(f: FieldInfo, wt: number, r: BinaryReader, msg: Message, start: number): boolean {
  if (f.map) {
    if (wt !== WireType.LengthDelimited) return false;
    readMapEntry(f, r, msg, start);
    return true;
  }
  if (f.repeated && wt === WireType.LengthDelimited && isPackable(f.type)) {
    const len = r.length();
    const end = r.pos + len;
    const list = (msg[f.localName] ??= []) as unknown[];
    const outer = r.end;
    r.end = end;
    while (r.pos < end) list.push(readScalar(r, f.type, f.utf8Strict));
    r.end = outer;
    return true;
  }
  if (wt !== scalarWireType(f.type)) return false;
  const value = readValue(f, r, f.repeated ? undefined : getField(msg, f));
  if (f.repeated) ((msg[f.localName] ??= []) as unknown[]).push(value);
  else if (f.enum?.closed && !f.enum.byNumber.has(value as number)) addUnknown(msg, r.buf.slice(start, r.pos));
  else setField(msg, f, value);
  return true;
}

/** One value of field `f`; a message merges into `existing` when there is one, as protobuf requires. */
function readValue(f: FieldInfo, r: BinaryReader, existing: unknown): unknown {
  if (f.type === FieldType.MESSAGE) {
    const len = r.length();
    const target = (existing as Message | undefined) ?? createDynamic(f.message!);
    const outer = r.enter(len);
    decodeDynamic(f.message!, r, target);
    r.leave(outer);
    return target;
  }
  if (f.type === FieldType.GROUP) {
    if (--r.depthLeft < 0) throw new DecodeError("group nesting deeper than the recursion limit");
    const target = (existing as Message | undefined) ?? createDynamic(f.message!);
    decodeDynamic(f.message!, r, target, f.no);
    r.depthLeft++;
    return target;
  }
  return readScalar(r, f.type, f.utf8Strict);
}

function readMapEntry(f: FieldInfo, r: BinaryReader, msg: Message, start: number): void {
  const { key, value } = f.map!;
  const len = r.length();
  const outer = r.enter(len);
  let k: unknown = zeroValue(key.type);
  let v: unknown = undefined;
  while (r.pos < r.end) {
    const tag = r.tag();
    const no = tag >>> 3;
    const wt = tag & 7;
    if (no === 1 && wt === scalarWireType(key.type)) k = readScalar(r, key.type, key.utf8Strict);
    else if (no === 2 && wt === scalarWireType(value.type)) v = readValue(value, r, v);
    else r.skip(wt, no);
  }
  r.leave(outer);
  if (v === undefined) v = value.type === FieldType.MESSAGE ? createDynamic(value.message!) : value.enum ? value.enum.proto.value[0]!.number : zeroValue(value.type);
  if (value.enum?.closed && !value.enum.byNumber.has(v as number)) {
    addUnknown(msg, r.buf.slice(start, r.pos)); // a closed enum's unknown value takes its whole entry to the unknown fields
    return;
  }
  const map = (msg[f.localName] ??= {}) as Record<string, unknown>;
  setOwn(map, String(k), v);
}

/** A closed (proto2) enum list keeps only the numbers its enum declares; any other number just read is moved to the
 * unknown fields, as protobuf does. */
function keepUnknownEnumValues(f: FieldInfo, msg: Message): void {
  const known = f.enum!.byNumber;
  const list = msg[f.localName] as number[];
  if (list.every((v) => known.has(v))) return;
  // Values already in the list were checked when they were read, so only this chunk's can be unknown.
  const unknown = new BinaryWriter(16);
  msg[f.localName] = list.filter((v) => known.has(v) || (unknown.tag(f.no, WireType.Varint).int32(v), false));
  addUnknown(msg, unknown.finish());
}
