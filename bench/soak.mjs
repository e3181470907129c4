// Back-to-back GetUser loads against one server, each round with what V8's garbage collector did during it: the check
// that showed finished calls kept alive by per-call Maps and Sets (bench/README.md, "Run to run"). A healthy server
// keeps its rate from round to round and almost nothing of its young generation survives a scavenge.
//   npm run bench:soak -- [NAME] [--rounds 12] [-n 100000]     NAME: a bench:server name (default tsgrpc)
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { h2load } from "./lib/h2load.mjs";
import { startServer } from "./lib/process.mjs";
import { scenarios } from "./lib/scenarios.mjs";
import { formatRate, median } from "./lib/stats.mjs";

const PORT = 50300;
const { values, positionals } = parseArgs({ allowPositionals: true, options: { rounds: { type: "string", default: "12" }, n: { type: "string", default: "100000" } } });
const name = positionals[0] ?? "tsgrpc";
const rounds = Number(values.rounds);
const n = Number(values.n);

/** V8's `--trace-gc-nvp` lines (name=value pairs), collected as the server prints them. */
const gcEvents = [];
let partial = "";
const onOutput = (text) => {
  const lines = (partial + text).split("\n");
  partial = lines.pop() ?? "";
  for (const line of lines) {
    if (!line.includes(" gc=")) continue;
    gcEvents.push(Object.fromEntries([...line.matchAll(/([\w.]+)=([^ ]+)/g)].map((m) => [m[1], m[2]])));
  }
};

const scenario = scenarios(join(tmpdir(), "tsgrpc-bench-bodies")).find((s) => s.id === "get-user");
const server = await startServer(name, PORT, 0, { nodeArgs: ["--trace-gc-nvp"], onOutput });
try {
  const load = { url: `http://127.0.0.1:${PORT}${scenario.grpc.path}`, body: scenario.grpc.body, headers: scenario.grpc.headers, clients: scenario.clients, streams: scenario.streams };
  console.log(`${name}: ${rounds} rounds of ${n} GetUser calls (h2load, ${scenario.clients} connections x ${scenario.streams} streams; server on core 0, load on core 1)`);
  console.log("| round | req/s | scavenges | young generation surviving (mean) | mean scavenge pause | full GCs |");
  console.log("|---:|---:|---:|---:|---:|---:|");
  const rates = [];
  for (let round = 1; round <= rounds; round++) {
    const first = gcEvents.length;
    const result = await h2load({ ...load, n }, { cpu: 1 });
    if (result.failed) throw new Error(`${result.failed} calls failed in round ${round}`);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the trace lines of the round's last collections
    const events = gcEvents.slice(first);
    const scavenges = events.filter((e) => e.gc === "s");
    const mean = (key) => scavenges.reduce((sum, e) => sum + parseFloat(e[key]), 0) / Math.max(1, scavenges.length);
    rates.push(result.rate);
    console.log(`| ${round} | ${formatRate(result.rate)} | ${scavenges.length} | ${mean("new_space_survive_rate_").toFixed(1)}% | ${mean("pause").toFixed(2)} ms | ${events.length - scavenges.length} |`);
  }
  const sorted = [...rates].sort((a, b) => a - b);
  console.log(`median ${formatRate(median(rates))} req/s, slowest round ${formatRate(sorted[0])}, fastest ${formatRate(sorted.at(-1))}`);
} finally {
  await server.stop();
}
