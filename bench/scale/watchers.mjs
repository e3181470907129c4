// WATCHERS WatchUsers streams spread over the given replicas (CONNECTIONS connections per replica), recording when each
// stream receives each user whose name starts with PREFIX.
//   node bench/scale/watchers.mjs --targets H:P1,H:P2,H:P3 [--watchers 1000] [--connections 4] [--prefix fan_]
// Prints "ready" once every stream has received the existing users (the listing: the seeded users, ids 1 and 2),
// then on stdin's end prints JSON { watchers, receipts: { username: [wall-clock ms, ...] } } and exits.
import { parseArgs } from "node:util";
import { createChannel, createClient } from "@tsgrpc/grpc";
import { tsgrpc as pb } from "../lib/schema.mjs";

const { values } = parseArgs({ options: { targets: { type: "string" }, watchers: { type: "string", default: "1000" }, connections: { type: "string", default: "4" }, prefix: { type: "string", default: "fan_" } } });
const targets = values.targets.split(","), count = Number(values.watchers), perReplica = Number(values.connections);
const clients = targets.flatMap((t) => Array.from({ length: perReplica }, () => createClient(pb.UserService, createChannel(t))));
const now = () => performance.timeOrigin + performance.now();
const receipts = new Map();
const aborts = [];
let listed = 0, failed = 0;

for (let i = 0; i < count; i++) {
  // Watcher i on replica i % replicas: the replicas get a third each.
  const client = clients[(i % targets.length) * perReplica + (Math.floor(i / targets.length) % perReplica)];
  const abort = new AbortController();
  aborts.push(abort);
  void (async () => {
    try {
      for await (const user of client.watchUsers({}, { signal: abort.signal })) {
        if (user.id === 2 && ++listed === count) console.log("ready");
        if (!user.username.startsWith(values.prefix)) continue;
        const t = now();
        let list = receipts.get(user.username);
        if (!list) receipts.set(user.username, (list = []));
        list.push(t);
      }
    } catch (e) {
      if (!abort.signal.aborted) {
        failed++;
        console.error(`watcher ${i}: ${e.message}`);
      }
    }
  })();
}

process.stdin.resume();
process.stdin.on("end", () => {
  for (const a of aborts) a.abort();
  process.stdout.write(JSON.stringify({ watchers: count, failed, receipts: Object.fromEntries(receipts) }) + "\n", () => process.exit(0));
});
