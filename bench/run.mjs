// The benchmark harness: every server for the same UserService under the same loads, in one run.
//   npm run bench [-- --quick] [--only get-user,server-stream,channel] [--skip-codec] [--before DIR]
// --before DIR (or TSGRPC_BEFORE=DIR): a build of the client before the channel rebuild, for the `channel` scenario.
// Servers run pinned to core 0 and load generators to core 1. Results: bench/results/latest.{md,json} and SVG charts
// (a --quick or --only run prints its tables but keeps the committed results).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { h2load } from "./lib/h2load.mjs";
import { fetchOnce } from "./lib/preflight.mjs";
import { cpuSeconds, memory, runClient, startServer } from "./lib/process.mjs";
import { scenarios } from "./lib/scenarios.mjs";
import { GET_USER_ID } from "./lib/data.mjs";
import { PROTO_DIR } from "./lib/schema.mjs";
import { formatRate, median } from "./lib/stats.mjs";
import { barChart } from "./lib/svg.mjs";
import { renderChannel, runChannel } from "./lib/channel.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const { values: flags } = parseArgs({ options: { quick: { type: "boolean" }, only: { type: "string" }, "skip-codec": { type: "boolean" }, before: { type: "string" } } });
const quick = !!flags.quick;
const RUNS = quick ? 1 : 3;
const SERVER_CPU = 0;
const LOAD_CPU = 1;
const PORT = 50700;
/** Rounds of the channel scenario: its 5% target needs more than the 3 runs of the others on a shared machine. */
const CHANNEL_ROUNDS = 9;
const GRPC_SERVERS = ["bare", "tsgrpc", "tsgrpc-node", "grpc-js", "grpc-js-static", "connect"];
const partial = quick || !!flags.only;

function requireTool(cmd, hint) {
  if (spawnSync(cmd, ["--version"]).error) {
    console.error(`${cmd} is needed: ${hint}`);
    process.exit(1);
  }
}
requireTool("h2load", "apt-get install nghttp2-client");
requireTool("taskset", "apt-get install util-linux");
if (cpus().length < 2) console.error("warning: fewer than 2 cores; server and load generator share one");

/**
 * Runs every server under one h2load scenario. All of them are started (each on its own port, all on the server
 * core; an idle one costs nothing) and warmed up, then the measured runs go round-robin (A B C, A B C, ...), so that a
 * slow stretch of a shared machine hurts every contender alike instead of whichever ran then.
 */
async function measureScenario(scenario, columns) {
  const n = quick ? scenario.quickN : scenario.n;
  const servers = [];
  try {
    for (const [i, [name, module]] of Object.entries(columns).entries()) {
      const rest = name === "rest";
      const port = PORT + i;
      const target = rest ? scenario.rest : scenario.grpc;
      const server = await startServer(module, port, SERVER_CPU);
      servers.push(server);
      const answer = await fetchOnce(port, target, rest);
      if (answer.status !== (rest ? "200" : "0") || !target.ok(answer.body)) throw new Error(`${name} gave a wrong answer in ${scenario.id} (status ${answer.status})`);
      const load = { url: `http://127.0.0.1:${port}${target.path}`, body: target.body, headers: target.headers, h1: rest, clients: scenario.clients, streams: scenario.streams };
      const check = (r, requests) => {
        const expected = requests * answer.body.length;
        if (r.failed || r.data !== expected) throw new Error(`${name} answered errors in ${scenario.id}: ${r.succeeded}/${requests} succeeded (${r.statuses}), ${r.data} body bytes where ${expected} were due`);
      };
      Object.assign(server, { name, load, check, runs: [], rssAfterRun: [], cpuUsed: 0 });
    }
    const warmUp = Math.max(1, Math.ceil(n / 5));
    for (const s of servers) s.check(await h2load({ ...s.load, n: warmUp }, { cpu: LOAD_CPU }), warmUp);
    for (let r = 0; r < RUNS; r++) {
      for (const s of servers) {
        const cpuBefore = cpuSeconds(s.pid);
        const result = await h2load({ ...s.load, n }, { cpu: LOAD_CPU });
        s.cpuUsed += cpuSeconds(s.pid) - cpuBefore;
        s.check(result, n);
        s.runs.push(result);
        s.rssAfterRun.push(memory(s.pid).rssMiB);
      }
    }
    const messages = RUNS * n * scenario.messagesPerRequest;
    return Object.fromEntries(
      servers.map((s) => [
        s.name,
        {
          rate: median(s.runs.map((r) => r.rate)) * scenario.messagesPerRequest,
          p50Ms: median(s.runs.map((r) => r.p50Ms)),
          p99Ms: median(s.runs.map((r) => r.p99Ms)),
          cpuUsPerMessage: (s.cpuUsed / messages) * 1e6,
          peakMiB: memory(s.pid).peakMiB,
          rssAfterRun: s.rssAfterRun,
        },
      ]),
    );
  } finally {
    for (const s of servers) await s.stop();
  }
}

/** Runs a client program against a server started for it; medians over its runs. */
async function measureClient(file, clientName, serverName, args) {
  const server = await startServer(serverName, PORT, SERVER_CPU);
  try {
    const { runs } = await runClient(file, [clientName, "--target", `127.0.0.1:${PORT}`, "--runs", String(RUNS), ...args], LOAD_CPU);
    return { rate: median(runs.map((r) => r.rate)), p50Ms: median(runs.map((r) => r.p50Ms)), p99Ms: median(runs.map((r) => r.p99Ms)) };
  } finally {
    await server.stop();
  }
}

/** h2load or `tsgrpc bench` driving GetUser against the bare server with 100 calls in flight (median of RUNS). */
async function measureLoadGenerator(tool, n) {
  const scenario = scenarios(join(tmpdir(), "tsgrpc-bench-bodies")).find((s) => s.id === "get-user");
  const server = await startServer("bare", PORT, SERVER_CPU);
  try {
    const runs = [];
    for (let r = 0; r < RUNS; r++) {
      if (tool === "h2load") {
        const g = scenario.grpc;
        runs.push(await h2load({ url: `http://127.0.0.1:${PORT}${g.path}`, body: g.body, headers: g.headers, n, clients: 1, streams: 100 }, { cpu: LOAD_CPU }));
      } else {
        const args = ["bench", `127.0.0.1:${PORT}`, "userservice.UserService/GetUser", "-d", `{"id": ${GET_USER_ID}}`, "-n", String(n), "-c", "100", "--warmup", String(n / 5), "--proto", "user_service.proto", "-I", PROTO_DIR, "--format", "json"];
        const out = execFileSync("taskset", ["-c", String(LOAD_CPU), process.execPath, join(here, "../packages/cli/bin/tsgrpc.js"), ...args], { encoding: "utf8", maxBuffer: 1 << 24 });
        const summary = JSON.parse(out);
        if (summary.statuses.OK !== n) throw new Error(`tsgrpc bench saw errors: ${JSON.stringify(summary.statuses)}`);
        runs.push({ rate: summary.requestsPerSecond, p50Ms: summary.latencyMs.p50, p99Ms: summary.latencyMs.p99 });
      }
    }
    return { rate: median(runs.map((r) => r.rate)), p50Ms: median(runs.map((r) => r.p50Ms)), p99Ms: median(runs.map((r) => r.p99Ms)) };
  } finally {
    await server.stop();
  }
}

const startedAt = new Date();
const results = { date: startedAt.toISOString(), quick, runs: RUNS, machine: machine(), servers: {}, clients: {}, cross: {}, loadGenerators: {}, pingPong: {} };

// --- server capacity under h2load
const only = flags.only ? new Set(flags.only.split(",")) : undefined;
for (const scenario of scenarios(join(tmpdir(), "tsgrpc-bench-bodies"))) {
  if (only && !only.has(scenario.id)) continue;
  process.stderr.write(`server ${scenario.id} ... `);
  const names = scenario.rest ? [...GRPC_SERVERS, "rest"] : GRPC_SERVERS;
  const res = await measureScenario(scenario, scenario.servers ?? Object.fromEntries(names.map((n) => [n, n])));
  results.servers[scenario.id] = { title: scenario.title, unit: scenario.unit, results: res };
  process.stderr.write(Object.entries(res).map(([k, v]) => `${k} ${formatRate(v.rate)}`).join(", ") + ` ${scenario.unit}\n`);
}

// --- client cost, cross pairs and ping-pong (skipped when --only picks server scenarios)
if (!only || only.has("clients")) {
  const calls = String(quick ? 4000 : 30_000);
  for (const client of ["bare", "tsgrpc", "grpc-js", "connect"]) {
    process.stderr.write(`client ${client} -> bare ... `);
    results.clients[client] = await measureClient("unary.mjs", client, "bare", ["-n", calls, "-c", "100"]);
    process.stderr.write(`${formatRate(results.clients[client].rate)} calls/s\n`);
  }
  for (const [client, server] of [["tsgrpc", "tsgrpc"], ["grpc-js", "tsgrpc"], ["tsgrpc", "grpc-js"], ["grpc-js", "grpc-js"]]) {
    process.stderr.write(`cross ${client} -> ${server} ... `);
    results.cross[`${client} -> ${server}`] = await measureClient("unary.mjs", client, server, ["-n", calls, "-c", "100"]);
    process.stderr.write(`${formatRate(results.cross[`${client} -> ${server}`].rate)} calls/s\n`);
  }
  // The CLI's load tester against the ceiling server, next to h2load with the same calls in flight: its own cost.
  for (const tool of ["h2load", "tsgrpc bench"]) {
    process.stderr.write(`load generator ${tool} -> bare ... `);
    results.loadGenerators[tool] = await measureLoadGenerator(tool, Number(calls));
    process.stderr.write(`${formatRate(results.loadGenerators[tool].rate)} calls/s\n`);
  }
  for (const name of ["bare", "tsgrpc", "grpc-js", "connect"]) {
    process.stderr.write(`ping-pong ${name} ... `);
    results.pingPong[name] = await measureClient("pingpong.mjs", name, name, ["-n", quick ? "1000" : "10000"]);
    process.stderr.write(`p50 ${results.pingPong[name].p50Ms.toFixed(3)} ms\n`);
  }
}

// --- the channel (issue 17): client CPU per call through pick_first, round_robin and retries, next to the client
// before the channel rebuild; round_robin over 1, 2, 3 backends. Its own results file, written by any full run of it.
if (!only || only.has("channel")) {
  const before = flags.before ?? process.env.TSGRPC_BEFORE;
  const rounds = quick ? 1 : CHANNEL_ROUNDS;
  const channel = await runChannel({ quick, rounds, before, serverCpu: SERVER_CPU, clientCpu: LOAD_CPU, port: PORT + 20, log: (s) => process.stderr.write(s) });
  const command = `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim();
  const section = renderChannel({ ...channel, quick }, { date: startedAt.toISOString(), machine: machine(), command });
  console.log(section);
  if (!quick) {
    const out = join(here, "results");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "channel.md"), `# Channel benchmark\n\nWritten by \`npm run bench -- --only channel\` (and by a full \`npm run bench\`); see bench/README.md.\n\n${section}`);
    writeFileSync(join(out, "channel.json"), JSON.stringify({ date: startedAt.toISOString(), machine: machine(), command, ...channel }, null, 2) + "\n");
  }
}

const report = renderMarkdown(results);
console.log(report);
if (!partial) {
  const out = join(here, "results");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "latest.json"), JSON.stringify(results, null, 2) + "\n");
  writeFileSync(join(out, "latest.md"), report);
  writeFileSync(join(out, "servers.svg"), serverChart(results));
  writeFileSync(join(out, "clients.svg"), clientChart(results));
}
rmSync(join(tmpdir(), "tsgrpc-bench-bodies"), { recursive: true, force: true });

if (!flags["skip-codec"] && !flags.only) execFileSync(process.execPath, [join(here, "codec.mjs"), ...(quick ? ["--quick"] : [])], { stdio: "inherit" });

// --- reporting

function machine() {
  const version = (cmd) => spawnSync(cmd, ["--version"]).stdout?.toString().trim().split("\n")[0];
  const pkg = (name) => JSON.parse(readFileSync(join(here, "../node_modules", name, "package.json"), "utf8")).version;
  return {
    cpu: `${cpus()[0]?.model ?? "cpu"} x${cpus().length}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    h2load: version("h2load"),
    versions: { "@grpc/grpc-js": pkg("@grpc/grpc-js"), "@grpc/proto-loader": pkg("@grpc/proto-loader"), "@connectrpc/connect-node": pkg("@connectrpc/connect-node"), "@bufbuild/protobuf": pkg("@bufbuild/protobuf"), protobufjs: pkg("protobufjs") },
  };
}

function ratio(a, b) {
  return a && b ? `${(a / b).toFixed(2)}x` : "–";
}

function renderMarkdown(r) {
  const lines = [];
  const m = r.machine;
  lines.push(`Run ${r.date.slice(0, 16).replace("T", " ")} UTC${r.quick ? " (quick mode: 1 run, small counts)" : `, median of ${r.runs} runs`}; ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.h2load};`);
  lines.push(Object.entries(m.versions).map(([k, v]) => `${k} ${v}`).join(", ") + ". Servers on core 0, load generators on core 1.", "");
  const scenarioIds = Object.keys(r.servers);
  if (scenarioIds.length) {
    const names = [...GRPC_SERVERS, "rest"];
    lines.push("### Server capacity (h2load)", "", "Rate, then p50 / p99 latency in ms. REST = node:http JSON over HTTP/1.1 (h2load --h1).", "");
    lines.push(`| scenario | ${names.join(" | ")} | tsgrpc / bare | tsgrpc / grpc-js | tsgrpc / connect |`, `|---|${names.map(() => "---:").join("|")}|---:|---:|---:|`);
    for (const id of scenarioIds) {
      const { title, unit, results: res } = r.servers[id];
      const cell = (x) => (x ? `${formatRate(x.rate)} ${unit} (${x.p50Ms.toFixed(1)} / ${x.p99Ms.toFixed(1)})` : "–");
      lines.push(`| ${title} | ${names.map((n) => cell(res[n])).join(" | ")} | ${ratio(res.tsgrpc?.rate, res.bare?.rate)} | ${ratio(res.tsgrpc?.rate, res["grpc-js"]?.rate)} | ${ratio(res.tsgrpc?.rate, res.connect?.rate)} |`);
    }
    lines.push("", "### Server CPU per request (µs; per message for streams) and peak RSS (MiB)", "");
    lines.push(`| scenario | ${names.join(" | ")} |`, `|---|${names.map(() => "---:").join("|")}|`);
    for (const id of scenarioIds) {
      const res = r.servers[id].results;
      lines.push(`| ${r.servers[id].title} | ${names.map((n) => (res[n] ? `${res[n].cpuUsPerMessage.toFixed(1)} µs, ${res[n].peakMiB.toFixed(0)} MiB` : "–")).join(" | ")} |`);
    }
    const sweep512 = r.servers["sweep-512"]?.results;
    if (sweep512) {
      lines.push("", "RSS after each run of the 512-in-flight load (MiB; growth would show a leak): " + GRPC_SERVERS.map((n) => `${n} ${sweep512[n].rssAfterRun.map((x) => x.toFixed(0)).join(" → ")}`).join("; ") + ".");
    }
    lines.push("");
  }
  if (Object.keys(r.clients).length) {
    lines.push("### Clients (GetUser, 100 in flight; calls/s, p50 / p99 ms)", "");
    lines.push("| client → server | calls/s | p50 ms | p99 ms |", "|---|---:|---:|---:|");
    for (const [k, x] of [...Object.entries(r.clients).map(([c, x]) => [`${c} → bare`, x]), ...Object.entries(r.cross).map(([k, x]) => [k.replace("->", "→"), x])]) {
      lines.push(`| ${k} | ${formatRate(x.rate)} | ${x.p50Ms.toFixed(2)} | ${x.p99Ms.toFixed(2)} |`);
    }
    lines.push("", `tsgrpc client / grpc-js client against the bare server: ${ratio(r.clients.tsgrpc?.rate, r.clients["grpc-js"]?.rate)}; / connect: ${ratio(r.clients.tsgrpc?.rate, r.clients.connect?.rate)}; / bare http2 client: ${ratio(r.clients.tsgrpc?.rate, r.clients.bare?.rate)}.`, "");
    if (Object.keys(r.loadGenerators).length) {
      lines.push("### Load generators against the bare server (GetUser, 100 in flight)", "", "| tool | calls/s | p50 ms | p99 ms |", "|---|---:|---:|---:|");
      for (const [k, x] of Object.entries(r.loadGenerators)) lines.push(`| ${k} | ${formatRate(x.rate)} | ${x.p50Ms.toFixed(2)} | ${x.p99Ms.toFixed(2)} |`);
      lines.push("", `tsgrpc bench drives ${ratio(r.loadGenerators["tsgrpc bench"]?.rate, r.loadGenerators.h2load?.rate)} of h2load's rate from one core.`, "");
    }
    lines.push("### Bidi ping-pong (UserChat, one stream, each client with its own server)", "");
    lines.push("| stack | round trips/s | p50 ms | p99 ms |", "|---|---:|---:|---:|");
    for (const [k, x] of Object.entries(r.pingPong)) lines.push(`| ${k} | ${formatRate(x.rate)} | ${x.p50Ms.toFixed(3)} | ${x.p99Ms.toFixed(3)} |`);
    lines.push("");
  }
  return lines.join("\n");
}

function serverChart(r) {
  const contenders = [...GRPC_SERVERS, "rest"];
  const rows = Object.values(r.servers).map((s) => ({ label: `${s.title} (${s.unit})`, values: Object.fromEntries(Object.entries(s.results).map(([k, v]) => [k, v.rate])) }));
  return barChart({ title: `Server capacity under h2load, ${r.date.slice(0, 10)} (longer is better)`, rows, contenders, format: formatRate });
}

function clientChart(r) {
  const rows = [
    { label: "GetUser calls/s against the bare server", values: Object.fromEntries(Object.entries(r.clients).map(([k, v]) => [k, v.rate])) },
    { label: "Bidi ping-pong round trips/s", values: Object.fromEntries(Object.entries(r.pingPong).map(([k, v]) => [k, v.rate])) },
  ];
  return barChart({ title: `Clients, ${r.date.slice(0, 10)} (longer is better)`, rows, contenders: ["bare", "tsgrpc", "grpc-js", "connect"], format: formatRate });
}
