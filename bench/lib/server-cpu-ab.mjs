// Server CPU per call, A/B: GetUser against several tsgrpc server processes (variants) side by side in one run. The
// servers on core 0, h2load on core 1; each server's answer checked once, a warm-up, then the measured runs
// round-robin across the servers (starting one further each run, so that a slow stretch of the shared machine hurts
// each alike); CPU from /proc per call, each figure the median of the runs. Used by otel.mjs and stats.mjs.
import { h2load } from "./h2load.mjs";
import { fetchOnce } from "./preflight.mjs";
import { cpuSeconds, startServer } from "./process.mjs";
import { median } from "./stats.mjs";

const SERVER_CPU = 0;
const LOAD_CPU = 1;

/**
 * `variants`: [label, server module (bench/servers/NAME.mjs), startServer options]; `target`: the scenario's request
 * (with its headers); `shape`: connections and streams. Returns the result table's lines, the first variant the base.
 */
export async function serverCpuAb({ variants, target, shape, n, runs, port, baseName }) {
  const servers = [];
  try {
    for (const [i, [label, module, options]] of variants.entries()) {
      const server = await startServer(module, port + i, SERVER_CPU, options ?? {});
      servers.push(server);
      const answer = await fetchOnce(port + i, target, false);
      if (answer.status !== "0" || !target.ok(answer.body)) throw new Error(`${label} gave a wrong answer (status ${answer.status})`);
      const load = { url: `http://127.0.0.1:${port + i}${target.path}`, body: target.body, headers: target.headers, clients: shape.clients, streams: shape.streams };
      const check = (r, requests) => {
        if (r.failed || r.data !== requests * answer.body.length) throw new Error(`${label} answered errors: ${r.succeeded}/${requests} (${r.statuses})`);
      };
      Object.assign(server, { label, load, check, usPerCall: [], rates: [] });
    }
    const warmUp = Math.ceil(n / 5);
    for (const s of servers) s.check(await h2load({ ...s.load, n: warmUp }, { cpu: LOAD_CPU }), warmUp);
    for (let r = 0; r < runs; r++) {
      for (let k = 0; k < servers.length; k++) {
        const s = servers[(r + k) % servers.length];
        const before = cpuSeconds(s.pid);
        const result = await h2load({ ...s.load, n }, { cpu: LOAD_CPU });
        s.check(result, n);
        s.usPerCall.push(((cpuSeconds(s.pid) - before) / n) * 1e6);
        s.rates.push(result.rate);
      }
    }
    const base = median(servers[0].usPerCall);
    return [
      `GetUser, ${shape.clients} connections x ${shape.streams} streams, ${n} calls per run, median of ${runs} (${new Date().toISOString()})`,
      "",
      `| server | CPU µs per call (median) | vs ${baseName} | runs (µs per call) | calls/s (median) |`,
      "| --- | --- | --- | --- | --- |",
      ...servers.map((s) => {
        const us = median(s.usPerCall);
        return `| ${s.label} | ${us.toFixed(2)} | ${((us / base - 1) * 100).toFixed(1)}% | ${s.usPerCall.map((v) => v.toFixed(2)).join(", ")} | ${Math.round(median(s.rates))} |`;
      }),
    ];
  } finally {
    for (const s of servers) await s.stop();
  }
}
