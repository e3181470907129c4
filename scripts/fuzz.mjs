#!/usr/bin/env node
// npm run fuzz -- --minutes N [--only NAME]
// Runs the fuzz properties of every package (packages/*/dist/test/fuzz/properties.js, the ones `npm test` runs with a
// fixed seed) with random seeds until N minutes are up, the time shared equally among the properties chosen (--only:
// a property name or group, or a part of one). A counterexample is saved under fuzz/regressions/<property>/, which the
// tests replay. Prints runs, time and the slowest input per property. Build first (npm run build).
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as fc from "fast-check";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const arg = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const minutes = Number(arg("--minutes") ?? 1);
const only = arg("--only");
if (!(minutes > 0)) throw new Error("--minutes N: a positive number");

const harness = await import(pathToFileURL(join(root, "packages", "testing", "dist", "src", "fuzz-harness.js")).href);
const chosen = [];
for (const pkg of readdirSync(join(root, "packages"))) {
  const dir = join(root, "packages", pkg, "dist", "test", "fuzz");
  if (!existsSync(join(dir, "properties.js"))) continue;
  const { properties } = await import(pathToFileURL(join(dir, "properties.js")).href);
  for (const p of properties) if (!only || p.name.includes(only) || p.group.includes(only)) chosen.push({ p, harness });
}
if (chosen.length === 0) throw new Error(`no property matches ${only} (did you build?)`);
const slice = (minutes * 60_000) / chosen.length;
console.log(`fuzzing ${chosen.length} properties for ${minutes} min (${(slice / 1000).toFixed(0)} s each)`);

const report = [];
let failed = 0;
for (const { p, harness } of chosen) {
  const start = performance.now();
  let runs = 0;
  let slowest = 0;
  let slowestInput;
  const found = [];
  // Each input timed; the slowest reported (a bound on the time per input, inputs being bounded in size).
  const timed = { ...p, check: p.async
    ? async (x) => { const t = performance.now(); try { await p.check(x); } finally { note(x, performance.now() - t); } }
    : (x) => { const t = performance.now(); try { p.check(x); } finally { note(x, performance.now() - t); } } };
  const note = (x, ms) => { if (ms > slowest) { slowest = ms; slowestInput = x; } };
  while (performance.now() - start < slice) {
    const seed = (Math.random() * 2 ** 31) | 0;
    const batch = Math.max(50, p.runs);
    const details = await fc.check(harness.propertyOf(timed), { seed, numRuns: batch, includeErrorInReport: true });
    runs += details.numRuns;
    if (details.failed) {
      const file = harness.saveRegression(p.name, details.counterexample[0]);
      found.push(file);
      console.log(`\n${p.name}: FAILED (seed ${seed}), saved ${file}\n${String(details.errorInstance?.stack ?? details.error).slice(0, 2000)}\n`);
      if (found.length >= 3) break; // the same bug again and again is not news
    }
  }
  const seconds = (performance.now() - start) / 1000;
  // The slowest input once more, alone: a pause that does not come back was the machine (GC, the other process).
  let again = 0;
  if (slowestInput !== undefined) {
    const t = performance.now();
    try { await p.check(slowestInput); } catch {}
    again = performance.now() - t;
  }
  failed += found.length;
  report.push({ property: p.name, group: p.group, runs, seconds: +seconds.toFixed(1), slowestInputMs: +slowest.toFixed(1), slowestAgainMs: +again.toFixed(1), findings: found.length });
  console.log(`${p.name}: ${runs} runs in ${seconds.toFixed(1)} s, slowest input ${slowest.toFixed(1)} ms (${again.toFixed(1)} ms when run again), ${found.length} finding(s)`);
}
console.table(report);
process.exitCode = failed ? 1 : 0;
// Connections under test may hold timers: do not wait for them.
setImmediate(() => process.exit());
