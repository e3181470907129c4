// The call layer of several clients in ONE process, batch after batch in turn: the most precise comparison of what
// the channel adds per call, since every batch of every client shares the process, its heap and the machine's state
// of the moment (a busy host slows the next batch of each alike).
//   node bench/clients/channel-ab.mjs --target HOST:PORT [--before DIR] [--variants before,pick_first,...]
//     [--batch 20000] [--rounds 30] [-c 100]
// A variant is a name of clients/channel.mjs's VARIANTS, or NAME@DIR: today's variant NAME on the build in DIR (a
// patched copy, to try a fix). Every client connects to the server, warms up over the network, then has its
// connection answer in memory (clients/channel.mjs --fake-stream) and warms up again; then each round runs one batch
// of each client, in a rotated order. Prints JSON: { variants: { name: { cpuUsPerCall: [per round] } } }.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { GET_USER_ID } from "../lib/data.mjs";
import { VARIANTS, fakeStreams } from "./channel.mjs";

const { values } = parseArgs({
  options: {
    target: { type: "string" },
    before: { type: "string" },
    variants: { type: "string" },
    batch: { type: "string", default: "20000" },
    rounds: { type: "string", default: "30" },
    c: { type: "string", default: "100" },
  },
});
const names = (values.variants ?? (values.before ? "before,pick_first,round_robin,retry" : "pick_first,round_robin,retry")).split(",");
const batch = Number(values.batch);
const inFlight = Number(values.c);

async function makeClient(name) {
  const [variantName, dir] = name.split("@");
  const variant = VARIANTS[variantName];
  if (!variant) throw new Error(`unknown variant ${variantName}`);
  const build = variant.before ? values.before : dir;
  if (variant.before && !build) throw new Error(`${name} needs --before DIR`);
  const { createChannel, createClient } = await import(build ? pathToFileURL(join(build, "packages/grpc/dist/src/index.js")).href : "@tsgrpc/grpc");
  const { tsgrpc: pb } = await import(build ? pathToFileURL(join(build, "bench/lib/schema.mjs")).href : "../lib/schema.mjs");
  const channel = createChannel(values.target, variant.options);
  const client = createClient(pb.UserService, channel);
  return { name, channel, client, pb };
}

async function run(client, calls) {
  let next = 0;
  async function worker() {
    while (next < calls) {
      next++;
      const { user } = await client.getUser({ id: GET_USER_ID });
      if (user?.id !== GET_USER_ID) throw new Error(`wrong answer: ${JSON.stringify(user)}`);
    }
  }
  const before = process.cpuUsage();
  await Promise.all(Array.from({ length: Math.min(inFlight, calls) }, worker));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}

const clients = [];
for (const name of names) clients.push(await makeClient(name));
for (const c of clients) await run(c.client, 2000); // connected and warm over the network
for (const c of clients) fakeStreams(c.channel, c.pb);
for (let i = 0; i < 3; i++) for (const c of clients) await run(c.client, batch);
const results = Object.fromEntries(names.map((n) => [n, { cpuUsPerCall: [] }]));
for (let r = 0; r < Number(values.rounds); r++) {
  for (let i = 0; i < clients.length; i++) {
    const c = clients[(i + r) % clients.length];
    results[c.name].cpuUsPerCall.push(await run(c.client, batch));
  }
}
for (const c of clients) c.channel.close();
console.log(JSON.stringify({ batch, inFlight, variants: results }));
process.exit(0);
