import { FieldType } from "../descriptor/descriptor-types.js";
import { encodeDynamic } from "../binary/encode-dynamic.js";
import { setOwn } from "../message/set-own.js";
import { setField } from "../reflect/field-access.js";
import { createDynamic } from "../message/create-dynamic.js";
import { setExtension } from "../message/extensions.js";
import type { FieldInfo, MessageInfo } from "../reflect/type-info.js";
import { BinaryWriter } from "../wire/binary-writer.js";
import { DecodeError } from "../wire/decode-error.js";
import { base64Decode } from "./base64.js";
import type { JsonReadOptions, JsonValue } from "./json-options.js";
import { isWellKnownJsonType, resolveAny } from "./to-json.js";
import { durationFromJson, timestampFromJson } from "./wkt-time.js";

type Message = Record<string, unknown>;
type JsonObject = { [key: string]: JsonValue };

const MAX_DEPTH = 100;

/** Parses the proto3 canonical JSON form of a message. Errors are DecodeErrors naming the field path. */
export function messageFromJson(info: MessageInfo, json: JsonValue, options: JsonReadOptions = {}): Message {
  const msg = createDynamic(info);
  readMessage(info, json, msg, options, info.typeName, 0);
  return msg;
}

function fail(path: string, message: string): never {
  throw new DecodeError(message, path);
}

function isObject(v: JsonValue): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function readMessage(info: MessageInfo, json: JsonValue, msg: Message, options: JsonReadOptions, path: string, depth: number): void {
  if (depth > MAX_DEPTH) fail(path, "JSON nesting deeper than the recursion limit");
  const special = WKT_FROM_JSON[info.typeName];
  if (special) {
    special(info, json, msg, options, path, depth);
    return;
  }
  if (!isObject(json)) fail(path, `expected a JSON object for ${info.typeName}, got ${describe(json)}`);
  const seen = new Set<FieldInfo>();
  const oneofsSeen = new Set<string>();
  for (const key of Object.keys(json)) {
    if (key.startsWith("[") && key.endsWith("]")) {
      readExtension(info, key.slice(1, -1), json[key]!, msg, options, `${path}.${key}`, depth);
      continue;
    }
    const f = fieldByJsonKey(info, key);
    if (!f) {
      if (options.ignoreUnknownFields) continue;
      fail(path, `unknown field "${key}" in ${info.typeName}`);
    }
    const fieldPath = `${path}.${f.jsonName}`;
    if (seen.has(f)) fail(fieldPath, `field set twice (by its JSON name and its proto name)`);
    seen.add(f);
    const v = json[key]!;
    if (v === null && (f.repeated || !acceptsNull(f))) {
      continue; // null means "not set" for every field but google.protobuf.Value (and NullValue)
    }
    if (f.oneof) {
      if (oneofsSeen.has(f.oneof.name)) fail(fieldPath, `several fields of oneof "${f.oneof.name}" are set`);
      oneofsSeen.add(f.oneof.name);
    }
    readField(f, v, msg, options, fieldPath, depth);
  }
}

/** `"[pkg.ext]": value`: an extension of this message, found in the registry, stored in the unknown fields. */
function readExtension(info: MessageInfo, name: string, v: JsonValue, msg: Message, options: JsonReadOptions, path: string, depth: number): void {
  const ext = options.registry?.getExtension(name);
  if (!ext || ext.extendee !== info.typeName) {
    if (options.ignoreUnknownFields) return;
    fail(path, `unknown extension "${name}" of ${info.typeName} (pass a registry that holds it)`);
  }
  if (v === null && !acceptsNull(ext!)) return;
  const holder: Message = {};
  readField(ext!, v, holder, options, path, depth);
  if (holder[ext!.localName] !== undefined) setExtension(msg, ext!, holder[ext!.localName]);
}

function fieldByJsonKey(info: MessageInfo, key: string): FieldInfo | undefined {
  let index = jsonKeyIndex.get(info);
  if (!index) {
    index = new Map();
    for (const f of info.fields) {
      index.set(f.name, f);
      index.set(f.jsonName, f);
    }
    jsonKeyIndex.set(info, index);
  }
  return index.get(key);
}
const jsonKeyIndex = new WeakMap<MessageInfo, Map<string, FieldInfo>>();

function acceptsNull(f: FieldInfo): boolean {
  return (
    (f.type === FieldType.MESSAGE && f.message!.typeName === "google.protobuf.Value") ||
    (f.type === FieldType.ENUM && f.enum!.typeName === "google.protobuf.NullValue")
  );
}

function readField(f: FieldInfo, v: JsonValue, msg: Message, options: JsonReadOptions, path: string, depth: number): void {
  if (f.map) {
    if (!isObject(v)) fail(path, `expected a JSON object for a map, got ${describe(v)}`);
    const map = (msg[f.localName] ??= {}) as Message;
    for (const k of Object.keys(v)) {
      const key = mapKeyFromJson(f.map.key, k, `${path}["${k}"]`);
      const value = v[k]!;
      if (value === null && !acceptsNull(f.map.value)) fail(`${path}["${k}"]`, "map values cannot be null");
      const parsed = readValue(f.map.value, value, options, `${path}["${k}"]`, depth);
      if (parsed !== SKIP) setOwn(map, key, parsed);
    }
    return;
  }
  if (f.repeated) {
    if (!Array.isArray(v)) fail(path, `expected a JSON array, got ${describe(v)}`);
    const list = (msg[f.localName] ??= []) as unknown[];
    v.forEach((e, i) => {
      if (e === null && !acceptsNull(f)) fail(`${path}[${i}]`, "list elements cannot be null");
      const parsed = readValue(f, e, options, `${path}[${i}]`, depth);
      if (parsed !== SKIP) list.push(parsed);
    });
    return;
  }
  const parsed = readValue(f, v, options, path, depth);
  if (parsed !== SKIP) setField(msg, f, parsed);
}

/** Returned for an unknown enum name under ignoreUnknownFields: the value is dropped. */
const SKIP = Symbol("skip");

function readValue(f: FieldInfo, v: JsonValue, options: JsonReadOptions, path: string, depth: number): unknown {
  switch (f.type) {
    case FieldType.MESSAGE:
    case FieldType.GROUP: {
      const msg = createDynamic(f.message!);
      readMessage(f.message!, v, msg, options, path, depth + 1);
      return msg;
    }
    case FieldType.ENUM:
      return enumFromJson(f, v, options, path);
    case FieldType.STRING:
      if (typeof v !== "string") fail(path, `expected a string, got ${describe(v)}`);
      // JSON text may escape half of a surrogate pair ("\ud800"), which no UTF-8 string can hold.
      if (!isWellFormed(v)) fail(path, "a string with an unpaired surrogate is not valid UTF-8");
      return v;
    case FieldType.BYTES: {
      if (typeof v !== "string") fail(path, `expected base64 text, got ${describe(v)}`);
      return base64Decode(v) ?? fail(path, "invalid base64");
    }
    case FieldType.BOOL:
      if (typeof v !== "boolean") fail(path, `expected true or false, got ${describe(v)}`);
      return v;
    case FieldType.DOUBLE:
    case FieldType.FLOAT:
      return floatFromJson(f.type, v, path);
    case FieldType.INT64:
    case FieldType.SINT64:
    case FieldType.SFIXED64:
      return int64FromJson(v, path, true);
    case FieldType.UINT64:
    case FieldType.FIXED64:
      return int64FromJson(v, path, false);
    case FieldType.UINT32:
    case FieldType.FIXED32:
      return int32FromJson(v, path, 0, 0xffffffff);
    default:
      return int32FromJson(v, path, -0x80000000, 0x7fffffff);
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

function enumFromJson(f: FieldInfo, v: JsonValue, options: JsonReadOptions, path: string): unknown {
  const e = f.enum!;
  if (e.typeName === "google.protobuf.NullValue" && v === null) return 0;
  if (typeof v === "string") {
    const n = e.byName.get(v);
    if (n !== undefined) return n;
    if (options.ignoreUnknownFields) return SKIP;
    fail(path, `"${v}" is not a value of enum ${e.typeName}`);
  }
  if (typeof v === "number") {
    const n = int32FromJson(v, path, -0x80000000, 0x7fffffff);
    if (e.closed && !e.byNumber.has(n)) {
      if (options.ignoreUnknownFields) return SKIP;
      fail(path, `${n} is not a value of closed enum ${e.typeName}`);
    }
    return n;
  }
  return fail(path, `expected an enum name or number, got ${describe(v)}`);
}

/** A JSON number, or a string holding one (proto3 JSON accepts both for every numeric type). */
function numberOf(v: JsonValue, path: string): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() === v && v !== "" && !/^[+]|^-?0[0-9]|[xXob_]/.test(v)) {
    const n = Number(v);
    if (!Number.isNaN(n)) return n;
  }
  return fail(path, `expected a number, got ${describe(v)}`);
}

function int32FromJson(v: JsonValue, path: string, min: number, max: number): number {
  const n = numberOf(v, path);
  if (!Number.isInteger(n)) fail(path, `expected an integer, got ${describe(v)}`);
  if (n < min || n > max) fail(path, `${n} is out of range for a 32-bit field`);
  return n + 0; // -0 (from "-0" or -0) is 0: an integer field never holds -0, as after a binary round trip
}

function int64FromJson(v: JsonValue, path: string, signed: boolean): bigint {
  let n: bigint;
  if (typeof v === "string" && /^-?[0-9]+$/.test(v)) n = BigInt(v);
  else {
    const f = numberOf(v, path);
    if (!Number.isInteger(f)) fail(path, `expected an integer, got ${describe(v)}`);
    // A string in another form ("1e3", "5.0") is read as a double, as protoc reads it (ParseFloatStringAsInt), and
    // only within protoc's bounds for that: +-2^53 signed, 0..2^54 unsigned. Past them a double's integers have gaps,
    // so "1e17" or "100000000000000001.0" would not be the number written.
    if (typeof v === "string" && (signed ? Math.abs(f) > 2 ** 53 : f > 2 ** 54)) fail(path, `${describe(v)} is out of range for a 64-bit field written as a double`);
    n = BigInt(f);
  }
  if (signed ? n !== BigInt.asIntN(64, n) : n !== BigInt.asUintN(64, n)) fail(path, `${n} is out of range for a 64-bit field`);
  return n;
}

const FLOAT_MAX = 3.4028234663852886e38;

function floatFromJson(type: FieldType, v: JsonValue, path: string): number {
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  const n = numberOf(v, path);
  if (!Number.isFinite(n)) fail(path, `${describe(v)} is out of range`);
  if (type === FieldType.FLOAT) {
    if (Math.abs(n) > FLOAT_MAX) fail(path, `${n} is out of range for a float`);
    return Math.fround(n); // what a float field holds, exactly as it would after a binary round trip
  }
  return n;
}

function mapKeyFromJson(key: FieldInfo, k: string, path: string): string {
  switch (key.type) {
    case FieldType.STRING:
      if (!isWellFormed(k)) fail(path, "a map key with an unpaired surrogate is not valid UTF-8");
      return k;
    case FieldType.BOOL:
      if (k !== "true" && k !== "false") fail(path, `map key "${k}" is not true or false`);
      return k;
    default:
      return String(readValue(key, k, {}, path, 0));
  }
}

function describe(v: JsonValue): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  return JSON.stringify(v);
}

type WktReader = (info: MessageInfo, json: JsonValue, msg: Message, options: JsonReadOptions, path: string, depth: number) => void;

function wrapperFromJson(info: MessageInfo, json: JsonValue, msg: Message, options: JsonReadOptions, path: string, depth: number): void {
  const f = info.fields[0]!;
  if (json === null) fail(path, `${info.typeName} cannot be null here`);
  msg[f.localName] = readValue(f, json, options, path, depth);
}

function valueFromJson(info: MessageInfo, json: JsonValue, msg: Message, options: JsonReadOptions, path: string, depth: number): void {
  if (depth > MAX_DEPTH) fail(path, "JSON nesting deeper than the recursion limit");
  const field = (name: string) => info.fields.find((f) => f.name === name)!;
  const set = (name: string, value: unknown) => setField(msg, field(name), value);
  if (json === null) set("null_value", 0);
  else if (typeof json === "number") set("number_value", json);
  else if (typeof json === "string") set("string_value", json);
  else if (typeof json === "boolean") set("bool_value", json);
  else if (Array.isArray(json)) set("list_value", readValue(field("list_value"), json, options, path, depth));
  else set("struct_value", readValue(field("struct_value"), json, options, path, depth));
}

function anyFromJson(info: MessageInfo, json: JsonValue, msg: Message, options: JsonReadOptions, path: string, depth: number): void {
  if (!isObject(json)) fail(path, `expected a JSON object for google.protobuf.Any, got ${describe(json)}`);
  if (Object.keys(json).length === 0) return;
  const typeUrl = json["@type"];
  if (typeof typeUrl !== "string") fail(path, `google.protobuf.Any needs an "@type"`);
  let inner: MessageInfo;
  try {
    inner = resolveAny(typeUrl, options.registry);
  } catch (e) {
    fail(path, (e as Error).message);
  }
  const innerMsg = createDynamic(inner);
  if (isWellKnownJsonType(inner.typeName)) {
    if (!("value" in json)) fail(path, `an Any holding ${inner.typeName} keeps it under "value"`);
    readMessage(inner, json["value"]!, innerMsg, options, path + ".value", depth + 1);
  } else {
    const rest: JsonObject = {};
    for (const k of Object.keys(json)) if (k !== "@type") setOwn(rest as Message, k, json[k]);
    readMessage(inner, rest, innerMsg, options, path, depth + 1);
  }
  const w = new BinaryWriter();
  encodeDynamic(inner, innerMsg, w);
  msg["typeUrl"] = typeUrl;
  msg["value"] = w.finish();
}

function catching<T>(path: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    return fail(path, (e as Error).message);
  }
}

const WKT_FROM_JSON: Record<string, WktReader> = {
  "google.protobuf.Any": anyFromJson,
  "google.protobuf.Timestamp": (_i, json, msg, _o, path) => {
    if (typeof json !== "string") fail(path, `expected an RFC 3339 string for a Timestamp, got ${describe(json)}`);
    Object.assign(msg, catching(path, () => timestampFromJson(json)));
  },
  "google.protobuf.Duration": (_i, json, msg, _o, path) => {
    if (typeof json !== "string") fail(path, `expected a string such as "1.5s" for a Duration, got ${describe(json)}`);
    Object.assign(msg, catching(path, () => durationFromJson(json)));
  },
  "google.protobuf.FieldMask": (_i, json, msg, _o, path) => {
    if (typeof json !== "string") fail(path, `expected a comma-separated string for a FieldMask, got ${describe(json)}`);
    msg["paths"] = json === "" ? [] : json.split(",").map((p) => {
      if (/_/.test(p)) fail(path, `FieldMask path "${p}" must be lowerCamelCase in JSON`);
      return p.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
    });
  },
  "google.protobuf.Struct": (info, json, msg, options, path, depth) => {
    if (!isObject(json)) fail(path, `expected a JSON object for a Struct, got ${describe(json)}`);
    readField(info.fields[0]!, json, msg, options, path, depth + 1);
  },
  "google.protobuf.ListValue": (info, json, msg, options, path, depth) => {
    if (!Array.isArray(json)) fail(path, `expected a JSON array for a ListValue, got ${describe(json)}`);
    readField(info.fields[0]!, json, msg, options, path, depth + 1);
  },
  "google.protobuf.Value": valueFromJson,
  "google.protobuf.DoubleValue": wrapperFromJson,
  "google.protobuf.FloatValue": wrapperFromJson,
  "google.protobuf.Int64Value": wrapperFromJson,
  "google.protobuf.UInt64Value": wrapperFromJson,
  "google.protobuf.Int32Value": wrapperFromJson,
  "google.protobuf.UInt32Value": wrapperFromJson,
  "google.protobuf.BoolValue": wrapperFromJson,
  "google.protobuf.StringValue": wrapperFromJson,
  "google.protobuf.BytesValue": wrapperFromJson,
};
