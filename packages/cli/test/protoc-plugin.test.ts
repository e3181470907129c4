import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const tsgrpc = join(root, "packages/cli/bin/tsgrpc.js");
const plugin = join(root, "packages/cli/bin/protoc-gen-tsgrpc.js");
const example = join(root, "examples/user-service");
const hasProtoc = spawnSync("protoc", ["--version"]).status === 0;

test("protoc-gen-tsgrpc under protoc writes exactly what tsgrpc gen writes", { skip: hasProtoc ? false : "protoc is not installed (Debian: protobuf-compiler)" }, () => {
  const viaProtoc = mkdtempSync(join(tmpdir(), "tsgrpc-protoc-"));
  const viaGen = mkdtempSync(join(tmpdir(), "tsgrpc-gen-"));
  const p = spawnSync("protoc", [`--plugin=protoc-gen-tsgrpc=${plugin}`, `--tsgrpc_out=${viaProtoc}`, "-I", example, "user_service.proto"], { encoding: "utf8" });
  assert.equal(p.status, 0, p.stderr);
  const g = spawnSync(process.execPath, [tsgrpc, "gen", "-I", example, "--out", viaGen, "user_service.proto"], { encoding: "utf8" });
  assert.equal(g.status, 0, g.stderr);
  assert.equal(readFileSync(join(viaProtoc, "user_service_pb.ts"), "utf8"), readFileSync(join(viaGen, "user_service_pb.ts"), "utf8"));
});

test("tsgrpc compile reports schema errors as file:line:col and exits 1, without a stack trace", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-bad-"));
  const file = join(dir, "bad.proto");
  spawnSync("sh", ["-c", `printf 'syntax = "proto3";\\nmessage M { Nope x = 1; }\\n' > ${file}`]);
  const r = spawnSync(process.execPath, [tsgrpc, "compile", "-I", dir, "--descriptor_set_out=-", "bad.proto"], { encoding: "utf8" });
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'bad.proto:2:13: "Nope" is not defined.\n');
});

test("tsgrpc with an unknown command or missing arguments prints usage and exits 2", () => {
  assert.equal(spawnSync(process.execPath, [tsgrpc, "frobnicate"]).status, 2);
  assert.equal(spawnSync(process.execPath, [tsgrpc, "gen", "x.proto"]).status, 2);
  const help = spawnSync(process.execPath, [tsgrpc, "--help"], { encoding: "utf8" });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /tsgrpc compile -I DIR/);
});
