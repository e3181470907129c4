// What @tsgrpc/opentelemetry costs a server (issue 22): GetUser's server CPU per call with no instrumentation, with
// the OpenTelemetry instrumentation on the API's no-op meter, tracer and propagator, and with the SDK recording every
// call (A66 metrics, a sampled span per call, W3C context extracted). Side by side in one run: three server processes
// on core 0, h2load on core 1, the measured runs round-robin across them, each number the median of the runs.
//   node bench/otel.mjs [--n 100000] [--runs 3]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { scenarios } from "./lib/scenarios.mjs";
import { serverCpuAb } from "./lib/server-cpu-ab.mjs";

const { values } = parseArgs({ options: { n: { type: "string", default: "100000" }, runs: { type: "string", default: "3" } } });
const n = Number(values.n);
const RUNS = Number(values.runs);
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
try {
  const lines = await serverCpuAb({ variants: VARIANTS.map(([label, module]) => [label, module]), target, shape: getUser, n, runs: RUNS, port: PORT, baseName: "none" });
  console.log(lines.join("\n"));
  writeFileSync(new URL("./results/otel.md", import.meta.url), lines.join("\n") + "\n");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
