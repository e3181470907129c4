import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { runCliIn } from "./lint-run.js";

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-lint-cli-"));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

const GOOD = 'syntax = "proto3";\n\npackage a.v1;\n\n// Thing is a thing.\nmessage Thing {\n  // Its id.\n  string id = 1;\n}\n';

test("tsgrpc lint: a clean module exits 0 and prints nothing; a finding exits 100", async () => {
  const dir = tree({ "a/v1/a.proto": GOOD });
  assert.deepEqual(await runCliIn(dir, ["lint"]), { code: 0, out: "", err: "" });
  const bad = tree({ "a/v1/a.proto": GOOD.replace("string id", "string Id") });
  assert.deepEqual(await runCliIn(bad, ["lint"]), { code: 100, out: 'a/v1/a.proto:8:10:Field name "Id" should be lower_snake_case, such as "id".\n', err: "" });
  // The directory as an argument: paths as given, relative to the current directory.
  assert.equal((await runCliIn(dirname(bad), ["lint", bad.split("/").pop()!])).out.split(":")[0], `${bad.split("/").pop()}/a/v1/a.proto`);
});

test("tsgrpc lint: files that do not compile give compile's diagnostics and exit 1, with no partial report", async () => {
  const dir = tree({ "a/v1/a.proto": GOOD.replace("string Id", "x"), "a/v1/b.proto": 'syntax = "proto3";\npackage a.v1;\nmessage B { int32 x = 1 }\n' });
  const r = await runCliIn(dir, ["lint"]);
  assert.deepEqual(r, { code: 1, out: "", err: 'a/v1/b.proto:3:25: Expected ";".\n' });
});

test("tsgrpc lint: buf.yaml errors name the key or rule and exit 1", async () => {
  const dir = tree({ "buf.yaml": "version: v2\nlint:\n  use: [STANDARD, COMMENT]\n", "a/v1/a.proto": GOOD });
  const r = await runCliIn(dir, ["lint"]);
  assert.equal(r.code, 1);
  assert.match(r.err, /buf\.yaml: lint\.use: unknown rule or category "COMMENT"; did you mean "COMMENTS"\?/);
  const r2 = await runCliIn(dir, ["lint", "--config", '{"version":"v2","lint":{"enum_zero_suffix":"_X"}}']);
  assert.equal(r2.code, 1);
  assert.match(r2.err, /unknown key "enum_zero_suffix"/);
  const r3 = await runCliIn(dir, ["lint", "--error-format", "xml"]);
  assert.equal(r3.code, 2);
});
