// GetUser and CreateUser throughput of the real UserService: SQLite 1 process, SQLite --workers 2, PostgreSQL 1
// replica, 2 replicas (round_robin over both), --workers 2; side by side, runs taken round-robin across them.
//   node bench/scale/throughput.mjs [--runs 3] [--get-n 30000] [--create-n 4000] [--pin split|none] [--only NAME,...] [--json FILE]
// --pin split (default): every server process and PostgreSQL on core 0, the load generators on core 1: the rows
// compare what each setup does with one core's worth of server side. --pin none: nothing pinned, all share both cores.
// GetUser load: h2load (4 connections x 32 streams; two h2loads of 2 connections for 2 replicas, at once).
// CreateUser load: bench/scale/load.mjs (the project's client, 4 connections, 64 in flight, unique users).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { h2load } from "../lib/h2load.mjs";
import { fetchOnce, unframe } from "../lib/preflight.mjs";
import { runClient } from "../lib/process.mjs";
import { tsgrpc as pb } from "../lib/schema.mjs";
import { median } from "../lib/stats.mjs";
import { frame } from "../servers/bare.mjs";
import { startPostgres } from "./postgres.mjs";
import { startService, treeCpu } from "./servers.mjs";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" }, "get-n": { type: "string", default: "30000" }, "create-n": { type: "string", default: "4000" }, pin: { type: "string", default: "split" }, json: { type: "string" }, only: { type: "string" } } });
const RUNS = Number(values.runs), GET_N = Number(values["get-n"]), CREATE_N = Number(values["create-n"]);
const [SERVER_CPU, LOAD_CPU] = values.pin === "split" ? [0, 1] : [undefined, undefined];

const dir = mkdtempSync(join(tmpdir(), "tsgrpc-scale-"));
const db = await startPostgres({ cpu: SERVER_CPU });
const stops = [];
const cleanup = async () => {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  db.destroy();
  rmSync(dir, { recursive: true, force: true });
};
process.on("SIGINT", () => cleanup().then(() => process.exit(130)));

try {
  const start = async (args) => {
    const s = await startService(args, { cpu: SERVER_CPU });
    stops.push(s.stop);
    return s;
  };
  // Each setup runs alone: started for its turn, stopped after it. With PostgreSQL every listening process (replica or
  // worker) reads each created user back, so setups left running would add to each other's CreateUser cost.
  const sqliteA = join(dir, "a.db"), sqliteB = join(dir, "b.db");
  const configs = [
    { name: "SQLite, 1 process", args: [["--db", sqliteA]] },
    { name: "SQLite, --workers 2", args: [["--db", sqliteB, "--workers", "2"]] },
    { name: "PostgreSQL, 1 replica", args: [["--db", db.url]] },
    { name: "PostgreSQL, 2 replicas", args: [["--db", db.url], ["--db", db.url]] },
    { name: "PostgreSQL, --workers 2", args: [["--db", db.url, "--workers", "2"]] },
  ].filter((c) => !values.only || values.only.split(",").some((o) => c.name.includes(o)));
  // The schema is migrated (and the SQLite files made) once, before any measurement.
  for (const args of [["--db", db.url], ["--db", sqliteA], ["--db", sqliteB]]) await (await start(args)).stop();

  // GetUser(1): alice, seeded in every store. The answer must be right once; then every h2load answer must be as long.
  const target = { path: "/userservice.UserService/GetUser", body: join(dir, "get-user.bin"), headers: ["content-type: application/grpc", "te: trailers"] };
  writeFileSync(target.body, frame(pb.GetUserRequest.encode({ id: 1 })));
  async function up(c) {
    c.servers = [];
    for (const args of c.args) c.servers.push(await start(args));
    for (const s of c.servers) {
      const { status, body } = await fetchOnce(s.port, target);
      const messages = unframe(body);
      if (status !== "0" || messages.length !== 1 || pb.GetUserResponse.decode(messages[0]).user?.username !== "alice") throw new Error(`${c.name}: wrong GetUser answer (status ${status})`);
      c.getBytes = body.length;
    }
  }
  const down = async (c) => { for (const s of c.servers) await s.stop(); };

  async function getUser(c, n) {
    const share = Math.ceil(n / c.servers.length), clients = 4 / c.servers.length;
    const runs = await Promise.all(c.servers.map((s) => h2load({ url: `http://127.0.0.1:${s.port}${target.path}`, n: share, clients, streams: 32, body: target.body, headers: target.headers }, { cpu: LOAD_CPU })));
    for (const r of runs) if (r.failed || r.data !== r.succeeded * c.getBytes) throw new Error(`${c.name}: GetUser answers not all right (${r.failed} failed, ${r.data} bytes for ${r.succeeded})`);
    return { rate: (share * runs.length) / Math.max(...runs.map((r) => r.seconds)), p50Ms: median(runs.map((r) => r.p50Ms)), p99Ms: Math.max(...runs.map((r) => r.p99Ms)) };
  }
  let tag = 0;
  async function createUser(c, n) {
    const targetArg = c.servers.length === 1 ? `127.0.0.1:${c.servers[0].port}` : `ipv4:${c.servers.map((s) => `127.0.0.1:${s.port}`).join(",")}`;
    return runClient("../scale/load.mjs", ["create", "--target", targetArg, "-n", String(n), "-c", "64", "--connections", "4", "--tag", `r${process.pid}_${++tag}`], LOAD_CPU ?? "0-1");
  }
  // Measures one load, with the server side's CPU (service processes, PostgreSQL's for PostgreSQL configs) per call.
  async function measured(c, load, n) {
    const roots = c.servers.map((s) => s.pid), usesPg = c.name.startsWith("PostgreSQL");
    const svc0 = treeCpu(roots), db0 = db.cpuSeconds();
    const r = await load(c, n);
    // The server side's CPU covers every call made meanwhile: load.mjs's own warm-up calls too.
    const calls = n + (r.warmupCalls ?? 0);
    const svcUs = ((treeCpu(roots) - svc0) * 1e6) / calls, dbUs = ((db.cpuSeconds() - db0) * 1e6) / calls;
    return { ...r, serviceUs: svcUs, dbUs: usesPg ? dbUs : 0 };
  }

  const results = Object.fromEntries(configs.map((c) => [c.name, { get: [], create: [] }]));
  for (let r = 0; r < RUNS; r++) {
    for (let k = 0; k < configs.length; k++) {
      const c = configs[(k + r) % configs.length];
      await up(c);
      // Warm-up (the JIT, the pools' connections): a fifth of each load.
      await getUser(c, Math.ceil(GET_N / 5));
      await createUser(c, Math.ceil(CREATE_N / 5));
      results[c.name].get.push(await measured(c, getUser, GET_N));
      results[c.name].create.push(await measured(c, createUser, CREATE_N));
      await down(c);
      process.stderr.write(".");
    }
  }
  process.stderr.write("\n");

  const m = (runs, key) => median(runs.map((x) => x[key]));
  const lines = [
    `| setup | GetUser calls/s | / PG 1 replica | p50 / p99 ms | service CPU / call | PostgreSQL CPU / call | CreateUser calls/s | / PG 1 replica | p50 / p99 ms | service CPU / call | PostgreSQL CPU / call |`,
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  const base = results["PostgreSQL, 1 replica"];
  for (const c of configs) {
    const { get, create } = results[c.name];
    const cell = (runs, ref) => [
      Math.round(m(runs, "rate")).toLocaleString("en"),
      ref ? `${(m(runs, "rate") / m(ref, "rate")).toFixed(2)}x` : "",
      `${m(runs, "p50Ms").toFixed(1)} / ${m(runs, "p99Ms").toFixed(1)}`,
      `${m(runs, "serviceUs").toFixed(0)} µs`,
      c.name.startsWith("PostgreSQL") ? `${m(runs, "dbUs").toFixed(0)} µs` : "–",
    ];
    lines.push(`| ${c.name} | ${[...cell(get, base?.get), ...cell(create, base?.create)].join(" | ")} |`);
  }
  console.log(lines.join("\n"));
  console.log(`\n${RUNS} runs; GetUser ${GET_N} calls per run (h2load, 4 connections x 32 streams), CreateUser ${CREATE_N} (load.mjs, 4 connections, 64 in flight); pin: ${values.pin}`);
  if (values.json) writeFileSync(values.json, JSON.stringify({ runs: RUNS, getN: GET_N, createN: CREATE_N, pin: values.pin, results }, null, 2));
} finally {
  await cleanup();
}
