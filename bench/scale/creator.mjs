// Creates users at a steady rate over the given replicas (round_robin), one at a time, for the fan-out benchmark.
//   node bench/scale/creator.mjs --target ipv4:H:P1,H:P2,H:P3 [--rate 20] [--seconds 30] [--prefix fan_]
// Prints JSON [{ username, sent, ack }] (wall-clock ms: when the call was made, when its OK response arrived).
import { parseArgs } from "node:util";
import { createChannel, createClient } from "@tsgrpc/grpc";
import { setTimeout as sleep } from "node:timers/promises";
import { tsgrpc as pb } from "../lib/schema.mjs";

const { values } = parseArgs({ options: { target: { type: "string" }, rate: { type: "string", default: "20" }, seconds: { type: "string", default: "30" }, prefix: { type: "string", default: "fan_" } } });
const options = values.target.startsWith("ipv4:") ? { defaultServiceConfig: { loadBalancingConfig: [{ round_robin: {} }] } } : {};
const channel = createChannel(values.target, options);
const client = createClient(pb.UserService, channel);
const now = () => performance.timeOrigin + performance.now();
const interval = 1000 / Number(values.rate), total = Math.round(Number(values.rate) * Number(values.seconds));
await client.getUser({ id: 1 }); // connected
const created = [];
const begin = now();
for (let i = 0; i < total; i++) {
  const wait = begin + i * interval - now();
  if (wait > 0) await sleep(wait);
  const username = `${values.prefix}${i}`;
  const sent = now();
  await client.createUser({ username, email: `${username}@example.com` });
  created.push({ username, sent, ack: now() });
}
channel.close();
console.log(JSON.stringify(created));
