// Fuzz properties for what the compiler reads from a user: .proto text (tokenizer, parser, the whole compile with
// linking and options) and protobuf text format (aggregate option values). The documented errors: the tokenizer and
// parser report diagnostics and never throw; Compiler.compile throws CompileError; parseTextFormat throws an Error
// whose message says what is wrong ("Error while parsing option value: ...").
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as fc from "fast-check";
import { getDescriptorRegistry } from "@tsgrpc/protobuf/codegen-support";
import { Compiler, CompileError, format } from "../../src/index.js";
import type { Diagnostic } from "../../src/diagnostics.js";
import { newFile, Parser } from "../../src/parser.js";
import { parseTextFormat } from "../../src/text-format.js";
import { Tokenizer, TokenType } from "../../src/tokenizer.js";
import { tokenize } from "../../src/format/tokens.js";
import type { FuzzProperty } from "@tsgrpc/testing";

const protosDir = fileURLToPath(new URL("../../../test/protos/", import.meta.url));
const CORPUS = [
  ...readdirSync(protosDir).filter((f) => f.endsWith(".proto")).map((f) => readFileSync(join(protosDir, f), "utf8")),
  `syntax = "proto3";
package fuzz.v1;
import "google/protobuf/descriptor.proto";
import "google/protobuf/timestamp.proto";
option java_package = "x.y";
extend google.protobuf.MessageOptions { Agg agg = 50001; repeated int32 nums = 50002; }
message Agg { string s = 1; int64 i = 2; repeated Agg kids = 3; bytes b = 4; double d = 5; E e = 6; map<string, int32> m = 7; }
enum E { E_UNSPECIFIED = 0; E_ONE = 1 [deprecated = true]; reserved 5 to 9; }
message M {
  option (agg) = { s: "a\\x01\\u00e9" i: -9223372036854775808 kids { s: "k" } kids: [{ i: 1 }, { e: E_ONE }] b: "\\377" d: -inf m { key: "k" value: 3 } };
  option (nums) = 1;
  reserved 100 to max; reserved "old";
  oneof o { int32 a = 1 [json_name = "A"]; M child = 2; }
  map<string, google.protobuf.Timestamp> ts = 3;
  repeated double ds = 4 [packed = false];
  optional string maybe = 5 [default_x = 1];
  message Inner { enum Z { Z0 = 0; } }
  Inner.Z z = 6;
}
service S { rpc Call(M) returns (stream M) { option deprecated = true; option idempotency_level = NO_SIDE_EFFECTS; } }
`,
  `syntax = "proto2";
package p2;
message G { optional group Grp = 1 { required int32 x = 2 [default = -0x7f]; } extensions 100 to 200; optional float f = 3 [default = nan]; optional string s = 4 [default = "\\'\\"\\?"]; }
extend G { optional int32 ext = 100; }
enum Closed { A = 1; B = -2; option allow_alias = true; C = 1; }
`,
];

const VOCAB = ["{", "}", "(", ")", "[", "]", "<", ">", ";", "=", ",", ".", ":", "-", "message", "enum", "service", "rpc", "returns", "stream", "oneof", "map", "option", "import", "public", "weak", "package", "syntax", "edition", "extend", "extensions", "reserved", "to", "max", "optional", "required", "repeated", "group", "int32", "string", "bytes", "double", "\"proto2\"", "\"proto3\"", "\"2023\"", "1", "0", "-1", "0x", "0777", "1e9999", "inf", "nan", "true", "\"\\x\"", "\"\\u12\"", "'", "\"", "/*", "*/", "//", "\n", "foo", ".foo.Bar", "google.protobuf.Any", "99999999999999999999", "536870911", "19000"];

/** Corpus files with token-level damage: deletions, repetitions, insertions of protobuf words or random text. */
const protoText = fc.oneof(
  { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...VOCAB), { maxLength: 40 }).map((t) => t.join(" ")) },
  {
    weight: 4,
    arbitrary: fc.record({
      file: fc.integer({ min: 0, max: CORPUS.length - 1 }),
      edits: fc.array(fc.record({ at: fc.nat(), kind: fc.constantFrom("delete", "repeat", "insert", "random"), word: fc.constantFrom(...VOCAB), text: fc.string({ maxLength: 4 }) }), { minLength: 1, maxLength: 5 }),
    }).map(({ file, edits }) => {
      const tokens = CORPUS[file]!.split(/(\s+|[{}()[\]<>;=,:])/);
      for (const e of edits) {
        const i = e.at % (tokens.length + 1);
        if (e.kind === "delete") tokens.splice(i, 1);
        else if (e.kind === "repeat") tokens.splice(i, 0, tokens[i] ?? "");
        else if (e.kind === "insert") tokens.splice(i, 0, ` ${e.word} `);
        else tokens.splice(i, 0, e.text);
      }
      return tokens.join("");
    }),
  },
);

let dir: string | undefined;
function compile(text: string): void {
  dir ??= mkdtempSync(join(tmpdir(), "tsgrpc-fuzz-proto-"));
  writeFileSync(join(dir, "main.proto"), text);
  try {
    new Compiler({ includePaths: [dir] }).compile(["main.proto"]);
  } catch (e) {
    if (!(e instanceof CompileError)) throw new Error(`compile threw ${(e as Error)?.constructor?.name} instead of CompileError: ${(e as Error)?.stack ?? String(e)}`);
    assert.ok(e.diagnostics.length > 0, "a CompileError says what is wrong");
  }
}

/** The names, numbers and strings of a text, sorted (the formatter reorders imports and options): what it must keep. */
function words(text: string): string[] {
  const out: string[] = [];
  const walk = (toks: ReturnType<typeof tokenize>) => {
    for (const t of toks) {
      if (t.kind === "ident" || t.kind === "number" || t.kind === "string") out.push(t.text);
      if (t.children) walk(t.children);
      if (t.close && t.close.kind === "string") out.push(t.close.text);
    }
  };
  walk(tokenize(text.replace(/^\uFEFF/, ""), "f.proto", []));
  return out.sort();
}

/**
 * format: diagnostics or text, never an exception; its output parses again and keeps every name, number and string
 * of the input (punctuation it may drop or add: separators in message values, a ':' before a message value).
 */
function checkFormat(text: string): void {
  const once = format(text, "fuzz.proto");
  if (!once.ok) {
    assert.ok(once.diagnostics.length > 0, "a file that does not format says why");
    return;
  }
  const again = format(once.text, "fuzz.proto");
  assert.ok(again.ok, `the output parses: ${again.ok ? "" : JSON.stringify(again.diagnostics)}\n${once.text}`);
  assert.deepEqual(words(once.text), words(text), "formatting keeps every name, number and string");
}

const registry = getDescriptorRegistry();
const TEXT_TYPES = ["google.protobuf.FileOptions", "google.protobuf.DescriptorProto", "google.protobuf.FieldDescriptorProto", "google.protobuf.MessageOptions"].map((n) => registry.getMessage(n)!);
const TEXT_SAMPLES = [
  `name: "M" field { name: "a" number: 1 label: LABEL_OPTIONAL type: TYPE_INT32 json_name: "A" options { packed: true deprecated: false } } nested_type [{ name: "N" }, { name: "O" }] reserved_range { start: 1 end: 2 } options < map_entry: false >`,
  `java_package: "a\\tb" optimize_for: SPEED cc_enable_arenas: true uninterpreted_option { name { name_part: "x" is_extension: false } positive_int_value: 18446744073709551615 double_value: -1.5e3 string_value: "\\001\\xff" } features { field_presence: EXPLICIT }`,
  `number: -2147483648 default_value: 'x' type: 9 oneof_index: 0x7fffffff proto3_optional: t`,
  `message_set_wire_format: false deprecated: true map_entry: 1 [pb.cpp] { legacy_closed_enum: true } uninterpreted_option [{ identifier_value: "x" }, { aggregate_value: "{ a: 1 }" }]`,
];
const textFormat = fc.record({
  type: fc.integer({ min: 0, max: TEXT_TYPES.length - 1 }),
  text: fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.tuple(fc.constantFrom(...TEXT_SAMPLES), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 6 }), fc.oneof(fc.constantFrom("{", "}", "<", ">", "[", "]", ":", ",", ";", "\"", "-", "0x", "inf", "nan", "1e400", "99999999999999999999999", "[x.y]", "/", "#", "\n"), fc.string({ maxLength: 3 }))), { maxLength: 4 })).map(([t, edits]) => {
      for (const [at, del, ins] of edits) { const i = at % (t.length + 1); t = t.slice(0, i) + ins + t.slice(i + del); }
      return t;
    }),
  ),
});

export const properties: FuzzProperty[] = [
  {
    name: "proto-tokenizer",
    group: "proto-compiler",
    runs: 400,
    arbitrary: protoText,
    check: (text: string) => {
      const diagnostics: Diagnostic[] = [];
      const t = new Tokenizer(text, "fuzz.proto", diagnostics);
      let tokens = 0;
      // Every token takes at least one character (or the tokenizer ends): a bounded loop.
      while (t.next() && t.current.type !== TokenType.End) assert.ok(++tokens <= text.length + 1, "the tokenizer makes progress");
    },
  },
  {
    name: "proto-parser",
    group: "proto-compiler",
    runs: 400,
    arbitrary: protoText,
    check: (text: string) => {
      const diagnostics: Diagnostic[] = [];
      const ok = new Parser("fuzz.proto", text, diagnostics).parse(newFile("fuzz.proto"));
      if (!ok) assert.ok(diagnostics.some((d) => !d.warning), "a failed parse says why");
    },
  },
  {
    name: "proto-format",
    group: "proto-compiler",
    runs: 400,
    arbitrary: protoText,
    check: checkFormat,
  },
  {
    name: "proto-compile",
    group: "proto-compiler",
    runs: 250,
    arbitrary: protoText,
    check: compile,
  },
  {
    name: "text-format",
    group: "text-format",
    runs: 400,
    arbitrary: textFormat,
    check: ({ type, text }: { type: number; text: string }) => {
      try {
        parseTextFormat(text, TEXT_TYPES[type]!, () => undefined, (n) => registry.getMessage(n));
      } catch (e) {
        assert.ok(e instanceof Error && e.constructor === Error && e.message.startsWith("Error while parsing option value"), `threw ${(e as Error)?.stack ?? String(e)}`);
      }
    },
  },
];
