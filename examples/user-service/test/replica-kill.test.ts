import { test } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { createChannel, createClient, GrpcError, Status } from "@tsgrpc/grpc";
import { UserService } from "../src/gen/user_service_pb.js";
import { until } from "./helpers.js";
import { createDatabase, usePostgres } from "./postgres-server.js";
import { callLog, exited, ipv4Target, start, type Started } from "./server-process.js";

// kill -9 of one of three replicas in the middle of a BulkCreateUsers load spread over all three by one channel
// (round_robin over an ipv4: list, retryPolicy for UNAVAILABLE). "Acknowledged" is a batch whose response arrived OK:
// all its users are committed. A batch cut on the killed replica is retried by the channel on a survivor. The client
// gives each entry a request_id (AIP-155) derived from its batch and index, so the same on every attempt: the entries
// that the first attempt committed are requests repeated (the stores return those users), so the retry completes the
// batch instead of failing with ALREADY_EXISTS at its first entry.
const BATCHES = 100;
const BATCH_SIZE = 100;
/** Users committed (of BATCHES * BATCH_SIZE) when the replica is killed: every batch is under way then. */
const KILL_AFTER = 3000;
const BULK = UserService.methods.bulkCreateUsers.path;
const RETRY = {
  loadBalancingConfig: [{ round_robin: {} }],
  methodConfig: [{ name: [{ service: UserService.typeName }], retryPolicy: { maxAttempts: 5, initialBackoff: "0.05s", maxBackoff: "0.5s", backoffMultiplier: 2, retryableStatusCodes: ["UNAVAILABLE"] } }],
};

let url = "";
let replicas: Started[] = [];
const cluster = usePostgres({
  setUp: async (postgres) => {
    url = await createDatabase(postgres, `kill_${process.pid}`);
    // With the call log on (no --quiet): each replica's log says which batches it completed, and when they started.
    replicas = await Promise.all([0, 1, 2].map(() => start(["--db", url])));
  },
});

const username = (batch: number, i: number) => `k${batch}x${i}`;
const batchOf = (batch: number) => Array.from({ length: BATCH_SIZE }, (_, i) => ({ username: username(batch, i), email: `${username(batch, i)}@example.com`, requestId: `batch-${batch}-entry-${i}` }));

test(`kill -9 of one of three replicas amid ${BATCHES * BATCH_SIZE} users in ${BATCHES} concurrent BulkCreateUsers streams: every acknowledged user present once; retries land on the survivors; nothing INTERNAL`, { timeout: 120_000 }, async (t) => {
  if (cluster.skip) return t.skip(cluster.skip);
  const channel = createChannel(ipv4Target(replicas), { defaultServiceConfig: RETRY });
  const client = createClient(UserService, channel);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    // round_robin spreads calls over the READY subchannels: wait until all three have answered one.
    await until(async () => (await client.getUser({ id: 1 }), replicas.every((r) => callLog(r).length > 0)), "every replica to answer through the channel");
    const started = performance.now();
    let loadEnded = false;
    const load = Promise.all(
      Array.from({ length: BATCHES }, (_, b) =>
        client.bulkCreateUsers(batchOf(b), { timeout: 60_000 }).then(
          (r) => ({ batch: b, code: Status.OK, message: "", created: r.createdCount }),
          (e: GrpcError) => ({ batch: b, code: e.code, message: e.rawMessage, created: 0 }),
        ),
      ),
    ).finally(() => (loadEnded = true));

    // Kill replica B once KILL_AFTER users are in and every batch has begun (so any call a survivor starts after the
    // kill is a retry).
    const progress = async () => (await db.query<{ n: number; batches: number }>("SELECT count(*)::int AS n, count(DISTINCT split_part(username, 'x', 1))::int AS batches FROM users WHERE username LIKE 'k%'")).rows[0]!;
    await until(async () => loadEnded || ((p) => p.n >= KILL_AFTER && p.batches === BATCHES)(await progress()), `${KILL_AFTER} users committed`);
    assert.ok(!loadEnded, "the load ended before the kill: raise BATCHES or lower KILL_AFTER");
    const [victim, ...survivors] = [replicas[1]!, replicas[0]!, replicas[2]!];
    const killedAt = Date.now();
    const committedAtKill = (await progress()).n;
    victim.child.kill("SIGKILL");
    await exited(victim.child);
    const outcomes = await load;
    const loadMs = performance.now() - started;

    // Every batch acknowledged; none ended INTERNAL (or anything but OK).
    const failed = outcomes.filter((o) => o.code !== Status.OK);
    assert.deepEqual(failed.map((o) => `batch ${o.batch}: ${Status[o.code]} ${o.message}`), [], "every batch acknowledged");
    assert.ok(outcomes.every((o) => o.created === BATCH_SIZE));
    const acknowledged = new Set(outcomes.flatMap((o) => batchOf(o.batch).map((u) => u.username)));

    // Directly from PostgreSQL: each acknowledged user once, and nothing else.
    const { rows } = await db.query<{ username: string; request_id: string | null }>("SELECT username, request_id FROM users WHERE username LIKE 'k%'");
    assert.equal(rows.length, acknowledged.size, "no user twice, none unacknowledged");
    assert.deepEqual(new Set(rows.map((r) => r.username)), acknowledged);
    const requestIds = new Map(Array.from({ length: BATCHES }, (_, b) => batchOf(b)).flat().map((u) => [u.username, u.requestId]));
    assert.deepEqual(rows.filter((r) => r.request_id !== requestIds.get(r.username)), [], "each user made by its own entry's request");

    // From each survivor, paging through ListUsers: the same users, each once.
    for (const survivor of survivors) {
      const survivorChannel = createChannel(`127.0.0.1:${survivor.port}`);
      try {
        const listed: string[] = [];
        const ids = new Set<number>();
        let pageToken = "";
        for (let page = 0; page < 200; page++) {
          const r = await createClient(UserService, survivorChannel).listUsers({ pageSize: 100, pageToken });
          for (const u of r.users) (listed.push(u.username), ids.add(u.id));
          if (!(pageToken = r.nextPageToken)) break;
        }
        assert.equal(ids.size, listed.length, `replica on ${survivor.port}: no user listed twice`);
        assert.deepEqual(new Set(listed.filter((n) => n.startsWith("k"))), acknowledged, `replica on ${survivor.port} lists every acknowledged user`);
      } finally {
        survivorChannel.close();
      }
    }

    // The call logs: the batches each replica completed, and (on the survivors) those started after the kill, which
    // are the retries of the batches cut on the killed replica. No call ended other than OK on any replica.
    const bulk = (r: Started) => callLog(r).filter((e) => e.method === BULK);
    const retries = survivors.map((r) => bulk(r).filter((e) => Date.parse(e.time) - e.durationMs > killedAt).length);
    const completed = [victim, ...survivors].map((r) => bulk(r).length);
    for (const r of replicas) assert.deepEqual(callLog(r).filter((e) => e.status !== "OK"), [], "no call ended other than OK");
    assert.equal(completed.reduce((a, b) => a + b), BATCHES, "each batch completed once, on one replica");
    assert.ok(retries[0]! + retries[1]! > 0, "batches were cut on the killed replica, and retried on the survivors");
    t.diagnostic(`${acknowledged.size} users acknowledged in ${Math.round(loadMs)} ms; ${committedAtKill} committed at the kill; batches completed by the killed replica before it died: ${completed[0]}, by the survivors: ${completed[1]} and ${completed[2]}, of which retries: ${retries[0]} and ${retries[1]}`);
  } finally {
    await db.end();
    channel.close();
  }
});
