import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateFile } from "@tsgrpc/codegen";
import { Compiler } from "@tsgrpc/compiler";
import { getDescriptorRegistry, Registry } from "@tsgrpc/protobuf/codegen-support";
import { runCli } from "./run-cli.js";

const plugin = fileURLToPath(new URL("../../bin/protoc-gen-tsgrpc.js", import.meta.url));
const hasProtoc = spawnSync("protoc", ["--version"]).status === 0;

function schemaDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-gen-cmd-"));
  writeFileSync(join(dir, "a.proto"), 'syntax = "proto3";\nimport "google/protobuf/timestamp.proto";\nimport "b.proto";\nenum Mood { MOOD_OK = 0; MOOD_SAD = 1; }\nmessage A { google.protobuf.Timestamp t = 1; Mood m = 2; B b = 3; }\n');
  writeFileSync(join(dir, "b.proto"), 'syntax = "proto3";\nmessage B {}\n');
  return dir;
}

test("tsgrpc gen writes the schema's own files and leaves the well-known types to @tsgrpc/protobuf/wkt", async () => {
  const dir = schemaDir();
  const r = await runCli(["gen", "-I", dir, "--out", join(dir, "out"), "a.proto", "google/protobuf/timestamp.proto"]);
  assert.equal(r.code, 0, r.err);
  assert.ok(existsSync(join(dir, "out/a_pb.ts")) && existsSync(join(dir, "out/b_pb.ts")));
  assert.ok(!existsSync(join(dir, "out/google")), "no copy of the well-known types");
  assert.match(r.err, /skipped google\/protobuf\/timestamp\.proto: its code comes with @tsgrpc\/protobuf\/wkt/);
  const a = readFileSync(join(dir, "out/a_pb.ts"), "utf8");
  assert.match(a, /import \* as \$0 from "@tsgrpc\/protobuf\/wkt";\nimport \* as \$1 from "\.\/b_pb\.js";/);
});

test("tsgrpc gen --enum-style const --import-extension .ts writes erasable output; bad values are usage errors", async () => {
  const dir = schemaDir();
  const r = await runCli(["gen", "-I", dir, "--out", join(dir, "out"), "--enum-style", "const", "--import-extension", ".ts", "a.proto"]);
  assert.equal(r.code, 0, r.err);
  const a = readFileSync(join(dir, "out/a_pb.ts"), "utf8");
  assert.match(a, /export const Mood = \{\n(.*\n)*?\} as const;/);
  assert.match(a, /from "\.\/b_pb\.ts";/);
  const bad = await runCli(["gen", "-I", dir, "--out", join(dir, "out"), "--enum-style", "object", "a.proto"]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--enum-style is enum or const, not "object"/);
});

test("protoc-gen-tsgrpc takes enum_style and import_extension, writes no well-known types, and reports an unknown option through protoc", { skip: hasProtoc ? false : "protoc is not installed (Debian: protobuf-compiler)" }, () => {
  const dir = schemaDir();
  const out = mkdtempSync(join(tmpdir(), "tsgrpc-protoc-opt-"));
  const ok = spawnSync("protoc", [`--plugin=protoc-gen-tsgrpc=${plugin}`, `--tsgrpc_out=${out}`, "--tsgrpc_opt=enum_style=const,import_extension=.ts", "-I", dir, "a.proto", "b.proto", "google/protobuf/timestamp.proto"], { encoding: "utf8" });
  assert.equal(ok.status, 0, ok.stderr);
  assert.ok(!existsSync(join(out, "google")), "no copy of a well-known type, even when protoc is asked for it");
  assert.match(readFileSync(join(out, "a_pb.ts"), "utf8"), /export type Mood = \(typeof Mood\)\[keyof typeof Mood\];/);
  assert.match(readFileSync(join(out, "a_pb.ts"), "utf8"), /from "\.\/b_pb\.ts";/);
  const bad = spawnSync("protoc", [`--plugin=protoc-gen-tsgrpc=${plugin}`, `--tsgrpc_out=${out}`, "--tsgrpc_opt=enums=const", "-I", dir, "a.proto"], { encoding: "utf8" });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /unknown option "enums=const"/);
});

test("tsgrpc gen streams a large module to its file (the body in chunks, the imports put first) with the same text generateFile builds in memory", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-gen-large-"));
  // Enough messages for many of the writer's 4,096-line chunks; the last one is the first to use the Timestamp import.
  const messages = Array.from({ length: 400 }, (_, i) => `// Message ${i}.\nmessage M${i} {\n  string name = 1;\n  repeated int64 values = 2;\n  M${Math.max(0, i - 1)} previous = 3;\n}`);
  writeFileSync(join(dir, "big.proto"), `syntax = "proto3";\npackage big;\nimport "google/protobuf/timestamp.proto";\n${messages.join("\n")}\nmessage Last { google.protobuf.Timestamp at = 1; }\n`);
  const r = await runCli(["gen", "-I", dir, "--out", join(dir, "out"), "big.proto"]);
  assert.equal(r.code, 0, r.err);
  const streamed = readFileSync(join(dir, "out/big_pb.ts"), "utf8");
  const compiler = new Compiler({ includePaths: [dir] });
  const files = compiler.withImports(compiler.compile(["big.proto"]));
  const inMemory = generateFile(files.at(-1)!, Registry.from(files), getDescriptorRegistry()).content;
  assert.ok(inMemory.split("\n").length > 3 * 4096, "the module spans several chunks");
  assert.equal(streamed, inMemory);
  assert.equal([...streamed.matchAll(/^export const (\w+)/gm)].at(-1)?.[1], "Last", "the module ends with the last message's type");
  assert.match(streamed, /\}\);\n+$/);
  assert.match(streamed, /^\/\/ Generated by tsgrpc from big\.proto.*\n\nimport \{ [^}]*\} from "@tsgrpc\/protobuf\/codegen-support";\n(import type .*\n)?import \* as \$0 from "@tsgrpc\/protobuf\/wkt";\n/);
  assert.deepEqual(readdirSync(join(dir, "out")), ["big_pb.ts"], "no body file left behind");
});
