import { test } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { createChannel, createClient, type Channel, type GrpcError } from "@tsgrpc/grpc";
import { UserService } from "../src/gen/user_service_pb.js";
import { resumingWatch } from "../src/resuming-watch.js";
import { until } from "./helpers.js";
import { createDatabase, usePostgres } from "./postgres-server.js";
import { exited, start, type Started } from "./server-process.js";

// A resuming watcher (src/resuming-watch.ts) on replica C of three, while users are created through A and B; C is
// killed with SIGKILL mid-stream. The watcher resumes on a survivor after the last user it received, and in the end has
// every committed user exactly once, in commit order.
let url = "";
const replicas: Started[] = [];
const cluster = usePostgres({
  setUp: async (postgres) => {
    url = await createDatabase(postgres, `resume_${process.pid}`);
    for (let i = 0; i < 3; i++) replicas.push(await start(["--db", url, "--quiet"]));
  },
});

test("kill -9 of the watcher's replica mid-stream: the resuming watcher ends up with every committed user once, in commit order", { timeout: 120_000 }, async (t) => {
  if (cluster.skip) return t.skip(cluster.skip);
  const [a, b, c] = replicas as [Started, Started, Started];
  const channels: Channel[] = [];
  const channelTo = (target: string, options = {}) => (channels.push(createChannel(target, options)), channels.at(-1)!);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    // The watcher's channel: pick_first over C, A, B, so it is on C, and falls over to A (or B) once C is gone.
    const watcher = createClient(UserService, channelTo(`ipv4:127.0.0.1:${c.port},127.0.0.1:${a.port},127.0.0.1:${b.port}`));
    const writers = createClient(UserService, channelTo(`ipv4:127.0.0.1:${a.port},127.0.0.1:${b.port}`, { defaultServiceConfig: { loadBalancingConfig: [{ round_robin: {} }] } }));
    const received: number[] = [];
    const resumes: { code: number; after: number }[] = [];
    const stopWatching = new AbortController();
    const watching = (async () => {
      for await (const u of resumingWatch(watcher, { signal: stopWatching.signal, backoff: { initialMs: 20, maxMs: 200 }, onResume: (e: GrpcError, after) => resumes.push({ code: e.code, after }) })) received.push(u.id);
    })();

    // Four writers, each creating users one after another until told to stop.
    let writing = true;
    const acknowledged: number[] = [];
    const writing4 = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; writing; i++) acknowledged.push((await writers.createUser({ username: `w${w}n${i}`, email: `w${w}n${i}@example.com` })).user!.id);
    });
    await until(() => received.length >= 200, "the watcher to receive 200 users from replica C");
    c.child.kill("SIGKILL");
    await exited(c.child);
    const atKill = received.length;
    await until(() => resumes.length > 0 && received.length >= atKill + 200, "the watcher to resume on a survivor and receive 200 more users");
    writing = false;
    await Promise.all(writing4);

    const committed = (await db.query<{ id: string }>("SELECT id FROM users ORDER BY id")).rows.map((r) => Number(r.id));
    await until(() => received.length >= committed.length, `the watcher to receive all ${committed.length} committed users`);
    stopWatching.abort();
    await watching;
    assert.ok(resumes.every((r) => r.code === 14), "resumed after UNAVAILABLE only");
    assert.deepEqual(received, committed, "every committed user once, in commit (= id) order");
    for (const id of acknowledged) assert.ok(committed.includes(id), `acknowledged user ${id} is committed`);
  } finally {
    await db.end();
    for (const ch of channels) ch.close();
  }
});
