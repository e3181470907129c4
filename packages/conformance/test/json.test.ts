import { test } from "node:test";
import assert from "node:assert/strict";
import { DecodeError } from "@tsgrpc/protobuf";
import { BinaryWriter, messageType, WireType } from "@tsgrpc/protobuf/codegen-support";
import { loadTestSchemas } from "../src/test-schemas.js";

const { registry } = loadTestSchemas();
const T = messageType(registry.getMessage("protobuf_test_messages.proto3.TestAllTypesProto3")!);
const parse = (json: string, options = {}) => T.fromJsonString(json, { registry, ...options });
const fails = (json: string, pattern: RegExp) => assert.throws(() => parse(json), (e: unknown) => e instanceof DecodeError && pattern.test((e as Error).message));

test("a map key __proto__ from JSON or binary becomes an own key and never touches a prototype", () => {
  const fromJson = parse('{"mapStringString": {"__proto__": "x", "a": "b"}}');
  const map = fromJson["mapStringString"] as Record<string, string>;
  assert.equal(Object.getPrototypeOf(map), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(map, "__proto__")?.value, "x");
  assert.equal(({} as Record<string, unknown>)["x"], undefined);
  const w = new BinaryWriter();
  w.tag(69, WireType.LengthDelimited); // map_string_string
  const k = w.fork();
  w.tag(1, WireType.LengthDelimited).string("__proto__").tag(2, WireType.LengthDelimited).string("y");
  w.join(k);
  const fromBinary = T.decode(w.finish())["mapStringString"] as Record<string, string>;
  assert.equal(Object.getPrototypeOf(fromBinary), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(fromBinary, "__proto__")?.value, "y");
  assert.equal(T.toJsonString(T.decode(w.finish())), '{"mapStringString":{"__proto__":"y"}}');
});

test("JSON errors say what is wrong and where", () => {
  fails('{"optionalInt32": "abc"}', /expected a number.*optionalInt32/);
  fails('{"optionalInt32": 2147483648}', /out of range.*optionalInt32/);
  fails('{"optionalInt32": 1.5}', /expected an integer/);
  fails('{"optionalInt64": "9223372036854775808"}', /out of range/);
  fails('{"optionalBool": "true"}', /expected true or false/);
  fails('{"optionalBytes": "!!"}', /invalid base64/);
  fails('{"optionalNestedEnum": "NOPE"}', /not a value of enum/);
  fails('{"optionalNestedMessage": []}', /expected a JSON object/);
  fails('{"repeatedInt32": [1, null]}', /cannot be null/);
  fails('{"noSuchField": 1}', /unknown field "noSuchField"/);
  fails('{"optionalInt32": 1, "optional_int32": 2}', /set twice/);
  fails('{"oneofUint32": 1, "oneofString": "x"}', /several fields of oneof/);
  fails('{"optionalTimestamp": "2020-13-01T00:00:00Z"}', /not a valid date/);
  fails('{"optionalDuration": "1.5"}', /not a Duration/);
  fails('{"optionalAny": {"@type": "type.googleapis.com/no.Such"}}', /cannot resolve Any type/);
  fails('{', /invalid JSON/);
});

test("JSON accepts what the proto3 mapping allows: names both ways, numbers as strings, special floats, url-safe base64", () => {
  const m = parse('{"optional_int32": "12", "optionalInt64": -5, "optionalDouble": "NaN", "optionalFloat": "-Infinity", "optionalBytes": "-_8", "optionalNestedEnum": 2}');
  assert.equal(m["optionalInt32"], 12);
  assert.equal(m["optionalInt64"], -5n);
  assert.ok(Number.isNaN(m["optionalDouble"]));
  assert.equal(m["optionalFloat"], -Infinity);
  assert.deepEqual([...(m["optionalBytes"] as Uint8Array)], [0xfb, 0xff]);
  assert.equal(m["optionalNestedEnum"], 2);
});

test("unknown fields and enum names are skipped with ignoreUnknownFields", () => {
  const m = parse('{"noSuchField": {"deep": [1]}, "optionalNestedEnum": "NOPE", "optionalInt32": 3}', { ignoreUnknownFields: true });
  assert.equal(m["optionalInt32"], 3);
  assert.equal(m["optionalNestedEnum"], 0);
});

test("well-known types have their special JSON forms", () => {
  const json = '{"optionalTimestamp":"1972-01-01T10:00:20.021Z","optionalDuration":"-1.500s","optionalFieldMask":"fooBar,baz","optionalStruct":{"a":[1,"x",null,{"b":true}]},"optionalValue":null,"optionalInt32Wrapper":5,"optionalAny":{"@type":"type.googleapis.com/google.protobuf.Duration","value":"3s"}}';
  const m = parse(json);
  assert.deepEqual(m["optionalTimestamp"], { seconds: 63108020n, nanos: 21000000 });
  assert.deepEqual(m["optionalDuration"], { seconds: -1n, nanos: -500000000 });
  assert.deepEqual(JSON.parse(T.toJsonString(m, { registry })), JSON.parse(json));
});

test("JSON nesting deeper than the limit is an error, not a stack overflow", () => {
  const deep = '{"recursiveMessage":'.repeat(200) + "{}" + "}".repeat(200);
  fails(deep, /recursion limit/);
});

test("a key twice in one JSON object is an error (JSON.parse would keep the last), in messages, maps and Structs; equal keys in different objects are not", () => {
  fails('{"optionalInt32": 1, "optionalInt32": 2}', /the key "optionalInt32" appears twice in one object/);
  fails('{"optionalNestedMessage": {"a": 1, "corecursive": {}, "a": 2}}', /the key "a" appears twice/);
  fails('{"mapStringString": {"k": "x", "\\u006b": "y"}}', /the key "k" appears twice/);
  fails('{"optionalStruct": {"x": [{"y": 1, "y": 2}]}}', /the key "y" appears twice/);
  const ok = parse('{"optionalNestedMessage": {"a": 1}, "repeatedNestedMessage": [{"a": 2}, {"a": 3}], "mapStringString": {"a\\"": "a", "a": "\\"a\\":"}}');
  assert.deepEqual(ok["mapStringString"], { 'a"': "a", a: '"a":' });
});

test("a map key (a Struct's too) with an unpaired surrogate is an error, as in a string field", () => {
  fails('{"mapStringString": {"\\ud800": "x"}}', /map key with an unpaired surrogate/);
  fails('{"optionalStruct": {"a\\udc00": 1}}', /map key with an unpaired surrogate/);
  assert.deepEqual(parse('{"mapStringString": {"\\ud83d\\ude00": "x"}}')["mapStringString"], { "😀": "x" });
});
