import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// Schemas, nearly all bad, each compiled by protoc and by tsgrpc: both must accept or reject it, with the same error
// lines (position and text).
const CASES = [
  "syntax = \"proto3\";\nmessage M { int32 x = 1; int32 y = 1; }\n",
  "syntax = \"proto3\";\nmessage M { Unknown x = 1; }\n",
  "syntax = \"proto3\";\nmessage M { required int32 x = 1; }\n",
  "syntax = \"proto3\";\nenum E { A = 1; }\n",
  "syntax = \"proto3\";\nmessage M { int32 x = 0; }\n",
  "syntax = \"proto3\";\nmessage M { int32 x = 19500; }\n",
  "syntax = \"proto3\";\nmessage M { reserved 3; int32 x = 3; }\n",
  "syntax = \"proto3\";\nmessage M { reserved \"x\"; int32 x = 1; }\n",
  "syntax = \"proto3\";\nmessage M {}\nmessage M {}\n",
  "syntax = \"proto3\";\nimport \"nope.proto\";\n",
  "syntax = \"proto3\";\nmessage M { int32 x = 1 [default = 5]; }\n",
  "syntax = \"proto3\";\nenum E { option allow_alias = true; A = 0; B = 1; }\n",
  "syntax = \"proto3\";\nenum E { A = 0; B = 0; }\n",
  "syntax = \"proto2\";\nmessage M { optional int32 x = 1; extensions 100 to 200; }\nextend M { optional int32 y = 300; }\n",
  "syntax = \"proto3\";\nmessage M { int32 x = 1 }\n",
  "syntax = \"proto3\";\nmessage M { int32 foo_bar = 1; int32 fooBar = 2; }\n",
  "syntax = \"proto3\";\noption java_package = 5;\n",
  "syntax = \"proto3\";\nmessage M { map<float, int32> m = 1; }\n",
  "syntax = \"proto3\";\nmessage M { int32 x = 1; }\nservice S { rpc Get(M) returns (N); }\n",
  "syntax = \"proto2\";\nmessage M { optional group foo = 1 {} }\n",
  "syntax = \"proto3\";\npackage a.b;\nmessage b {}\n",
  "syntax = \"proto3\";\nmessage M { oneof o { int32 a = 1; } int32 a = 2; }\n",
  "syntax = \"proto2\";\nenum E { A = 1; }\nmessage M { optional E e = 1 [default = B]; }\n",
  "syntax = \"proto3\";\nmessage M { repeated int32 x = 1 [packed = true, packed = false]; }\n",
  "syntax = \"proto3\";\nmessage M { string s = 1 [(nope) = 1]; }\n",
  "syntax = \"proto4\";\n",
  "syntax = \"proto2\";\nmessage M { extensions 10 to 20; extensions 15 to 30; }\n",
  "syntax = \"proto3\";\nmessage M { M.N x = 1; }\n",
  "syntax = \"proto3\";\nenum E { A = 0; }\nenum F { A = 0; }\n",
  "syntax = \"proto3\";\nmessage M { int32 x = 1; }\nmessage N { M x = 1; x.y z = 2; }\n",
];

const cli = fileURLToPath(new URL("../../../cli/bin/tsgrpc.js", import.meta.url));
const hasProtoc = spawnSync("protoc", ["--version"]).status === 0;

function outcome(command: string, args: string[], cwd: string): { ok: boolean; errors: string[] } {
  const run = spawnSync(command, args, { cwd, encoding: "utf8" });
  return { ok: run.status === 0, errors: run.stderr.split("\n").filter((l) => l && !l.includes("warning:")) };
}

test("tsgrpc accepts and rejects what protoc does, with the same errors at the same positions", { skip: hasProtoc ? false : "protoc is not installed (Debian: protobuf-compiler)" }, () => {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-errors-"));
  CASES.forEach((text, i) => {
    const name = `case${i + 1}.proto`;
    writeFileSync(join(dir, name), text);
    const theirs = outcome("protoc", ["-I", ".", "--descriptor_set_out=/dev/null", name], dir);
    const ours = outcome(process.execPath, [cli, "compile", "-I", ".", "--descriptor_set_out=/dev/null", name], dir);
    assert.deepEqual(ours, theirs, `${name}:\n${text}`);
  });
});
