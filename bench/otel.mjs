// What @tsgrpc/opentelemetry costs a server (issue 22): GetUser's server CPU per call with no instrumentation, with
// the OpenTelemetry instrumentation on the API's no-op meter, tracer and propagator, and with the SDK recording every
// call (A66 metrics, a sampled span per call, W3C context extracted). Side by side in one run: three server processes
// on core 0, h2load on core 1, the measured runs round-robin across them, each number the median of the runs.
//   node bench/otel.mjs [--n 100000] [--runs 3]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { h2load } from "./lib/h2load.mjs";
import { fetchOnce } from "./lib/preflight.mjs";
import { cpuSeconds, startServer } from "./lib/process.mjs";
import { scenarios } from "./lib/scenarios.mjs";
import { median } from "./lib/stats.mjs";

const { values } = parseArgs({ options: { n: { type: "string", default: "100000" }, runs: { type: "string", default: "3" } } });
const n = Number(values.n);
const RUNS = Number(values.runs);
const SERVER_CPU = 0;
const LOAD_CPU = 1;
const PORT = 50330;
const VARIANTS = [
  ["no instrumentation", "tsgrpc"],
  ["OpenTelemetry, no-op API", "tsgrpc-otel-noop"],
  ["OpenTelemetry, SDK recording", "tsgrpc-otel-sdk"],
];
// Every request comes from a traced client: the SDK server's spans are children of it (and sampled, as it is).
const TRACEPARENT = "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

const dir = mkdtempSync(join(tmpdir(), "tsgrpc-otel-bench-"));
const getUser = scenarios(dir).find((s) => s.id === "get-user");
const target = { ...getUser.grpc, headers: [...getUser.grpc.headers, TRACEPARENT] };
const servers = [];
try {
  for (const [i, [label, module]] of VARIANTS.entries()) {
    const port = PORT + i;
    const server = await startServer(module, port, SERVER_CPU);
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
    // Round-robin, starting one further each run, so that a slow stretch of the shared machine hurts each alike.
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
    "| server | CPU µs per call (median) | vs none | runs (µs per call) | calls/s (median) |",
    "| --- | --- | --- | --- | --- |",
    ...servers.map((s) => {
      const us = median(s.usPerCall);
      return `| ${s.label} | ${us.toFixed(2)} | ${((us / base - 1) * 100).toFixed(1)}% | ${s.usPerCall.map((v) => v.toFixed(2)).join(", ")} | ${Math.round(median(s.rates))} |`;
    }),
  ];
  console.log(lines.join("\n"));
  writeFileSync(new URL("./results/otel.md", import.meta.url), lines.join("\n") + "\n");
} finally {
  for (const s of servers) await s.stop();
  rmSync(dir, { recursive: true, force: true });
}
