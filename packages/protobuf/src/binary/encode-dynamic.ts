import { FieldType } from "../descriptor/descriptor-types.js";
import { UnknownFields } from "../message/unknown-fields.js";
import { getField } from "../reflect/field-access.js";
import { isZeroValue, scalarWireType, zeroValue } from "../reflect/scalar.js";
import type { FieldInfo, MessageInfo } from "../reflect/type-info.js";
import type { BinaryWriter } from "../wire/binary-writer.js";
import { WireType } from "../wire/wire-type.js";
import { writeScalar } from "./scalar-io.js";

type Message = Record<string, unknown> & { [UnknownFields]?: Uint8Array[] };

const byNumberCache = new WeakMap<MessageInfo, FieldInfo[]>();

/** Fields in field-number order: the order protobuf serializers write them in. */
function fieldsInWireOrder(info: MessageInfo): FieldInfo[] {
  let sorted = byNumberCache.get(info);
  if (!sorted) byNumberCache.set(info, (sorted = [...info.fields].sort((a, b) => a.no - b.no)));
  return sorted;
}

/** Writes a message's fields (not its own tag or length), then its unknown fields, by walking its MessageInfo. */
export function encodeDynamic(info: MessageInfo, msg: Message, w: BinaryWriter): void {
  for (const f of fieldsInWireOrder(info)) {
    const v = getField(msg, f);
    if (v === undefined || v === null) continue;
    if (f.map) writeMap(f, v as Record<string, unknown>, w);
    else if (f.repeated) writeRepeated(f, v as unknown[], w);
    else if (f.explicitPresence || !isZeroValue(f.type, v)) writeField(f, v, w);
  }
  const unknown = msg[UnknownFields];
  if (unknown) for (const chunk of unknown) w.raw(chunk);
}

/** Writes a field's whole value: every element of a repeated field (packed when it should be), every map entry. */
export function writeFieldValue(f: FieldInfo, v: unknown, w: BinaryWriter): void {
  if (f.map) writeMap(f, v as Record<string, unknown>, w);
  else if (f.repeated) writeRepeated(f, v as unknown[], w);
  else writeField(f, v, w);
}

/** Writes one value of field `f` with its tag. */
export function writeField(f: FieldInfo, v: unknown, w: BinaryWriter): void {
  switch (f.type) {
    case FieldType.MESSAGE: {
      w.tag(f.no, WireType.LengthDelimited);
      const mark = w.fork();
      encodeDynamic(f.message!, v as Message, w);
      w.join(mark);
      return;
    }
    case FieldType.GROUP:
      w.tag(f.no, WireType.StartGroup);
      encodeDynamic(f.message!, v as Message, w);
      w.tag(f.no, WireType.EndGroup);
      return;
    default:
      w.tag(f.no, scalarWireType(f.type));
      writeScalar(w, f.type, v);
  }
}

function writeRepeated(f: FieldInfo, values: unknown[], w: BinaryWriter): void {
  if (values.length === 0) return;
  if (f.packed) {
    w.tag(f.no, WireType.LengthDelimited);
    const mark = w.fork();
    for (const v of values) writeScalar(w, f.type, v);
    w.join(mark);
    return;
  }
  for (const v of values) writeField(f, v, w);
}

function writeMap(f: FieldInfo, map: Record<string, unknown>, w: BinaryWriter): void {
  const { key, value } = f.map!;
  for (const k of Object.keys(map)) {
    w.tag(f.no, WireType.LengthDelimited);
    const mark = w.fork();
    writeField(key, mapKeyFromString(key.type, k), w);
    writeField(value, map[k] ?? zeroValue(value.type) ?? {}, w);
    w.join(mark);
  }
}

/** Map keys are object property names (strings); this turns one back into a value of the key's type. */
export function mapKeyFromString(type: FieldType, key: string): unknown {
  switch (type) {
    case FieldType.STRING:
      return key;
    case FieldType.BOOL:
      return key === "true";
    case FieldType.INT64:
    case FieldType.UINT64:
    case FieldType.SINT64:
    case FieldType.FIXED64:
    case FieldType.SFIXED64:
      return BigInt(key);
    default:
      return Number(key);
  }
}
