import { test } from "node:test";
import assert from "node:assert/strict";
import { growth, soak, table } from "./soak/soak.js";

// A short soak (`npm run soak -- --minutes N` is the long one): every RPC kind, errors, deadlines, cancels and gRPC-Web
// mixed against one server process for 20 s. The server's heap after a full GC, and its handles, must not grow after
// the warm-up beyond what noise explains; every call must end as the mix expects.
test("soak: 20 s of mixed calls; the server's heap and handles stay flat, every call ends as expected", { timeout: 120_000 }, async () => {
  const { samples, counts } = await soak({ durationMs: 20_000, sampleEveryMs: 4_000 });
  const g = growth(samples);
  console.log(`# ${table(samples).split("\n").join("\n# ")}\n# growth: ${JSON.stringify(g)}; calls: ${JSON.stringify(counts.calls)}`);
  assert.deepEqual(counts.unexpected, []);
  assert.ok(Object.keys(counts.calls).length === 10 && Object.values(counts.calls).every((n) => n > 10), `every kind ran: ${JSON.stringify(counts.calls)}`);
  assert.ok(g.heapMiB < 8, `the heap after GC grew ${g.heapMiB.toFixed(1)} MiB`);
  assert.ok(g.handles <= 20, `the handles grew by ${g.handles}`);
});
