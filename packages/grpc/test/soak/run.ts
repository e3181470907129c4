#!/usr/bin/env node
// npm run soak -- [--minutes N] [--concurrency C]: the mixed load of soak-load.ts against one server process for N
// minutes (default 1), a sample of the server per minute (per 10 s in runs under 6 minutes): RSS, heap after a full
// GC, handles, event-loop delay. Exits 1 when the heap grew more than 16 MiB or the handles by more than 20 from the
// first sample after warm-up to the last, or when any call ended otherwise than the mix expects.
import { parseArgs } from "node:util";
import { growth, soak, table } from "./soak.js";

const { values } = parseArgs({ options: { minutes: { type: "string", default: "1" }, concurrency: { type: "string", default: "16" } } });
const minutes = Number(values.minutes);
if (!(minutes > 0)) {
  console.error(`--minutes must be a positive number, not "${values.minutes}"`);
  process.exit(2);
}
const durationMs = minutes * 60_000;
const { samples, counts } = await soak({ durationMs, sampleEveryMs: minutes < 6 ? 10_000 : 60_000, concurrency: Number(values.concurrency) });
console.log(table(samples));
const total = Object.values(counts.calls).reduce((a, b) => a + b, 0);
console.log(`\n${total} calls in ${minutes} min: ${Object.entries(counts.calls).map(([k, n]) => `${k} ${n}`).join(", ")}`);
const g = growth(samples);
console.log(`growth after warm-up: heap ${g.heapMiB.toFixed(1)} MiB, RSS ${g.rssMiB.toFixed(1)} MiB, handles ${g.handles}`);
const failures = [...counts.unexpected, ...(g.heapMiB > 16 ? [`the heap grew ${g.heapMiB.toFixed(1)} MiB`] : []), ...(g.handles > 20 ? [`the handles grew by ${g.handles}`] : [])];
for (const f of failures) console.error(`FAIL: ${f}`);
process.exit(failures.length > 0 ? 1 : 0);
