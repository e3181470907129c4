import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import assert from "node:assert/strict";

// The corpus of real-world .proto files with protoc's descriptor sets lives in the workspace's shared folder,
// beside the repository; a lone clone does not have it, and then this test says so and skips.
const corpus = fileURLToPath(new URL("../../../../../shared/corpus", import.meta.url));
const check = `${corpus}/check-descriptors.mjs`;
const cli = fileURLToPath(new URL("../../../cli/bin/tsgrpc.js", import.meta.url));
const skip = existsSync(check) ? false : `no descriptor corpus at ${corpus} (it comes with the shared workspace folder)`;

for (const sourceInfo of [false, true]) {
  test(`tsgrpc compile gives protoc's descriptor sets for the whole corpus${sourceInfo ? ", source info included" : ""}`, { skip, timeout: 300_000 }, () => {
    const args = [check, "--quiet", ...(sourceInfo ? ["--source-info"] : []), "--", process.execPath, cli, "compile"];
    const run = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 26 });
    const summary = run.stdout.trim().split("\n").at(-1) ?? "";
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(summary, /^\d+ passed, 0 failed$/);
  });
}
