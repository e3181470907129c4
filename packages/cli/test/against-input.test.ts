/**
 * `--against` inputs (directories, descriptor sets, git refs) read as buf reads them: for each, the files and their
 * import marks equal those of `buf build REF -o` on the same input; bad references are clear errors.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeDescriptorSet } from "@tsgrpc/compiler";
import { againstImages } from "../src/against-input.js";
import { BUF, bufMissing, writeTree } from "./lint-harness.js";

const A = 'syntax = "proto3";\npackage a.v1;\nimport "google/protobuf/empty.proto";\nmessage A { google.protobuf.Empty e = 1; }\n';
const B = 'syntax = "proto3";\npackage a.v1;\nmessage B { int32 x = 1; }\n';

/**
 * A repository whose main branch has a buf.yaml with module proto/ holding a/v1/{a,b}.proto (and an excluded
 * a/v1/internal/c.proto), and whose `next` branch (checked out) deleted b.proto.
 */
function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-against-repo-"));
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "init.defaultBranch=main", ...args], { cwd: dir, stdio: "pipe" });
  git("init", "-q");
  const excluded = 'syntax = "proto3";\npackage a.v1.internal;\nmessage C {}\n';
  writeTree(dir, { "buf.yaml": "version: v2\nmodules:\n  - path: proto\n    excludes: [proto/a/v1/internal]\n", "proto/a/v1/a.proto": A, "proto/a/v1/b.proto": B, "proto/a/v1/internal/c.proto": excluded, "README.md": "not a proto\n" });
  git("add", ".");
  git("commit", "-qm", "one");
  git("tag", "v1.0.0");
  git("checkout", "-qb", "next");
  git("rm", "-q", "proto/a/v1/b.proto");
  git("commit", "-qm", "two");
  return dir;
}

/** What buf builds from `ref` (run in `cwd`): each file's name, "(import)" after those it marks as imports. */
function bufFiles(cwd: string, ref: string): string[] {
  const out = join(mkdtempSync(join(tmpdir(), "tsgrpc-against-buf-")), "image.binpb");
  const run = spawnSync(BUF, ["build", ref, "-o", out], { cwd, encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return decodeDescriptorSet(readFileSync(out)).map((f) => f.proto.name! + (f.isImport ? " (import)" : ""));
}

function ourFiles(cwd: string, ref: string): string[] {
  const here = process.cwd();
  process.chdir(cwd);
  try {
    return againstImages(ref, undefined).flatMap((image) => image.map((f) => f.proto.name! + (f.isImport ? " (import)" : "")));
  } finally {
    process.chdir(here);
  }
}

const sorted = (a: string[]) => [...a].sort();

test("--against reads directories, buf images, protoc descriptor sets and git refs as buf build does", { skip: bufMissing }, () => {
  const dir = repo();
  for (const ref of ["proto", ".git#branch=main,subdir=proto", ".git#tag=v1.0.0,subdir=proto", ".git#ref=HEAD~1,subdir=proto", ".git#subdir=proto", ".git#branch=main", ".git"])
    assert.deepEqual(sorted(ourFiles(dir, ref)), sorted(bufFiles(dir, ref)), ref);
  assert.deepEqual(sorted(ourFiles(dir, ".git#branch=main")), ["a/v1/a.proto", "a/v1/b.proto", "google/protobuf/empty.proto (import)"]);
  // buf's own images keep the import marks (buf_extension); protoc's sets have none, and neither do images without imports.
  execFileSync(BUF, ["build", "proto", "-o", "image.binpb"], { cwd: dir });
  execFileSync(BUF, ["build", "proto", "--exclude-imports", "-o", "image.binpb.gz"], { cwd: dir });
  execFileSync("protoc", ["-I", "proto", "--include_imports", "-o", "protoc.pb", "a/v1/a.proto"], { cwd: dir });
  assert.deepEqual(sorted(ourFiles(dir, "image.binpb")), sorted(bufFiles(dir, "proto")));
  assert.deepEqual(ourFiles(dir, "image.binpb.gz"), ["a/v1/a.proto"]);
  assert.deepEqual(ourFiles(dir, "protoc.pb"), ["google/protobuf/empty.proto", "a/v1/a.proto"]);
});

test("--against refuses what is not an input, naming the problem", () => {
  const dir = repo();
  writeFileSync(join(dir, "junk.binpb"), "hello, not a descriptor set\n");
  writeFileSync(join(dir, "empty.binpb"), "");
  writeFileSync(join(dir, "text.gz"), "not gzip");
  const refused = (ref: string, message: RegExp) => assert.throws(() => ourFiles(dir, ref), message, ref);
  refused("nowhere.binpb", /nowhere\.binpb does not exist/);
  refused("nowhere", /nowhere does not exist/);
  refused("junk.binpb", /junk\.binpb is not a FileDescriptorSet/);
  refused("empty.binpb", /empty\.binpb is not a FileDescriptorSet: it holds no file/);
  refused("text.gz#format=binpb", /text\.gz is not gzip data/);
  refused("README.md", /cannot tell the format of README\.md; add #format=binpb/);
  refused(".git#branch=nope", /\.git has no branch "nope"/);
  refused(".git#tag=v9", /\.git has no tag "v9"/);
  refused(".git#ref=0123456789abcdef", /\.git has no ref "0123456789abcdef"/);
  refused(".git#branch=main,subdir=nothere", /\.git has no directory "nothere" at [0-9a-f]{12}/);
  refused(".git#branch=main,tag=v1.0.0", /give one of branch, tag and ref/);
  refused(".git#foo=bar", /invalid key "foo" for a git input/);
  refused("proto#subdir=a", /invalid key "subdir" for a dir input/);
  refused("proto#format=zip", /unknown format "zip"/);
  refused(`${tmpdir()}#format=git`, /is not a git repository/);
});
