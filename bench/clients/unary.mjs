// Client cost: GetUser calls with a fixed number in flight, timed per call.
//   node bench/clients/unary.mjs NAME --target HOST:PORT -n CALLS -c IN_FLIGHT --runs R
// Prints JSON: { runs: [{ rate, p50Ms, p99Ms }] } after a warm-up run of n/5 calls. Any failed call fails the run.
import { parseArgs } from "node:util";
import { makeClient } from "./stubs.mjs";
import { GET_USER_ID } from "../lib/data.mjs";
import { percentile } from "../lib/stats.mjs";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { target: { type: "string" }, n: { type: "string", default: "20000" }, c: { type: "string", default: "100" }, runs: { type: "string", default: "3" } } });
const client = makeClient(positionals[0], values.target);
const n = Number(values.n);
const inFlight = Number(values.c);

async function run(calls) {
  const latencies = new Float64Array(calls);
  let next = 0;
  const start = performance.now();
  async function worker() {
    while (next < calls) {
      const i = next++;
      const t = performance.now();
      const user = await client.getUser(GET_USER_ID);
      latencies[i] = performance.now() - t;
      if (user?.id !== GET_USER_ID) throw new Error(`wrong answer: ${JSON.stringify(user)}`);
    }
  }
  await Promise.all(Array.from({ length: Math.min(inFlight, calls) }, worker));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort();
  return { rate: calls / seconds, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99) };
}

await run(Math.ceil(n / 5));
const runs = [];
for (let r = 0; r < Number(values.runs); r++) runs.push(await run(n));
client.close();
console.log(JSON.stringify({ runs }));
