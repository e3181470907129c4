// What server.stats()'s counting costs a server (issue 22): GetUser's server CPU per call, the tsgrpc server of a
// build from before the stats (--before DIR: a checkout of the commit before them, built with `npx tsc -b
// packages/grpc`, its node_modules copied from this tree) against this tree's, side by side in one run: two server
// processes on core 0, h2load on core 1, the measured runs round-robin across them, each number the median of the runs.
// Then the counting alone, in this process: what the server does per call (a clock read as the call starts and as it
// ends, the counters, the histogram's bucket), 5 million times, median of 5 rounds.
//   node bench/stats.mjs --before DIR [--n 100000] [--runs 3]
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { h2load } from "./lib/h2load.mjs";
import { fetchOnce } from "./lib/preflight.mjs";
import { cpuSeconds, startServer } from "./lib/process.mjs";
import { scenarios } from "./lib/scenarios.mjs";
import { median } from "./lib/stats.mjs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { ServerStats } from "../packages/grpc/dist/src/server/server-stats.js";

const { values } = parseArgs({ options: { before: { type: "string" }, n: { type: "string", default: "100000" }, runs: { type: "string", default: "3" } } });
if (!values.before) throw new Error("--before DIR is needed: a build of the tree before the stats");
const n = Number(values.n);
const RUNS = Number(values.runs);
const SERVER_CPU = 0;
const LOAD_CPU = 1;
const PORT = 50340;
const VARIANTS = [
  ["before the stats", join(resolve(values.before), "bench")],
  ["with the stats", undefined],
];

const dir = mkdtempSync(join(tmpdir(), "tsgrpc-stats-bench-"));
const getUser = scenarios(dir).find((s) => s.id === "get-user");
const target = getUser.grpc;
const servers = [];
try {
  for (const [i, [label, benchDir]] of VARIANTS.entries()) {
    const port = PORT + i;
    const server = await startServer("tsgrpc", port, SERVER_CPU, benchDir ? { benchDir } : {});
    servers.push(server);
    const answer = await fetchOnce(port, target, false);
    if (answer.status !== "0" || !target.ok(answer.body)) throw new Error(`${label} gave a wrong answer (status ${answer.status})`);
    const load = { url: `http://127.0.0.1:${port}${target.path}`, body: target.body, headers: target.headers, clients: getUser.clients, streams: getUser.streams };
    const check = (r, requests) => {
      if (r.failed || r.data !== requests * answer.body.length) throw new Error(`${label} answered errors: ${r.succeeded}/${requests} (${r.statuses})`);
    };
    Object.assign(server, { label, load, check, usPerCall: [], rates: [] });
  }
  const warmUp = Math.ceil(n / 5);
  for (const s of servers) s.check(await h2load({ ...s.load, n: warmUp }, { cpu: LOAD_CPU }), warmUp);
  for (let r = 0; r < RUNS; r++) {
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
  const lines = [
    `GetUser, ${getUser.clients} connections x ${getUser.streams} streams, ${n} calls per run, median of ${RUNS} (${new Date().toISOString()})`,
    "",
    "| server | CPU µs per call (median) | vs before | runs (µs per call) | calls/s (median) |",
    "| --- | --- | --- | --- | --- |",
    ...servers.map((s) => {
      const us = median(s.usPerCall);
      return `| ${s.label} | ${us.toFixed(2)} | ${((us / base - 1) * 100).toFixed(1)}% | ${s.usPerCall.map((v) => v.toFixed(2)).join(", ")} | ${Math.round(median(s.rates))} |`;
    }),
  ];
  lines.push("", `The counting alone (ServerStats.started + ended, clock reads included): ${countingAloneNs().toFixed(0)} ns per call, median of 5 rounds of 5 million.`);
  console.log(lines.join("\n"));
  writeFileSync(new URL("./results/stats.md", import.meta.url), lines.join("\n") + "\n");
} finally {
  for (const s of servers) await s.stop();
  rmSync(dir, { recursive: true, force: true });
}

function countingAloneNs() {
  const stats = new ServerStats();
  const method = stats.forMethod("/userservice.UserService/GetUser");
  const rounds = [];
  for (let r = 0; r < 5; r++) {
    const calls = 5_000_000;
    const start = process.cpuUsage();
    for (let i = 0; i < calls; i++) {
      const startedAt = performance.now();
      stats.started(method, startedAt);
      stats.ended(method, 0, startedAt);
    }
    const used = process.cpuUsage(start);
    rounds.push(((used.user + used.system) * 1000) / calls);
  }
  return median(rounds);
}
