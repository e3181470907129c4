import { FieldType } from "../descriptor/descriptor-types.js";
import { decodeDynamic } from "../binary/decode-dynamic.js";
import { createDynamic } from "../message/create-dynamic.js";
import { getExtension, hasExtension } from "../message/extensions.js";
import { getField } from "../reflect/field-access.js";
import { isZeroValue, zeroValue } from "../reflect/scalar.js";
import type { FieldInfo, MessageInfo } from "../reflect/type-info.js";
import { BinaryReader } from "../wire/binary-reader.js";
import { base64Encode } from "./base64.js";
import type { JsonValue, JsonWriteOptions } from "./json-options.js";
import { durationToJson, timestampToJson } from "./wkt-time.js";

type Message = Record<string, unknown>;

/** A message in the proto3 canonical JSON mapping, with the special forms of the well-known types. */
export function messageToJson(info: MessageInfo, msg: Message, options: JsonWriteOptions = {}): JsonValue {
  const special = WKT_TO_JSON[info.typeName];
  // The special forms read every field: an initializer's missing ones take their defaults first.
  if (special) return special(info, createDynamic(info, msg), options);
  const out: { [key: string]: JsonValue } = {};
  for (const f of info.fields) {
    const v = getField(msg, f);
    if (v === undefined || v === null) {
      // A partial message (an initializer) may lack any field: with emitDefaults it is written at its zero value.
      if (options.emitDefaults && !f.explicitPresence) out[jsonKey(f, options)] = f.repeated ? (f.map ? {} : []) : valueToJson(f, zeroValue(f.type), options);
      continue;
    }
    if (!options.emitDefaults) {
      if (f.map ? Object.keys(v as object).length === 0 : f.repeated ? (v as unknown[]).length === 0 : !f.explicitPresence && isZeroValue(f.type, v)) continue;
    }
    out[jsonKey(f, options)] = fieldToJson(f, v, options);
  }
  if (options.registry && info.proto.extensionRange.length > 0) {
    for (const ext of options.registry.extensionsOf(info.typeName)) {
      if (hasExtension(msg, ext)) out[`[${ext.fullName}]`] = fieldToJson(ext, getExtension(msg, ext), options);
    }
  }
  return out;
}

function jsonKey(f: FieldInfo, options: JsonWriteOptions): string {
  return options.useProtoFieldName ? f.name : f.jsonName;
}

function fieldToJson(f: FieldInfo, v: unknown, options: JsonWriteOptions): JsonValue {
  if (f.map) {
    const out: { [key: string]: JsonValue } = {};
    for (const k of Object.keys(v as object)) {
      Object.defineProperty(out, k, { value: valueToJson(f.map.value, (v as Message)[k], options), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  if (f.repeated) return (v as unknown[]).map((e) => valueToJson(f, e, options));
  return valueToJson(f, v, options);
}

/** One value of field `f` (an element, for repeated fields). */
export function valueToJson(f: FieldInfo, v: unknown, options: JsonWriteOptions): JsonValue {
  switch (f.type) {
    case FieldType.MESSAGE:
    case FieldType.GROUP:
      return messageToJson(f.message!, v as Message, options);
    case FieldType.ENUM: {
      if (f.enum!.typeName === "google.protobuf.NullValue") return null;
      if (options.enumAsInteger) return v as number;
      return f.enum!.byNumber.get(v as number) ?? (v as number);
    }
    case FieldType.BYTES:
      return base64Encode(v as Uint8Array);
    case FieldType.DOUBLE:
      return floatToJson(v as number);
    case FieldType.FLOAT:
      return floatToJson(shortestFloat(v as number));
    case FieldType.INT64:
    case FieldType.UINT64:
    case FieldType.SINT64:
    case FieldType.FIXED64:
    case FieldType.SFIXED64:
      return String(v);
    default:
      return v as JsonValue;
  }
}

/** A float32 value in the fewest digits that read back as the same float (0.1, not 0.10000000149011612). */
function shortestFloat(n: number): number {
  if (!Number.isFinite(n) || n === 0) return n;
  for (let p = 6; p < 9; p++) {
    const short = Number(n.toPrecision(p));
    if (Math.fround(short) === n) return short;
  }
  return n;
}

function floatToJson(n: number): JsonValue {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "Infinity";
  if (n === -Infinity) return "-Infinity";
  return n;
}

type WktWriter = (info: MessageInfo, msg: Message, options: JsonWriteOptions) => JsonValue;

function wrapperToJson(info: MessageInfo, msg: Message, options: JsonWriteOptions): JsonValue {
  const f = info.fields[0]!;
  return valueToJson(f, msg[f.localName], options);
}

function valueMessageToJson(info: MessageInfo, msg: Message, options: JsonWriteOptions): JsonValue {
  for (const f of info.fields) {
    const v = getField(msg, f);
    if (v === undefined) continue;
    if (f.name === "number_value" && !Number.isFinite(v as number)) throw new Error("google.protobuf.Value cannot hold NaN or Infinity in JSON");
    return valueToJson(f, v, options);
  }
  throw new Error("google.protobuf.Value has no kind set");
}

function anyToJson(info: MessageInfo, msg: Message, options: JsonWriteOptions): JsonValue {
  const typeUrl = msg["typeUrl"] as string;
  const value = msg["value"] as Uint8Array;
  if (!typeUrl) return {};
  const inner = resolveAny(typeUrl, options.registry);
  const decoded = decodeDynamic(inner, new BinaryReader(value), createDynamic(inner));
  const json = messageToJson(inner, decoded, options);
  if (WKT_TO_JSON[inner.typeName]) return { "@type": typeUrl, value: json };
  return { "@type": typeUrl, ...(json as object) };
}

/** The message type an Any's type URL names (the part after the last '/'), from the registry. */
export function resolveAny(typeUrl: string, registry: JsonWriteOptions["registry"]): MessageInfo {
  const name = typeUrl.slice(typeUrl.lastIndexOf("/") + 1);
  const info = registry?.getMessage(name);
  if (!info) throw new Error(`cannot resolve Any type "${typeUrl}": pass a registry that holds ${name || "it"}`);
  return info;
}

const WKT_TO_JSON: Record<string, WktWriter> = {
  "google.protobuf.Any": anyToJson,
  "google.protobuf.Timestamp": (_i, m) => timestampToJson(m["seconds"] as bigint, m["nanos"] as number),
  "google.protobuf.Duration": (_i, m) => durationToJson(m["seconds"] as bigint, m["nanos"] as number),
  "google.protobuf.FieldMask": (_i, m) => (m["paths"] as string[]).map(fieldMaskPathToJson).join(","),
  "google.protobuf.Struct": (info, m, o) => fieldToJson(info.fields[0]!, m["fields"], o),
  "google.protobuf.ListValue": (info, m, o) => fieldToJson(info.fields[0]!, m["values"], o),
  "google.protobuf.Value": valueMessageToJson,
  "google.protobuf.DoubleValue": wrapperToJson,
  "google.protobuf.FloatValue": wrapperToJson,
  "google.protobuf.Int64Value": wrapperToJson,
  "google.protobuf.UInt64Value": wrapperToJson,
  "google.protobuf.Int32Value": wrapperToJson,
  "google.protobuf.UInt32Value": wrapperToJson,
  "google.protobuf.BoolValue": wrapperToJson,
  "google.protobuf.StringValue": wrapperToJson,
  "google.protobuf.BytesValue": wrapperToJson,
};

export function isWellKnownJsonType(typeName: string): boolean {
  return typeName in WKT_TO_JSON;
}

function fieldMaskPathToJson(path: string): string {
  if (/[A-Z]/.test(path) || /_(?![a-z])/.test(path)) throw new Error(`FieldMask path "${path}" cannot be written in JSON`);
  return path.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
