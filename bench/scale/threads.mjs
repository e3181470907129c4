// The multi-core mode: node:cluster (main.js --workers 2) against worker threads (threads-server.mjs, both hand-offs)
// and against 1 process, on GetUser throughput (h2load, 4 connections x 32 streams), SQLite store (each setup its own
// file: nothing but the server's own CPU in the way). Runs taken round-robin across the setups.
//   node bench/scale/threads.mjs [--runs 3] [-n 40000] [--pin split|none] [--db sqlite|postgres] [--json FILE]
// --pin split: servers on core 0, h2load on core 1 (the CPU each setup spends per call, and the overhead of the
// hand-off); --pin none: nothing pinned (what two workers get out of two cores that h2load also needs).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { h2load } from "../lib/h2load.mjs";
import { fetchOnce, unframe } from "../lib/preflight.mjs";
import { tsgrpc as pb } from "../lib/schema.mjs";
import { median } from "../lib/stats.mjs";
import { frame } from "../servers/bare.mjs";
import { startPostgres } from "./postgres.mjs";
import { cpuSeconds, startService, treeCpu } from "./servers.mjs";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" }, n: { type: "string", default: "40000" }, pin: { type: "string", default: "split" }, db: { type: "string", default: "sqlite" }, json: { type: "string" } } });
const RUNS = Number(values.runs), N = Number(values.n);
const [SERVER_CPU, LOAD_CPU] = values.pin === "split" ? [0, 1] : [undefined, undefined];
const THREADS = fileURLToPath(new URL("threads-server.mjs", import.meta.url));

const dir = mkdtempSync(join(tmpdir(), "tsgrpc-threads-"));
const pg = values.db === "postgres" ? await startPostgres({ cpu: SERVER_CPU }) : undefined;
const stops = [];
const cleanup = async () => {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  pg?.destroy();
  rmSync(dir, { recursive: true, force: true });
};
process.on("SIGINT", () => cleanup().then(() => process.exit(130)));

try {
  const dbOf = (name) => pg?.url ?? join(dir, `${name}.db`);
  const start = async (args, script) => {
    const s = await startService(args, { cpu: SERVER_CPU, script });
    stops.push(s.stop);
    return s;
  };
  const setups = [];
  setups.push({ name: "1 process", server: await start(["--db", dbOf("one")]) });
  setups.push({ name: "node:cluster, 2 workers", server: await start(["--db", dbOf("cluster"), "--workers", "2"]) });
  setups.push({ name: "worker threads, 2 (bytes over MessagePort)", server: await start(["--db", dbOf("bytes"), "--threads", "2", "--handoff", "bytes"], THREADS) });
  setups.push({ name: "worker threads, 2 (descriptor hand-off)", server: await start(["--db", dbOf("fd"), "--threads", "2", "--handoff", "fd"], THREADS) });

  const target = { path: "/userservice.UserService/GetUser", body: join(dir, "get-user.bin"), headers: ["content-type: application/grpc", "te: trailers"] };
  writeFileSync(target.body, frame(pb.GetUserRequest.encode({ id: 1 })));
  for (const s of setups) {
    const { status, body } = await fetchOnce(s.server.port, target);
    const messages = unframe(body);
    if (status !== "0" || messages.length !== 1 || pb.GetUserResponse.decode(messages[0]).user?.username !== "alice") throw new Error(`${s.name}: wrong GetUser answer (status ${status})`);
    s.bytes = body.length;
  }
  // The main thread (threads) or the primary (cluster), alone: what every call or connection must pass through.
  const mainCpu = (pid) => cpuSeconds(pid, pid);
  async function run(s, n) {
    const cpu0 = treeCpu([s.server.pid]), main0 = mainCpu(s.server.pid);
    const r = await h2load({ url: `http://127.0.0.1:${s.server.port}${target.path}`, n, clients: 4, streams: 32, body: target.body, headers: target.headers }, { cpu: LOAD_CPU });
    if (r.failed || r.data !== r.succeeded * s.bytes) throw new Error(`${s.name}: answers not all right (${r.failed} failed)`);
    return { rate: r.rate, p50Ms: r.p50Ms, p99Ms: r.p99Ms, serverUs: ((treeCpu([s.server.pid]) - cpu0) * 1e6) / n, mainUs: ((mainCpu(s.server.pid) - main0) * 1e6) / n };
  }
  for (const s of setups) await run(s, Math.ceil(N / 5));
  const results = Object.fromEntries(setups.map((s) => [s.name, []]));
  for (let r = 0; r < RUNS; r++) for (let k = 0; k < setups.length; k++) {
    const s = setups[(k + r) % setups.length];
    results[s.name].push(await run(s, N));
  }
  const m = (runs, key) => median(runs.map((x) => x[key]));
  const base = results["1 process"];
  console.log("| setup | GetUser calls/s | / 1 process | p50 / p99 ms | server CPU per call | of which main thread / primary |\n|---|---:|---:|---:|---:|---:|");
  for (const s of setups) {
    const runs = results[s.name];
    console.log(`| ${s.name} | ${Math.round(m(runs, "rate")).toLocaleString("en")} | ${(m(runs, "rate") / m(base, "rate")).toFixed(2)}x | ${m(runs, "p50Ms").toFixed(1)} / ${m(runs, "p99Ms").toFixed(1)} | ${m(runs, "serverUs").toFixed(1)} µs | ${s.name === "1 process" ? "(all)" : `${m(runs, "mainUs").toFixed(1)} µs`} |`);
  }
  console.log(`\n${RUNS} runs of ${N} calls (h2load, 4 connections x 32 streams); store ${values.db}; pin ${values.pin}`);
  if (values.json) writeFileSync(values.json, JSON.stringify({ runs: RUNS, n: N, pin: values.pin, db: values.db, results }, null, 2));
} finally {
  await cleanup();
}
