import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// Schemas written to hit the corners of the language (comments everywhere, tabs and UTF-8 in positions, every kind of
// default, aggregate options, groups in oneofs, nested extensions, reserved ranges, synthetic oneof name clashes),
// compiled by protoc and by tsgrpc and compared by the shared corpus check, source info included.
const protos = fileURLToPath(new URL("../../test/protos", import.meta.url));
const check = fileURLToPath(new URL("../../../../../shared/corpus/check-descriptors.mjs", import.meta.url));
const cli = fileURLToPath(new URL("../../../cli/bin/tsgrpc.js", import.meta.url));
const systemInclude = "/usr/include"; // where Debian's protoc keeps the well-known types
const ready = spawnSync("protoc", ["--version"]).status === 0 && existsSync(join(systemInclude, "google/protobuf/descriptor.proto"));
const skip = !ready ? "protoc is not installed (Debian: protobuf-compiler)" : !existsSync(check) ? "no shared corpus check script (it comes with the shared workspace folder)" : false;

test("edge-case schemas give protoc's exact descriptor sets, source info included", { skip, timeout: 120_000 }, () => {
  const corpus = mkdtempSync(join(tmpdir(), "tsgrpc-edge-"));
  mkdirSync(join(corpus, "protos"), { recursive: true });
  mkdirSync(join(corpus, "descriptors"));
  cpSync(protos, join(corpus, "protos/edge"), { recursive: true });
  // Both compilers read the same well-known types: protoc's own copies.
  symlinkSync(systemInclude, join(corpus, "protos/system"));
  const roots = readdirSync(protos).filter((f) => !f.endsWith("_dep.proto") && !f.endsWith("_weak.proto"));
  const manifest = roots.map((file) => {
    const out = join(corpus, "descriptors", file.replace(/\.proto$/, ".pb"));
    const run = spawnSync("protoc", ["-I", join(corpus, "protos/edge"), "-I", join(corpus, "protos/system"), "--include_imports", "--include_source_info", `--descriptor_set_out=${out}`, file], { encoding: "utf8" });
    assert.equal(run.status, 0, `protoc rejected ${file}: ${run.stderr}`);
    return { file, include: ["protos/edge", "protos/system"], descriptors: `descriptors/${file.replace(/\.proto$/, ".pb")}` };
  });
  writeFileSync(join(corpus, "corpus.json"), JSON.stringify(manifest));
  for (const flags of [[], ["--source-info"]]) {
    const run = spawnSync(process.execPath, [check, "--corpus", corpus, "--verbose", ...flags, "--", process.execPath, cli, "compile"], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stdout + run.stderr);
  }
});
