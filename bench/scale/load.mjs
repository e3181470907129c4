// Load generator for the real UserService: GetUser or CreateUser calls with a fixed number in flight, over several
// connections (one channel each: node:cluster hands out connections, not calls), through the project's own client.
//   node bench/scale/load.mjs create|get --target HOST:PORT|ipv4:H:P1,H:P2 [-n 5000] [-c 64] [--connections 4] [--tag T]
// Several targets go through round_robin. CreateUser names are unique per run (--tag and a counter).
// Prints JSON: { rate, p50Ms, p99Ms, cpuUs (this process's CPU per call), warmupCalls (made before the measured ones) }. Any failed call fails the run.
import { parseArgs } from "node:util";
import { createChannel, createClient } from "@tsgrpc/grpc";
import { tsgrpc as pb } from "../lib/schema.mjs";
import { percentile } from "../lib/stats.mjs";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { target: { type: "string" }, n: { type: "string", default: "5000" }, c: { type: "string", default: "64" }, connections: { type: "string", default: "4" }, tag: { type: "string", default: String(process.pid) }, id: { type: "string", default: "1" } } });
const method = positionals[0];
if (method !== "get" && method !== "create") throw new Error("first argument: get or create");
const options = values.target.startsWith("ipv4:") ? { defaultServiceConfig: { loadBalancingConfig: [{ round_robin: {} }] } } : {};
const channels = Array.from({ length: Number(values.connections) }, () => createChannel(values.target, options));
const clients = channels.map((ch) => createClient(pb.UserService, ch));
const n = Number(values.n), inFlight = Number(values.c), id = Number(values.id);
let seq = 0;

const call = method === "get"
  ? async (client) => {
      const { user } = await client.getUser({ id });
      if (user?.id !== id) throw new Error(`wrong answer: ${JSON.stringify(user)}`);
    }
  : async (client) => {
      const name = `${values.tag}_${++seq}`;
      const { user } = await client.createUser({ username: name, email: `${name}@example.com` });
      if (user?.username !== name) throw new Error(`wrong answer: ${JSON.stringify(user)}`);
    };

async function run(calls) {
  const latencies = new Float64Array(calls);
  let next = 0;
  const cpu0 = process.cpuUsage(), start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async (_, w) => {
    const client = clients[w % clients.length];
    while (next < calls) {
      const i = next++;
      const t = performance.now();
      await call(client);
      latencies[i] = performance.now() - t;
    }
  }));
  const seconds = (performance.now() - start) / 1000, cpu = process.cpuUsage(cpu0);
  latencies.sort();
  return { rate: calls / seconds, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), cpuUs: (cpu.user + cpu.system) / calls };
}

const warmupCalls = Math.min(1000, Math.ceil(n / 5));
await run(warmupCalls); // connect and warm up
const result = { ...(await run(n)), warmupCalls }; // a caller measuring the server's CPU over this process's life counts both
for (const ch of channels) ch.close();
console.log(JSON.stringify(result));
