// Bidi ping-pong latency: one UserChat stream, each message sent only after the previous echo came back.
//   node bench/clients/pingpong.mjs NAME --target HOST:PORT -n ROUND_TRIPS --runs R
// Prints JSON: { runs: [{ rate (round trips/s), p50Ms, p99Ms }] } after a warm-up of n/5 round trips.
import { parseArgs } from "node:util";
import { makeClient } from "./stubs.mjs";
import { percentile } from "../lib/stats.mjs";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { target: { type: "string" }, n: { type: "string", default: "5000" }, runs: { type: "string", default: "3" } } });
const client = makeClient(positionals[0], values.target);
const n = Number(values.n);

async function run(roundTrips) {
  const chat = client.chat();
  const latencies = new Float64Array(roundTrips);
  const start = performance.now();
  for (let i = 0; i < roundTrips; i++) {
    const t = performance.now();
    const reply = await chat.roundTrip({ sender: "bench", text: `ping ${i}` });
    latencies[i] = performance.now() - t;
    if (reply.text !== `ping ${i}`) throw new Error(`wrong echo: ${JSON.stringify(reply)}`);
  }
  const seconds = (performance.now() - start) / 1000;
  chat.end();
  latencies.sort();
  return { rate: roundTrips / seconds, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99) };
}

await run(Math.ceil(n / 5));
const runs = [];
for (let r = 0; r < Number(values.runs); r++) runs.push(await run(n));
client.close();
console.log(JSON.stringify({ runs }));
