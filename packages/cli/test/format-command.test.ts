import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "./run-cli.js";

// buf 1.75, a root devDependency, is the reference for the output, the diff and the exit statuses.
const buf = fileURLToPath(new URL("../../../../node_modules/.bin/buf", import.meta.url));
const noBuf = existsSync(buf) ? false : `no buf binary at ${buf} (npm ci installs it as a devDependency)`;

const UNFORMATTED = 'syntax="proto3";\npackage  p;\nimport "b.proto";\nimport "a.proto";\n// A message.\nmessage   M { int32 a=1; // trailing\n  repeated string b = 2 [deprecated=true, json_name="B"]; }\n';

function scratch(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-format-cli-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function runBuf(args: string[], cwd: string) {
  const r = spawnSync(buf, args, { cwd, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The diff without its two time stamps (both sides carry the time of the run). */
const withoutTimes = (diff: string) => diff.replace(/^(---|\+\+\+) (\S+)\t.*$/gm, "$1 $2");

test("tsgrpc format FILE prints what buf format prints; --exit-code gives 100 for an unformatted file, as buf", { skip: noBuf }, async () => {
  const dir = scratch({ "m.proto": UNFORMATTED });
  try {
    const file = join(dir, "m.proto");
    const ours = await runCli(["format", file]);
    const theirs = runBuf(["format", file], dir);
    assert.equal(ours.code, 0, ours.err);
    assert.equal(ours.out, theirs.out);
    assert.equal((await runCli(["format", "--exit-code", file])).code, 100);
    assert.equal(runBuf(["format", "--exit-code", file], dir).code, 100);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("tsgrpc format --diff prints buf's unified diff (diff -u FILE.orig FILE), nothing for a formatted file", { skip: noBuf }, async () => {
  const dir = scratch({ "m.proto": UNFORMATTED });
  try {
    const ours = await runCli(["format", "--diff", "m.proto"], "", undefined, dir);
    const theirs = runBuf(["format", "--diff", "m.proto"], dir);
    assert.equal(ours.code, 0, ours.err);
    assert.match(ours.out, /^diff -u m\.proto\.orig m\.proto\n--- m\.proto\.orig\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} [+-]\d{4}\n\+\+\+ m\.proto\t/);
    assert.equal(withoutTimes(ours.out), withoutTimes(theirs.out));
    assert.equal((await runCli(["format", "-d", "--exit-code", "m.proto"], "", undefined, dir)).code, 100);
    writeFileSync(join(dir, "m.proto"), runBuf(["format", "m.proto"], dir).out);
    const clean = await runCli(["format", "-d", "--exit-code", "m.proto"], "", undefined, dir);
    assert.deepEqual([clean.code, clean.out], [0, ""]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("tsgrpc format -w rewrites the .proto files of a folder in place, as buf format -w does", { skip: noBuf }, async () => {
  const ours = scratch({ "m.proto": UNFORMATTED, "n.proto": 'syntax = "proto2";\nmessage N {optional int32 x = 1;}\n', "notes.txt": "not a schema  \n" });
  const theirs = mkdtempSync(join(tmpdir(), "tsgrpc-format-cli-"));
  try {
    cpSync(ours, theirs, { recursive: true });
    const run = await runCli(["format", "-w", ours]);
    assert.deepEqual([run.code, run.out], [0, ""], run.err);
    assert.equal(runBuf(["format", "-w", theirs], theirs).code, 0);
    for (const f of ["m.proto", "n.proto", "notes.txt"]) assert.equal(readFileSync(join(ours, f), "utf8"), readFileSync(join(theirs, f), "utf8"), f);
    assert.equal((await runCli(["format", "-w", "--exit-code", ours])).code, 0);
  } finally {
    rmSync(ours, { recursive: true, force: true });
    rmSync(theirs, { recursive: true, force: true });
  }
});

test("a file that does not parse: its diagnostics as compile prints them, exit 1, and no file of the run is written", async () => {
  const good = 'syntax="proto3";\nmessage   N {}\n';
  const dir = scratch({ "bad.proto": 'syntax = "proto3";\nmessage M {\n  int32 a = 1\n}\n', "good.proto": good });
  try {
    const run = await runCli(["format", "-w", dir]);
    assert.equal(run.code, 1);
    assert.match(run.err, /bad\.proto:4:1: expected ";"/);
    assert.equal(readFileSync(join(dir, "good.proto"), "utf8"), good);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("tsgrpc format: an unknown flag is a usage error; a missing file is a failure", async () => {
  assert.equal((await runCli(["format", "--frobnicate"])).code, 2);
  const missing = await runCli(["format", "/nonexistent/x.proto"]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /x\.proto/);
});
