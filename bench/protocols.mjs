// GetUser over every protocol tsgrpc serves on its one port, beside connect-node's Connect protocol and the plain
// node:http JSON endpoint (issue 21's performance section), side by side in one run:
//   tsgrpc (servers/tsgrpc-protocols.mjs, one process, one port): Connect JSON POST, Connect GET, Connect binary
//     POST, REST `GET /v1/users/1` (a rest.rules route) over HTTP/1.1 and over HTTP/2, gRPC;
//   connect-node (servers/connect-protocols.mjs): Connect JSON POST and Connect binary POST;
//   node:http (servers/rest.mjs): `GET /users/1`, JSON, HTTP/1.1;
//   the floor (servers/floor-http1.mjs): a bare net socket that answers `GET /users/1` without parsing or checking
//     anything, the least any Node HTTP/1.1 server can cost here (the kernel's share of each read and write included).
// Servers are pinned to core 0 and h2load to core 1. HTTP/2 rows: h2load, 4 connections x 16 streams; HTTP/1.1 rows:
// `h2load --h1`, 64 keep-alive connections with one request at a time each (no pipelining). Both are 64 calls in
// flight. Every row is checked first (one request, decoded, must be GetUser's answer for user 1); every request of
// the load must then return that many body bytes. Each row gets warm-ups (which size its runs to --seconds), then
// --runs measured runs taken round-robin across the rows (each round starting one row further on); figures are
// medians: calls/s, p50/p99 latency (h2load's per-request log) and server CPU per call (µs, /proc/PID/stat utime +
// stime over the run; 10 ms ticks). The 1-minute load average is read at the start of every run, and what other
// processes took of core 0 during it (its /proc/stat busy time less the server's).
//   node bench/protocols.mjs [--runs 3] [--seconds 3] [--only id,id] [--quick] [--cpu-prof DIR]
// --quick: one run of 1 s per row, results not saved. --cpu-prof DIR: servers run under `node --cpu-prof` (profiles
// in DIR, summarized at the end: self time per call by function and by file; use with --only ONE-ROW).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as http1 } from "node:http";
import { connect } from "node:http2";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual, parseArgs } from "node:util";
import { h2load } from "./lib/h2load.mjs";
import { unframe } from "./lib/preflight.mjs";
import { cpuSeconds, freePort, startServer } from "./lib/process.mjs";
import { median } from "./lib/stats.mjs";
import { tsgrpc as pb } from "./lib/schema.mjs";
import { users } from "./lib/data.mjs";
import { frame } from "./servers/bare.mjs";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    seconds: { type: "string", default: "3" },
    only: { type: "string" },
    quick: { type: "boolean", default: false },
    "cpu-prof": { type: "string" },
  },
});
const QUICK = values.quick;
const RUNS = QUICK ? 1 : Number(values.runs);
const SECONDS = QUICK ? 1 : Number(values.seconds);
const SERVER_CPU = 0;
const LOAD_CPU = 1;
const IN_FLIGHT = 64;
const H2_CONNECTIONS = 4;
const USER_ID = 1;
/** No run may need more than this (h2load is killed); the whole bench is stopped past TOTAL_LIMIT_MS. */
const RUN_TIMEOUT_MS = SECONDS * 20_000 + 30_000;
const TOTAL_LIMIT_MS = 15 * 60_000;
const MIN_N = 2000;
const MAX_N = 400_000;

const PATH = "/userservice.UserService/GetUser";
const expected = pb.GetUserResponse.create({ user: users[USER_ID - 1] });
const requestJson = JSON.stringify({ id: USER_ID });
const requestProto = pb.GetUserRequest.encode({ id: USER_ID });
const getQuery = `?encoding=json&message=${encodeURIComponent(requestJson)}&connect=v1`;
const CONNECT_JSON = ["content-type: application/json", "connect-protocol-version: 1"];
const CONNECT_PROTO = ["content-type: application/proto", "connect-protocol-version: 1"];

/** Response checks: the body must be GetUser's answer for user USER_ID. */
const okJson = (body) => isDeepStrictEqual(pb.GetUserResponse.fromJson(JSON.parse(body.toString())), expected);
const okProto = (body) => isDeepStrictEqual(pb.GetUserResponse.decode(body), expected);
const okGrpc = (body) => {
  const messages = unframe(body);
  return messages.length === 1 && okProto(messages[0]);
};

const SERVERS = { tsgrpc: "tsgrpc-protocols", "connect-node": "connect-protocols", "node:http": "rest", floor: "floor-http1" };
/** The rows: which server, how the request is made, and how its answer is checked. */
const ROWS = [
  { id: "tsgrpc-connect-json", server: "tsgrpc", what: "Connect JSON, POST", http: "h2", method: "POST", path: PATH, headers: CONNECT_JSON, body: requestJson, ok: okJson },
  { id: "tsgrpc-connect-get", server: "tsgrpc", what: "Connect JSON, GET (message in the query)", http: "h2", method: "GET", path: PATH + getQuery, headers: [], ok: okJson },
  { id: "tsgrpc-connect-proto", server: "tsgrpc", what: "Connect binary (application/proto), POST", http: "h2", method: "POST", path: PATH, headers: CONNECT_PROTO, body: requestProto, ok: okProto },
  { id: "tsgrpc-rest-h1", server: "tsgrpc", what: "REST `GET /v1/users/1`", http: "h1", method: "GET", path: `/v1/users/${USER_ID}`, headers: [], ok: okJson },
  { id: "tsgrpc-rest-h2", server: "tsgrpc", what: "REST `GET /v1/users/1`", http: "h2", method: "GET", path: `/v1/users/${USER_ID}`, headers: [], ok: okJson },
  { id: "tsgrpc-grpc", server: "tsgrpc", what: "gRPC (h2c)", http: "h2", method: "POST", path: PATH, headers: ["content-type: application/grpc", "te: trailers"], body: frame(requestProto), ok: okGrpc, grpc: true },
  { id: "connect-node-json", server: "connect-node", what: "Connect JSON, POST", http: "h2", method: "POST", path: PATH, headers: CONNECT_JSON, body: requestJson, ok: okJson },
  { id: "connect-node-proto", server: "connect-node", what: "Connect binary (application/proto), POST", http: "h2", method: "POST", path: PATH, headers: CONNECT_PROTO, body: requestProto, ok: okProto },
  { id: "node-http-rest", server: "node:http", what: "plain JSON `GET /users/1` (bench/servers/rest.mjs)", http: "h1", method: "GET", path: `/users/${USER_ID}`, headers: [], ok: okJson },
  { id: "floor-http1", server: "floor", what: "the floor: a bare net socket answering `GET /users/1` (bench/servers/floor-http1.mjs)", http: "h1", method: "GET", path: `/users/${USER_ID}`, headers: [], ok: okJson },
];
/** The issue's goals: [label, numerator row, denominator row, goal]. */
const GOALS = [
  ["tsgrpc REST (HTTP/1.1) / node:http JSON (HTTP/1.1)", "tsgrpc-rest-h1", "node-http-rest", 1.5],
  ["tsgrpc Connect JSON POST / connect-node Connect JSON POST", "tsgrpc-connect-json", "connect-node-json", 5],
  ["tsgrpc Connect binary POST / connect-node Connect binary POST", "tsgrpc-connect-proto", "connect-node-proto", 5],
];
/** Other ratios worth reading: [label, numerator row, denominator row]. */
const OTHER_RATIOS = [
  ["tsgrpc REST over HTTP/2 / node:http JSON (HTTP/1.1)", "tsgrpc-rest-h2", "node-http-rest"],
  ["tsgrpc Connect GET / connect-node Connect JSON POST", "tsgrpc-connect-get", "connect-node-json"],
  ["tsgrpc Connect JSON POST / tsgrpc gRPC", "tsgrpc-connect-json", "tsgrpc-grpc"],
  ["tsgrpc REST (HTTP/1.1) / tsgrpc gRPC", "tsgrpc-rest-h1", "tsgrpc-grpc"],
  ["the floor (bare net socket, HTTP/1.1) / node:http JSON (HTTP/1.1)", "floor-http1", "node-http-rest"],
  ["tsgrpc REST (HTTP/1.1) / the floor (bare net socket, HTTP/1.1)", "tsgrpc-rest-h1", "floor-http1"],
];

const only = values.only ? new Set(values.only.split(",")) : undefined;
if (only) for (const id of only) if (!ROWS.some((r) => r.id === id)) throw new Error(`unknown row ${id} (rows: ${ROWS.map((r) => r.id).join(", ")})`);
const rows = ROWS.filter((r) => !only || only.has(r.id));

const loadAverage = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).map(Number);
/** The server core's busy time so far, in seconds (user, nice, system, irq, softirq, steal of its /proc/stat line). */
function coreBusySeconds(cpu) {
  const line = readFileSync("/proc/stat", "utf8").split("\n").find((l) => l.startsWith(`cpu${cpu} `));
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) / 100; // USER_HZ
}

/** One request made as h2load will make it: { status (HTTP), grpcStatus, body }. */
function fetchOnce(port, row) {
  return new Promise((resolve, reject) => {
    const headers = Object.fromEntries(row.headers.map((h) => [h.slice(0, h.indexOf(":")).trim(), h.slice(h.indexOf(":") + 1).trim()]));
    const timer = setTimeout(() => reject(new Error(`${row.id}: no answer within 10 s`)), 10_000);
    const done = (answer) => {
      clearTimeout(timer);
      resolve(answer);
    };
    if (row.http === "h1") {
      http1({ host: "127.0.0.1", port, path: row.path, method: row.method, headers }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => done({ status: res.statusCode, body: Buffer.concat(chunks) }));
      }).on("error", reject).end(row.body);
      return;
    }
    const session = connect(`http://127.0.0.1:${port}`);
    session.on("error", reject);
    const stream = session.request({ ":method": row.method, ":path": row.path, ...headers }, { endStream: row.body === undefined });
    const chunks = [];
    let status;
    let grpcStatus;
    stream.on("response", (h) => {
      status = h[":status"];
      grpcStatus = h["grpc-status"];
    });
    stream.on("trailers", (t) => (grpcStatus = t["grpc-status"]));
    stream.on("data", (c) => chunks.push(c));
    stream.on("error", reject);
    stream.on("close", () => {
      session.close();
      done({ status, grpcStatus, body: Buffer.concat(chunks) });
    });
    if (row.body !== undefined) stream.end(row.body);
  });
}

const dir = mkdtempSync(join(tmpdir(), "tsgrpc-protocols-bench-"));
const profileDir = values["cpu-prof"];
if (profileDir) mkdirSync(profileDir, { recursive: true });
const servers = new Map();
const stopAll = async () => {
  for (const s of servers.values()) await s.stop();
};
const watchdog = setTimeout(() => {
  console.error(`protocols bench: over ${TOTAL_LIMIT_MS / 60_000} minutes, stopping`);
  stopAll().finally(() => process.exit(1));
}, TOTAL_LIMIT_MS);
const started = new Date();
const loadAtStart = loadAverage();

try {
  for (const name of new Set(rows.map((r) => r.server))) {
    const nodeArgs = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
    const port = await freePort();
    const server = await startServer(SERVERS[name], port, SERVER_CPU, { nodeArgs });
    servers.set(name, Object.assign(server, { port, requests: 0 }));
  }
  for (const row of rows) {
    const server = servers.get(row.server);
    const answer = await fetchOnce(server.port, row);
    server.requests++;
    if (String(answer.status) !== "200" || (row.grpc && answer.grpcStatus !== "0") || !row.ok(answer.body))
      throw new Error(`${row.id}: wrong answer (HTTP ${answer.status}, grpc-status ${answer.grpcStatus}): ${answer.body.toString().slice(0, 300)}`);
    const body = row.body === undefined ? undefined : join(dir, `${row.id}.body`);
    if (body) writeFileSync(body, row.body);
    const h1 = row.http === "h1";
    Object.assign(row, {
      size: answer.body.length,
      load: { url: `http://127.0.0.1:${server.port}${row.path}`, body, headers: row.headers, h1, clients: h1 ? IN_FLIGHT : H2_CONNECTIONS, streams: h1 ? 1 : IN_FLIGHT / H2_CONNECTIONS },
      runs: [],
    });
  }
  /** One h2load run of `n` requests on `row`, checked: every request answered with the right body size. */
  const run = async (row, n) => {
    const server = servers.get(row.server);
    const load = loadAverage()[0];
    const before = cpuSeconds(server.pid);
    const coreBefore = coreBusySeconds(SERVER_CPU);
    const wallBefore = performance.now();
    const result = await h2load({ ...row.load, n }, { cpu: LOAD_CPU, timeoutMs: RUN_TIMEOUT_MS });
    const cpu = cpuSeconds(server.pid) - before;
    // What other processes took of the server's core during the run (its busy time less the server's), in cores.
    const wall = (performance.now() - wallBefore) / 1000;
    const others = Math.max(0, coreBusySeconds(SERVER_CPU) - coreBefore - cpu) / wall;
    server.requests += n;
    if (result.failed || result.data !== n * row.size) throw new Error(`${row.id}: ${result.succeeded}/${n} succeeded, ${result.data} body bytes for ${n} x ${row.size} (statuses ${result.statuses})`);
    return { rate: result.rate, p50Ms: result.p50Ms, p99Ms: result.p99Ms, usPerCall: (cpu / n) * 1e6, load, others, serverCores: cpu / wall };
  };
  // Warm-ups: a fixed count, then about a second at the rate that showed; the measured runs last about --seconds.
  for (const row of rows) {
    const first = await run(row, QUICK ? 1000 : 5000);
    const second = await run(row, Math.min(MAX_N, Math.max(MIN_N, Math.round(first.rate))));
    row.n = Math.min(MAX_N, Math.max(MIN_N, Math.round(second.rate * SECONDS)));
  }
  for (let r = 0; r < RUNS; r++) {
    for (let k = 0; k < rows.length; k++) {
      const row = rows[(r + k) % rows.length];
      row.runs.push(await run(row, row.n));
      const last = row.runs.at(-1);
      process.stderr.write(`  round ${r + 1}: ${row.id} ${Math.round(last.rate)} calls/s, ${last.usPerCall.toFixed(1)} µs CPU per call (load ${last.load}, others on core ${SERVER_CPU}: ${last.others.toFixed(2)})\n`);
    }
  }
} catch (e) {
  await stopAll();
  clearTimeout(watchdog);
  rmSync(dir, { recursive: true, force: true });
  throw e;
}
await stopAll();
clearTimeout(watchdog);
rmSync(dir, { recursive: true, force: true });

// The report.
const loadAtEnd = loadAverage();
const med = (row, key) => median(row.runs.map((x) => x[key]));
const byId = new Map(rows.map((r) => [r.id, r]));
const fmt = (v, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : "–");
const loads = rows.flatMap((r) => r.runs.map((x) => x.load));
const lines = [
  `GetUser (user ${USER_ID}), ${IN_FLIGHT} calls in flight, medians of ${RUNS} run(s) of about ${SECONDS} s each; ${started.toISOString()} to ${new Date().toISOString()}, Node ${process.version}.`,
  `Load average (1, 5, 15 min) at the start ${loadAtStart.join(" ")}, at the end ${loadAtEnd.join(" ")}; 1-minute load at the runs' starts ${fmt(Math.min(...loads), 2)}-${fmt(Math.max(...loads), 2)}.`,
  `"Server cores": the server's CPU time over the run's wall time (below about 0.9 the server was not the bound: the load generator's core, shared with other processes, or latency was). "Others on core 0": the share of the servers' core that other processes took during a run (its /proc/stat busy time less the server's). Servers on core 0, h2load on core 1. HTTP/2 rows: h2load, ${H2_CONNECTIONS} connections x ${IN_FLIGHT / H2_CONNECTIONS} streams; HTTP/1.1 rows: h2load --h1, ${IN_FLIGHT} keep-alive connections, one request at a time each.`,
  "",
  "| row | server | protocol | HTTP | calls per run | calls/s | p50 ms | p99 ms | server CPU µs/call | runs: calls/s | runs: µs/call | server cores (median) | runs: load (1 min) | runs: others on core 0 |",
  "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | --- | --- |",
  ...rows.map((r) =>
    [
      r.id,
      r.server,
      r.what,
      r.http === "h1" ? "1.1 (h2load --h1)" : "2 (h2load)",
      r.n,
      Math.round(med(r, "rate")),
      fmt(med(r, "p50Ms"), 2),
      fmt(med(r, "p99Ms"), 2),
      fmt(med(r, "usPerCall")),
      r.runs.map((x) => Math.round(x.rate)).join(", "),
      r.runs.map((x) => fmt(x.usPerCall)).join(", "),
      fmt(med(r, "serverCores"), 2),
      r.runs.map((x) => fmt(x.load, 2)).join(", "),
      r.runs.map((x) => fmt(x.others, 2)).join(", "),
    ].join(" | ").replace(/^/, "| ").replace(/$/, " |"),
  ),
];
/** A ratio of two rows: calls/s, and server CPU per call the other way round (denominator / numerator); medians of the round-by-round ratios. */
const ratio = (a, b) => {
  const x = byId.get(a);
  const y = byId.get(b);
  if (!x || !y) return undefined;
  const rounds = x.runs.map((run, i) => ({ rate: run.rate / y.runs[i].rate, cpu: y.runs[i].usPerCall / run.usPerCall }));
  return { rate: median(rounds.map((q) => q.rate)), cpu: median(rounds.map((q) => q.cpu)) };
};
const ratioLines = [
  "",
  "| ratio | calls/s | server CPU per call (inverse) | goal | met |",
  "| --- | ---: | ---: | ---: | --- |",
];
for (const [label, a, b, goal] of GOALS) {
  const q = ratio(a, b);
  if (q) ratioLines.push(`| ${label} | ${fmt(q.rate, 2)}x | ${fmt(q.cpu, 2)}x | ${goal}x | ${q.rate >= goal ? "yes" : "**no**"} |`);
}
for (const [label, a, b] of OTHER_RATIOS) {
  const q = ratio(a, b);
  if (q) ratioLines.push(`| ${label} | ${fmt(q.rate, 2)}x | ${fmt(q.cpu, 2)}x | – | – |`);
}
if (ratioLines.length > 3) lines.push(...ratioLines);
console.log(lines.join("\n"));
if (!QUICK && !only) {
  writeFileSync(new URL("./results/protocols.md", import.meta.url), `# Protocols: GetUser over every protocol (bench/protocols.mjs)\n\n${lines.join("\n")}\n`);
  writeFileSync(new URL("./results/protocols.json", import.meta.url), JSON.stringify({ started, loadAtStart, loadAtEnd, rows: rows.map(({ load, ok, body, ...r }) => r) }, null, 1) + "\n");
}

if (profileDir) {
  for (const file of readdirSync(profileDir).filter((f) => f.endsWith(".cpuprofile"))) summarizeProfile(join(profileDir, file));
}

/** Self time per call by function and by file (the calls: every request that server got, warm-ups included). */
function summarizeProfile(file) {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const functions = new Map();
  const files = new Map();
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const { functionName, url, lineNumber } = byNode.get(profile.samples[i]).callFrame;
    if (functionName === "(idle)") continue;
    const us = profile.timeDeltas[i] ?? 0;
    busy += us;
    const path = url.replace(/^file:\/\//, "").replace(/^.*\/(packages|node_modules|bench)\//, "$1/");
    const key = `${functionName || "(anonymous)"} ${path}${path ? `:${lineNumber + 1}` : ""}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
    const fileKey = path || functionName;
    files.set(fileKey, (files.get(fileKey) ?? 0) + us);
  }
  const calls = [...servers.values()].reduce((sum, s) => sum + s.requests, 0); // the profiled server's, with --only
  console.log(`\n${file}: ${fmt(busy / 1e3, 0)} ms busy, ${fmt(busy / calls, 2)} µs per call over ${calls} calls (all servers' calls: use --only)`);
  const top = (map, title, count) => {
    console.log(`\n${title} | self µs per call | share`);
    for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, count)) console.log(`${key} | ${fmt(us / calls, 3)} | ${fmt((us / busy) * 100)}%`);
  };
  top(files, "file", 25);
  top(functions, "function", 40);
}
