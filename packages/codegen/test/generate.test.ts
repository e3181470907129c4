import { test } from "node:test";
import assert from "node:assert/strict";
import { Compiler } from "@tsgrpc/compiler";
import { getDescriptorRegistry, Registry } from "@tsgrpc/protobuf/codegen-support";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { generateFile } from "../src/index.js";

function generate(text: string, extra: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-gen-"));
  for (const [name, body] of Object.entries({ "main.proto": text, ...extra })) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
  const compiler = new Compiler({ includePaths: [dir] });
  const files = compiler.withImports(compiler.compile(["main.proto"]));
  const registry = Registry.from(files);
  return generateFile(files.at(-1)!, registry, getDescriptorRegistry()).content;
}

test("generated code carries the .proto's comments as doc comments", () => {
  const code = generate('syntax = "proto3";\n// A thing.\nmessage Thing {\n  // Its name.\n  string name = 1;\n}\n');
  assert.match(code, /\/\*\*\n \* A thing\.\n \*\n \* @generated from message Thing\n \*\/\nexport interface Thing extends \$Message<"Thing"> \{/);
  assert.match(code, / {2}\/\*\*\n {3}\* Its name\.\n {3}\*\/\n {2}name: string;/);
});

test("imports become namespace imports of the imported file's module, by relative path", () => {
  const code = generate('syntax = "proto3";\nimport "other/time.proto";\nmessage E { other.At at = 1; }\n', { "other/time.proto": 'syntax = "proto3";\npackage other;\nmessage At {}\n' });
  assert.match(code, /import \* as \$0 from "\.\/other\/time_pb\.js";/);
  assert.match(code, /at\?: \$0\.At \| undefined;/);
  assert.match(code, /\$defineFile\("[A-Za-z0-9+/=]+", \[\$0\.file_other_time\]\)/);
});

test("the well-known types and google.rpc come from the runtime packages, not from generated copies", () => {
  const code = generate('syntax = "proto3";\nimport "google/protobuf/timestamp.proto";\nimport "google/protobuf/duration.proto";\nimport "google/rpc/status.proto";\nmessage E { google.protobuf.Timestamp at = 1; google.protobuf.Duration d = 2; google.rpc.Status s = 3; }\n');
  assert.match(code, /import \* as \$0 from "@tsgrpc\/protobuf\/wkt";\nimport \* as \$1 from "@tsgrpc\/grpc\/rpc";/);
  assert.match(code, /at\?: \$0\.Timestamp \| undefined;\n {2}d\?: \$0\.Duration \| undefined;\n {2}s\?: \$1\.Status \| undefined;/);
  assert.match(code, /\[\$0\.file_google_protobuf_timestamp, \$0\.file_google_protobuf_duration, \$1\.file_google_rpc_status\]/);
});

test("services become ServiceDefinitions with paths and kinds", () => {
  const code = generate('syntax = "proto3";\npackage p;\nmessage M {}\nservice S { rpc Get(M) returns (M); rpc Watch(M) returns (stream M); }\n');
  assert.match(code, /get: \{ name: "Get", path: "\/p\.S\/Get", kind: "unary", input: M, output: M \}/);
  assert.match(code, /watch: \{ name: "Watch", path: "\/p\.S\/Watch", kind: "server_streaming", input: M, output: M \}/);
});

test("names that would clash with TypeScript are escaped", () => {
  const code = generate('syntax = "proto3";\nmessage Object { string constructor = 1; }\n');
  assert.match(code, /export interface Object\$ extends \$Message<"Object"> \{\n {2}constructor\$: string;/);
});

test("leading, trailing and detached comments all reach the generated code", () => {
  const code = generate('syntax = "proto3";\n\n// Detached from Thing.\n\n// Leading.\nmessage Thing {\n  string name = 1; // Trailing.\n}\n');
  assert.match(code, /\/\/ Detached from Thing\.\n\n\/\*\*\n \* Leading\.\n \*\n \* @generated from message Thing\n \*\//);
  assert.match(code, / {2}\/\*\*\n {3}\* Trailing\.\n {3}\*\/\n {2}name: string;/);
});

test("deprecated fields, messages, enums, values, services and methods are marked @deprecated", () => {
  const code = generate(`syntax = "proto3";
message Old { option deprecated = true; string a = 1 [deprecated = true]; }
enum E { option deprecated = true; E_A = 0; E_B = 1 [deprecated = true]; }
service S { option deprecated = true; rpc M(Old) returns (Old) { option deprecated = true; } }
`);
  assert.match(code, /@generated from message Old\n \* @deprecated\n \*\/\nexport interface Old/);
  assert.match(code, / {3}\* @deprecated\n {3}\*\/\n {2}a: string;/);
  assert.match(code, /@generated from enum E\n \* @deprecated\n \*\/\nexport enum E/);
  assert.match(code, /@generated from enum value: E_B = 1;\n {3}\* @deprecated\n {3}\*\/\n {2}B = 1,/);
  assert.match(code, /@generated from service S\n \* @deprecated\n \*\/\nexport const S/);
  assert.match(code, /@generated from rpc S\.M\n {5}\* @deprecated\n {5}\*\/\n {4}m: \{/);
});

test("enum values lose their shared prefix, as protobuf-es strips it; their JSON names do not change", () => {
  const code = generate('syntax = "proto3";\nenum HTTPMethod { H_T_T_P_METHOD_GET = 0; H_T_T_P_METHOD_POST = 1; }\nenum Mood { MOOD_OK = 0; SAD = 1; }\n');
  assert.match(code, /export enum HTTPMethod \{\n(.*\n)*? {2}GET = 0,\n(.*\n)*? {2}POST = 1,/);
  assert.match(code, / {2}MOOD_OK = 0,\n(.*\n)*? {2}SAD = 1,/, "kept when not every value has the prefix");
});
