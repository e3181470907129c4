/**
 * Differential breaking: a schema (breaking-schema.ts) changed one way at a time, checked by `buf breaking --against`
 * (buf 1.75) and by tsgrpc's breaking() under buf's defaults, each v2 category (FILE, PACKAGE, WIRE_JSON, WIRE) and
 * every rule of v1: the same findings (file, line, column, end, rule, message). buf's outputs are cached
 * in the temp dir and fetched several at a time.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { breaking, breakingRulesFor, defaultBreakingConfig, parseBufYaml, type BreakingFileInput, type LintFinding } from "@tsgrpc/compiler";
import { BASE, EDITIONS_BASE, EDITIONS_MUTATIONS, MUTATIONS, type Files } from "./breaking-schema.js";
import { breakingArgs, breakingKey, bufBreaking, bufMissing, compileTree, prefetchBuf, writeTree, type BufFinding } from "./lint-harness.js";

const skip = bufMissing;

const every = (version: "v1" | "v2") => breakingRulesFor(version).filter((r) => !r.replacedBy).map((r) => r.id);
/**
 * The configs each mutation is checked under (undefined: no --config, buf's defaults): every v2 category but CSR
 * (whose rules are all in the others; category membership is held to buf's listing in breaking-config.test.ts), and
 * every rule of v1, whose deprecated IDs and categories differ.
 */
const CONFIGS: (string | undefined)[] = [
  undefined,
  ...["FILE", "PACKAGE", "WIRE_JSON", "WIRE"].map((c) => JSON.stringify({ version: "v2", breaking: { use: [c] } })),
  JSON.stringify({ version: "v1", breaking: { use: every("v1") } }),
];

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A pair dir (current/ and previous/) per mutated schema. */
const pairs = new Map<string, string>();
function pairOf(current: Files, previous: Files = BASE): string {
  const k = JSON.stringify([current, previous]);
  let dir = pairs.get(k);
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), "tsgrpc-breaking-mut-"));
    dirs.push(dir);
    writeTree(join(dir, "current"), current);
    writeTree(join(dir, "previous"), previous);
    pairs.set(k, dir);
  }
  return dir;
}

const theirKey = (f: BufFinding) => breakingKey(f.path, f.start_line, f.start_column, f.end_line ?? 0, f.end_column ?? 0, f.type, f.message);
const ourKey = (f: LintFinding) => breakingKey(f.file, f.line, f.column, f.endLine, f.endColumn, f.rule, f.message);

/** tsgrpc's findings for a pair dir under a config (buf.yaml text, or buf's defaults). */
const compiled = new Map<string, BreakingFileInput[]>();
const compileOnce = (root: string, files: Files) => compiled.get(root) ?? compiled.set(root, compileTree(root, Object.keys(files).sort())).get(root)!;
export function ours(current: Files, previous: Files, dir: string, config: string | undefined): LintFinding[] {
  const cfg = config === undefined ? defaultBreakingConfig("v1") : parseBufYaml(config).modules[0]!.breaking;
  return breaking(compileOnce(join(dir, "current"), current), compileOnce(join(dir, "previous"), previous), cfg);
}

before(async () => {
  if (skip) return;
  const schemas: [Files, Files][] = [BASE, ...MUTATIONS.map((m) => m.mutate(BASE))].map((f) => [f, BASE]);
  schemas.push(...[EDITIONS_BASE, ...EDITIONS_MUTATIONS.map((m) => m.mutate(EDITIONS_BASE))].map((f): [Files, Files] => [f, EDITIONS_BASE]));
  const jobs = schemas.flatMap(([files, previous]) => {
    const dir = pairOf(files, previous);
    return CONFIGS.map((c) => ({ dir: join(dir, "current"), args: breakingArgs(c), also: [join(dir, "previous")] }));
  });
  await prefetchBuf(jobs);
});

/** The rules buf reported across the mutations. */
const fired = new Set<string>();

function check(current: Files, what: string, previous: Files = BASE): number {
  const dir = pairOf(current, previous);
  let total = 0;
  for (const config of CONFIGS) {
    const found = bufBreaking(dir, config);
    for (const f of found) fired.add(f.type);
    const theirs = found.map(theirKey).sort();
    const mine = ours(current, previous, dir, config).map(ourKey).sort();
    assert.deepEqual(mine, theirs, `${what} under ${config ?? "buf's defaults"}`);
    total += theirs.length;
  }
  return total;
}

test("breaking mutations: the schema against itself has no findings, in buf and in tsgrpc", { skip }, () => {
  assert.equal(check(BASE, "unchanged"), 0);
});

for (const m of MUTATIONS) {
  test(`breaking mutation: ${m.name}`, { skip }, () => {
    assert.ok(check(m.mutate(BASE), m.name) > 0, `${m.name}: buf finds nothing under any config; the mutation breaks nothing`);
  });
}

test("breaking mutations: the editions schema against itself has no findings", { skip }, () => {
  assert.equal(check(EDITIONS_BASE, "editions unchanged", EDITIONS_BASE), 0);
});

for (const m of EDITIONS_MUTATIONS) {
  test(`breaking mutation: ${m.name}`, { skip }, () => {
    const total = check(m.mutate(EDITIONS_BASE), m.name, EDITIONS_BASE);
    if (m.safe) assert.equal(total, 0, `${m.name}: buf finds this safe change breaking`);
    else assert.ok(total > 0, `${m.name}: buf finds nothing under any config; the mutation breaks nothing`);
  });
}

test("breaking mutations: between them, the mutations make every rule fire", { skip }, () => {
  const silent = breakingRulesFor("v2").filter((r) => !r.replacedBy && !fired.has(r.id)).map((r) => r.id);
  assert.deepEqual(silent, [], "rules no mutation makes buf report");
});
