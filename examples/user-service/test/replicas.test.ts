import { test } from "node:test";
import assert from "node:assert/strict";
import { createChannel, createClient, type Channel } from "@tsgrpc/grpc";
import { UserService } from "../src/gen/user_service_pb.js";
import { until } from "./helpers.js";
import { createDatabase, usePostgres } from "./postgres-server.js";
import { ipv4Target, start, type Started } from "./server-process.js";

// Three replicas of the server (separate processes, as `npm start` runs them) on one PostgreSQL, reached through the
// channel's round_robin: every replica sees every user, and a watcher on any replica sees every user once, in the
// order the creates committed.
const replicas: Started[] = [];
const cluster = usePostgres({
  setUp: async (postgres) => {
    const url = await createDatabase(postgres, `replicas_${process.pid}`);
    for (let i = 0; i < 3; i++) replicas.push(await start(["--db", url, "--quiet"]));
  },
});

type Client = ReturnType<typeof createClient<typeof UserService>>;

test("1,000 users created through round_robin over three replicas: each visible on every replica; watchers on two replicas see all once, in the same order", { timeout: 120_000 }, async (t) => {
  if (cluster.skip) return t.skip(cluster.skip);
  const channels: Channel[] = [];
  const channelTo = (target: string, options = {}) => (channels.push(createChannel(target, options)), channels.at(-1)!);
  try {
    const spread = createClient(UserService, channelTo(ipv4Target(replicas), { defaultServiceConfig: { loadBalancingConfig: [{ round_robin: {} }] } }));
    const each: Client[] = replicas.map((r) => createClient(UserService, channelTo(`127.0.0.1:${r.port}`)));
    // Watchers on replicas A and C, started before the creates (they first list the seed users).
    const watched: number[][] = [[], []];
    const controller = new AbortController();
    const watching = [each[0]!, each[2]!].map(async (client, w) => {
      try {
        for await (const u of client.watchUsers({}, { signal: controller.signal })) watched[w]!.push(u.id);
      } catch {
        // cancelled at the end
      }
    });
    await until(() => watched.every((w) => w.length >= 2), "both watchers to list the seed users (they are listening then)");
    const created = await Promise.all(Array.from({ length: 1000 }, (_, i) => spread.createUser({ username: `replica${i}`, email: `replica${i}@example.com` }).then((r) => r.user!.id)));
    assert.equal(new Set(created).size, 1000);
    // Each user is visible from every replica.
    for (const client of each) {
      const page = await client.listUsers({ pageSize: 1000 });
      const ids = new Set(page.users.map((u) => u.id));
      for (const id of created.slice(0, 50)) assert.ok(ids.has(id) || (await client.getUser({ id })).user?.id === id);
    }
    for (const client of each) for (const id of [created[0]!, created[499]!, created[999]!]) assert.equal((await client.getUser({ id })).user!.id, id);
    await until(() => watched.every((w) => w.length >= 1002), "both watchers to see every user");
    controller.abort();
    await Promise.all(watching);
    for (const w of watched) {
      assert.equal(w.length, 1002, "the two seed users and every created user, once");
      assert.deepEqual(new Set(w.slice(2)), new Set(created));
    }
    assert.deepEqual(watched[0], watched[1], "both replicas' watchers saw the same (commit) order");
  } finally {
    for (const c of channels) c.close();
  }
});
