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
import { scenarios } from "./lib/scenarios.mjs";
import { serverCpuAb } from "./lib/server-cpu-ab.mjs";
import { median } from "./lib/stats.mjs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { ServerStats } from "../packages/grpc/dist/src/server/server-stats.js";

const { values } = parseArgs({ options: { before: { type: "string" }, n: { type: "string", default: "100000" }, runs: { type: "string", default: "3" } } });
if (!values.before) throw new Error("--before DIR is needed: a build of the tree before the stats");
const n = Number(values.n);
const RUNS = Number(values.runs);
const PORT = 50340;
const VARIANTS = [
  ["before the stats", join(resolve(values.before), "bench")],
  ["with the stats", undefined],
];

const dir = mkdtempSync(join(tmpdir(), "tsgrpc-stats-bench-"));
const getUser = scenarios(dir).find((s) => s.id === "get-user");
const target = getUser.grpc;
try {
  const variants = VARIANTS.map(([label, benchDir]) => [label, "tsgrpc", benchDir ? { benchDir } : {}]);
  const lines = await serverCpuAb({ variants, target, shape: getUser, n, runs: RUNS, port: PORT, baseName: "before" });
  lines.push("", `The counting alone (ServerStats.started + ended, clock reads included): ${countingAloneNs().toFixed(0)} ns per call, median of 5 rounds of 5 million.`);
  console.log(lines.join("\n"));
  writeFileSync(new URL("./results/stats.md", import.meta.url), lines.join("\n") + "\n");
} finally {
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
