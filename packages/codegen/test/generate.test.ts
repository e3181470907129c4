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
