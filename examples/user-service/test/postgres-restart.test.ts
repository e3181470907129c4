import { test } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { createChannel, createClient, GrpcError, Status, type Channel } from "@tsgrpc/grpc";
import { UserService, type CreateUserRequest } from "../src/gen/user_service_pb.js";
import { until } from "./helpers.js";
import { createDatabase, usePostgres } from "./postgres-server.js";
import { ipv4Target, start, type Started } from "./server-process.js";

// PostgreSQL itself restarted (pg_ctl stop -m fast, then start) under a load of calls through two replicas, with
// BulkCreateUsers streams open across the restart: while it is down every call fails UNAVAILABLE with a one-line
// message (never INTERNAL or UNKNOWN, never a stack), the servers stay up, and once it is back calls succeed again
// without restarting anything.
const WORKERS = 6;
/** Bounds of the load: calls per worker, whatever happens. */
const MAX_CALLS = 3000;

let url = "";
let replicas: Started[] = [];
const cluster = usePostgres({
  setUp: async (postgres) => {
    url = await createDatabase(postgres, `restart_${process.pid}`);
    replicas = await Promise.all([0, 1].map(() => start(["--db", url, "--quiet"])));
  },
});

type Phase = "up" | "stopping" | "down" | "starting" | "back";
interface Outcome {
  phase: Phase;
  code: Status;
  message: string;
}

/** How many users of this name prefix are in the database, read directly (a connection of its own). */
async function committed(prefix: string): Promise<number> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    return (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE username LIKE $1", [`${prefix}%`])).rows[0]!.n;
  } finally {
    await db.end();
  }
}

/** A promise and the function that resolves it: the load's streams wait on the test's events, not on timers. */
function event(): [Promise<void>, () => void] {
  let resolve!: () => void;
  return [new Promise<void>((r) => (resolve = r)), () => resolve()];
}

const user = (name: string): CreateUserRequest => ({ username: name, email: `${name}@example.com` }) as CreateUserRequest;

test("PostgreSQL restarted under load: UNAVAILABLE (one line, no stack) while it is down, servers stay up, calls succeed again once it is back", { timeout: 120_000 }, async (t) => {
  if (cluster.skip) return t.skip(cluster.skip);
  const channels: Channel[] = [];
  const clientOf = (target: string, options = {}) => createClient(UserService, (channels.push(createChannel(target, options)), channels.at(-1)!));
  // No retry policy: each call's own status is what the test looks at.
  const client = clientOf(ipv4Target(replicas), { defaultServiceConfig: { loadBalancingConfig: [{ round_robin: {} }] } });
  let phase: Phase = "up";
  let stopLoad = false;
  const outcomes: Outcome[] = [];
  const record = (p: Phase, call: Promise<unknown>) =>
    call.then(
      () => void outcomes.push({ phase: p, code: Status.OK, message: "" }),
      (e: GrpcError) => void outcomes.push({ phase: p, code: e.code, message: e.rawMessage }),
    );
  const count = (p: Phase, ok: boolean) => outcomes.filter((o) => o.phase === p && (o.code === Status.OK) === ok).length;
  try {
    const workers = Array.from({ length: WORKERS }, async (_, w) => {
      for (let i = 0; i < MAX_CALLS && !stopLoad; i++) {
        const p = phase;
        const kind = i % 3;
        await record(p, kind === 0 ? client.createUser(user(`w${w}n${i}`), { timeout: 10_000 }) : kind === 1 ? client.getUser({ id: 1 }, { timeout: 10_000 }) : client.listUsers({ pageSize: 5 }, { timeout: 10_000 }));
      }
    });
    // Two streams open across the restart: one sends a user while the database is down (it must end UNAVAILABLE,
    // keeping the users before it), the other sends only before and after (it must not notice).
    const [stopped, setStopped] = event();
    const [recovered, setRecovered] = event();
    const during = client.bulkCreateUsers((async function* () {
      for (let i = 0; i < 5; i++) yield user(`during${i}`);
      await stopped;
      yield user("duringoutage");
    })(), { timeout: 60_000 }).then((r) => r.createdCount, (e: GrpcError) => e);
    const across = client.bulkCreateUsers((async function* () {
      for (let i = 0; i < 5; i++) yield user(`across${i}`);
      await recovered;
      for (let i = 5; i < 10; i++) yield user(`across${i}`);
    })(), { timeout: 60_000 }).then((r) => r.createdCount, (e: GrpcError) => e);

    await until(async () => count("up", true) >= 200 && (await committed("during")) === 5 && (await committed("across")) === 5, "200 calls and both streams' first users");
    phase = "stopping";
    await cluster.postgres.stop();
    phase = "down";
    setStopped();
    await until(() => count("down", false) >= 100, "100 calls to fail while PostgreSQL is down");
    phase = "starting";
    await cluster.postgres.start();
    phase = "back";
    // Each replica answers again by itself: its pool connects anew.
    const each = replicas.map((r) => clientOf(`127.0.0.1:${r.port}`));
    await until(async () => (await Promise.all(each.map((c) => c.getUser({ id: 1 }).then(() => true, () => false)))).every(Boolean), "both replicas to answer again");
    setRecovered();
    await until(() => count("back", true) >= 200, "200 calls to succeed after the restart");
    stopLoad = true;
    await Promise.all(workers);

    const failures = outcomes.filter((o) => o.code !== Status.OK);
    const wrong = failures.filter((o) => o.code !== Status.UNAVAILABLE || !/^the database is unavailable: [^\n]*$/.test(o.message));
    assert.deepEqual(wrong.slice(0, 5), [], "every failure is UNAVAILABLE, with a one-line message");
    assert.equal(count("down", true), 0, "nothing succeeds while the database is down");
    const duringResult = await during;
    assert.ok(duringResult instanceof GrpcError && duringResult.code === Status.UNAVAILABLE && /^the database is unavailable: [^\n]*$/.test(duringResult.rawMessage), `the stream that sent during the outage: ${duringResult}`);
    assert.equal(await committed("during"), 5, "its users sent before the outage stay");
    assert.equal(await across, 10, "the stream open across the restart created all its users");
    for (const r of replicas) {
      assert.equal(r.child.exitCode, null, "the server is still up");
      assert.doesNotMatch(r.output(), /\n\s+at /, "no stack trace in the server's output");
    }
    t.diagnostic(`${outcomes.length} calls: ${count("up", true)} OK before; ${count("stopping", true)} OK and ${count("stopping", false)} failed while stopping; ${count("down", false)} failed while down; ${count("starting", true) + count("back", true)} OK and ${count("starting", false) + count("back", false)} failed after the start`);
  } finally {
    stopLoad = true;
    for (const c of channels) c.close();
  }
});
