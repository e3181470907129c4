import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import pg from "pg";
import { createChannel, createClient, GrpcError, Status, type Channel } from "@tsgrpc/grpc";
import { UserService } from "../src/gen/user_service_pb.js";
import { USERS_CHANNEL } from "../src/postgres-store.js";
import { until } from "./helpers.js";
import { createDatabase, usePostgres } from "./postgres-server.js";
import { exited, start } from "./server-process.js";

// A NOTIFY storm: 100,000 users committed at once, and 100,000 notifications with them, on a replica with watchers
// that read and watchers that do not. Each replica follows the table with a cursor in chunks, and each watcher has a
// bounded backlog: the fast watchers get every user, the slow ones are ended with RESOURCE_EXHAUSTED, and the
// server's memory stays bounded.
const STORM = 100_000;
const cluster = usePostgres();

/** A process's resident memory now and at its peak, in MB (Linux's /proc). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)![1]);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

test("100,000 users and NOTIFYs in one commit: fast watchers get all, slow ones end RESOURCE_EXHAUSTED, the server's memory stays bounded", { timeout: 180_000 }, async (t) => {
  if (cluster.skip) return t.skip(cluster.skip);
  if (process.platform !== "linux") return t.skip("reads the server's memory from /proc");
  const url = await createDatabase(cluster.postgres, `storm_${process.pid}`);
  const server = await start(["--db", url, "--quiet"]);
  const channels: Channel[] = [];
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const connect = () => createClient(UserService, (channels.push(createChannel(`127.0.0.1:${server.port}`)), channels.at(-1)!));
    const counts = [0, 0];
    const fast = counts.map(async (_, i) => {
      for await (const u of connect().watchUsers({})) if (++counts[i]! === 2 + STORM && u.username === `storm${STORM}`) return;
    });
    // Slow watchers read the seed users, then nothing: their streams stall on HTTP/2 flow control.
    const slow = await Promise.all(Array.from({ length: 3 }, async () => {
      const stream = connect().watchUsers({})[Symbol.asyncIterator]();
      for (let i = 0; i < 2; i++) assert.equal((await stream.next()).done, false);
      return stream;
    }));
    await until(() => counts.every((c) => c >= 2), "the fast watchers to list the seed users");
    const before = memoryOf(server.child.pid!);

    await db.query("BEGIN");
    await db.query(`INSERT INTO users (username, email, roles) SELECT 'storm' || g, 'storm' || g || '@example.com', ARRAY['user'] FROM generate_series(1, ${STORM}) g`);
    await db.query(`SELECT pg_notify('${USERS_CHANNEL}', id::text) FROM users WHERE username LIKE 'storm%'`);
    await db.query("COMMIT");
    await Promise.all(fast);
    assert.deepEqual(counts, [2 + STORM, 2 + STORM], "each fast watcher got every user once");
    const after = memoryOf(server.child.pid!);
    t.diagnostic(`server RSS before the storm ${before.rss.toFixed(0)} MB, peak ${after.peak.toFixed(0)} MB, after ${after.rss.toFixed(0)} MB`);

    // Measured on the 2-core machine: about 45 MB of growth with the backlogs; over 100 MB when the slow watchers'
    // queues are unbounded (each holding the whole storm).
    assert.ok(after.peak - before.rss < 80, `the server's peak RSS grew by ${(after.peak - before.rss).toFixed(0)} MB`);
    for (const stream of slow) {
      const outcome = await (async () => {
        for (let r = await stream.next(); !r.done; r = await stream.next());
        return "ended without an error";
      })().catch((e: GrpcError) => e);
      assert.ok(outcome instanceof GrpcError && outcome.code === Status.RESOURCE_EXHAUSTED, String(outcome));
    }
  } finally {
    await db.end();
    for (const ch of channels) ch.close();
    server.child.kill("SIGTERM");
    await exited(server.child);
  }
});
