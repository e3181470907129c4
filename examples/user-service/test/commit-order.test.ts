import { test } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { PostgresUserStore } from "../src/postgres-store.js";
import { until } from "./helpers.js";
import { createDatabase, usePostgres } from "./postgres-server.js";

// Users commit in id order on PostgreSQL (the id comes with a transaction-level advisory lock): what makes a resumed
// WatchUsers ("the users above the last one received") and the replicas' catch-up exact.
const cluster = usePostgres();

test("PostgreSQL: a create waits while another insert's transaction is open, and gets a higher id once it commits", async (t) => {
  if (cluster.skip) return t.skip(cluster.skip);
  const url = await createDatabase(cluster.postgres, `order_${process.pid}`);
  const store = await PostgresUserStore.open(url);
  const held = new pg.Client({ connectionString: url });
  const observer = new pg.Client({ connectionString: url });
  await held.connect();
  await observer.connect();
  try {
    // Any insert (psql's too) takes the turn: this one holds it until it commits.
    await held.query("BEGIN");
    const { rows } = await held.query<{ id: string }>("INSERT INTO users (username, email, roles) VALUES ('held', 'held@example.com', ARRAY['user']) RETURNING id");
    let created = false;
    const creating = store.create({ username: "waiting", email: "waiting@example.com" }).then((u) => ((created = true), u));
    const waiters = async () => Number((await observer.query<{ n: string }>("SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).rows[0]!.n);
    await until(async () => (await waiters()) === 1, "the create to wait for the open insert's turn");
    assert.equal(created, false, "the create waits for the open transaction");
    await held.query("COMMIT");
    const user = await creating;
    assert.ok(user.id > Number(rows[0]!.id), `the later commit has the higher id (${user.id} > ${rows[0]!.id})`);
    // A rolled-back insert gives the turn back too.
    await held.query("BEGIN");
    await held.query("INSERT INTO users (username, email, roles) VALUES ('rolled', 'rolled@example.com', ARRAY['user'])");
    const next = store.create({ username: "after-rollback", email: "after-rollback@example.com" });
    await until(async () => (await waiters()) === 1, "the create to wait again");
    await held.query("ROLLBACK");
    assert.ok((await next).id > user.id);
  } finally {
    await held.end();
    await observer.end();
    await store.close();
  }
});

test("PostgreSQL: a replica whose listening connection is cut mid-load still hears every committed user once, in commit order", async (t) => {
  if (cluster.skip) return t.skip(cluster.skip);
  const url = await createDatabase(cluster.postgres, `cut_${process.pid}`);
  const [a, b] = await Promise.all([PostgresUserStore.open(url), PostgresUserStore.open(url)]);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const heard: number[] = [];
    b.onChange((u) => heard.push(u.id));
    let cut = false;
    // Eight writers on replica A; after 100 users, every LISTENing connection is cut (B's, and A's).
    await Promise.all(Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; i < 40; i++) {
        await a.create({ username: `w${w}n${i}`, email: `w${w}n${i}@example.com` });
        if (!cut && heard.length >= 100) {
          cut = true;
          const { rowCount } = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'");
          assert.ok(rowCount! >= 1, "a listener was cut");
        }
      }
    }));
    assert.ok(cut, "the listener was cut mid-load");
    const committed = (await admin.query<{ id: string }>("SELECT id FROM users WHERE username LIKE 'w%' ORDER BY id")).rows.map((r) => Number(r.id));
    await until(() => heard.length >= committed.length, "B to hear every user");
    assert.deepEqual(heard, committed);
  } finally {
    await admin.end();
    await a.close();
    await b.close();
  }
});
