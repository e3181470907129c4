/**
 * Differential lint over the shared corpus: tsgrpc lint and buf lint (1.75) give the same set of
 * (file, line, column, rule) for every category and for every rule alone, on the corpus's root files.
 */
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { LINT_RULES } from "@tsgrpc/compiler";
import { bufLint, bufRun, type BufFinding, bufMissing, CLI, key, Workspace } from "./lint-harness.js";
import { corpusConfig, corpusMissing, corpusWorkspace } from "./corpus-workspace.js";

const skip = bufMissing || corpusMissing;

let dir = "";
let ws: Workspace;
let excluded: string[] = [];

before(() => {
  if (skip) return;
  const corpus = corpusWorkspace();
  ({ dir, excluded } = corpus);
  ws = new Workspace(dir, corpus.modules);
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const v2 = (lint: object) => corpusConfig(lint);

function compare(config: string, what: string, withMessages = false, bufFindings?: BufFinding[]) {
  const theirs = new Set((bufFindings ?? bufLint(dir, config)).map((f) => key(f.path, f.start_line, f.start_column, f.type, withMessages ? f.message : undefined)));
  const ours = new Set(ws.lint(config).map((f) => key(f.path, f.start_line, f.start_column, f.type, withMessages ? f.message : undefined)));
  const missing = [...theirs].filter((k) => !ours.has(k));
  const extra = [...ours].filter((k) => !theirs.has(k));
  assert.deepEqual({ missing: missing.slice(0, 20), extra: extra.slice(0, 20), counts: [missing.length, extra.length] }, { missing: [], extra: [], counts: [0, 0] }, `${what}: ${theirs.size} buf findings, ${ours.size} ours`);
  return theirs.size;
}

const CATEGORIES = ["MINIMAL", "BASIC", "STANDARD", "DEFAULT", "COMMENTS", "UNARY_RPC"];

test("lint corpus: every category, tsgrpc = buf (file, line, column, rule and message)", { skip, timeout: 120_000 }, () => {
  const counts: string[] = [];
  for (const c of CATEGORIES) counts.push(`${c} ${compare(v2({ use: [c] }), c, true)}`);
  console.log(`corpus: ${ws.modules.reduce((n, m) => n + m.files.length, 0)} files; buf findings per category: ${counts.join(", ")}; left out (buf cannot build them): ${excluded.join(", ") || "none"}`);
});

test("lint corpus: every rule alone, tsgrpc = buf", { skip, timeout: 240_000 }, () => {
  // IMPORT_NO_WEAK is deprecated and checks nothing; buf 1.75 fails ("resultRules was empty") when it is the only rule.
  const v2Rules = LINT_RULES.filter((r) => r.categories.v2 !== undefined && !r.deprecated);
  // tsgrpc runs each rule alone; buf runs once with every rule, its findings split by rule (buf's rules do not depend
  // on one another), unless TSGRPC_LINT_BUF_EACH_RULE=1 asks for one buf run per rule too (about 2-3 s each).
  const each = process.env["TSGRPC_LINT_BUF_EACH_RULE"] === "1";
  const all = each ? [] : bufLint(dir, v2({ use: v2Rules.map((r) => r.id) }));
  let total = 0;
  for (const r of v2Rules) total += compare(v2({ use: [r.id] }), r.id, false, each ? undefined : all.filter((f) => f.type === r.id));
  console.log(`corpus: ${v2Rules.length} rules compared one at a time${each ? " (buf run per rule)" : ""}, ${total} findings in all`);
});

test("lint corpus: buf's rule options, except, ignore and ignore_only, tsgrpc = buf", { skip, timeout: 120_000 }, () => {
  compare(v2({ use: ["STANDARD"], enum_zero_value_suffix: "_UNKNOWN", service_suffix: "API", rpc_allow_same_request_response: true, rpc_allow_google_protobuf_empty_requests: true }), "options");
  compare(v2({ use: ["STANDARD"], rpc_allow_google_protobuf_empty_responses: true, except: ["ENUM_VALUE_PREFIX", "BASIC"] }), "except");
  compare(v2({ use: ["STANDARD"], ignore: ["googleapis/google/api", "protobuf/google/protobuf/unittest.proto"], ignore_only: { ENUM_ZERO_VALUE_SUFFIX: ["grpc/grpc"], COMMENTS: ["protobuf/google/protobuf/compiler"] } }), "ignore");
});

test("lint corpus: v1 configs (googleapis as one v1 module, the WKTs being buf's own): defaults and every category, tsgrpc = buf", { skip, timeout: 120_000 }, () => {
  const root = join(dir, "googleapis");
  const files = ws.modules.find((m) => m.path === "googleapis")!.files;
  const v1 = new Workspace(root, [{ path: ".", files }]);
  for (const lint of [undefined, { use: ["STANDARD", "COMMENTS", "UNARY_RPC"] }]) {
    const config = JSON.stringify({ version: "v1", ...(lint ? { lint } : {}) });
    const theirs = new Set(bufLint(root, config).map((f) => key(f.path, f.start_line, f.start_column, f.type, f.message)));
    const ours = new Set(v1.lint(config).map((f) => key(f.path, f.start_line, f.start_column, f.type, f.message)));
    assert.deepEqual([...ours].filter((k) => !theirs.has(k)), [], `${config}: extra`);
    assert.deepEqual([...theirs].filter((k) => !ours.has(k)), [], `${config}: missing`);
    assert.ok(theirs.size > 0);
  }
});

test("tsgrpc lint (the CLI) prints what buf lint prints on the corpus workspace, and exits 100 as it does", { skip, timeout: 120_000 }, () => {
  const config = v2({ use: ["STANDARD", "COMMENTS"] });
  writeFileSync(join(dir, "buf.yaml"), config);
  // text and json here (github-actions is compared on the mutation schemas, which are small).
  for (const format of ["text", "json"]) {
    const theirs = bufRun(dir, ["lint", "--error-format", format]);
    const ours = spawnSync(process.execPath, [CLI, "lint", "--error-format", format], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 26 });
    assert.equal(ours.stderr, "");
    assert.equal(ours.status, theirs.status);
    assert.equal(ours.stdout, theirs.stdout, format);
  }
});
