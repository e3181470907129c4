import { test } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { createChannel, createClient, GrpcError, Status } from "@tsgrpc/grpc";
import { createApp } from "../src/app.js";
import { UserService } from "../src/gen/user_service_pb.js";
import { PostgresUserStore } from "../src/postgres-store.js";
import { SqliteUserStore } from "../src/sqlite-store.js";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { DuplicateUserError, isRepeat, RequestIdReusedError, type UserRecord, type UserStore } from "../src/store.js";
import { until } from "./helpers.js";
import { createDatabase, usePostgres } from "./postgres-server.js";

// The PostgreSQL store against a real server: a throwaway cluster on loopback (CI installs Debian's postgresql), or
// TSGRPC_TEST_POSTGRES_URL. Where neither exists the tests skip, saying why.
let database = 0;
const cluster = usePostgres();

/** A fresh database on the server for one test, so that tests do not see each other's users. */
async function freshDatabase(): Promise<string> {
  return createDatabase(cluster.postgres, `t${process.pid}_${++database}`);
}

/** The store's contract, run against SQLite and PostgreSQL alike: same seed, duplicates, paging, SQL-looking names. */
async function contract(store: UserStore): Promise<void> {
  const seeded = await store.listAfter(0, 10);
  assert.deepEqual(seeded.map((u) => [u.username, u.roles]), [["alice", ["admin"]], ["bob", ["user"]]]);
  const sql = await store.create({ username: "Robert'); DROP TABLE users;--", email: "bobby@example.com" });
  assert.deepEqual(await store.get(sql.id), sql);
  assert.equal(sql.username, "Robert'); DROP TABLE users;--");
  assert.deepEqual(sql.roles, ["user"]);
  await assert.rejects(store.create({ username: "Robert'); DROP TABLE users;--", email: "other@example.com" }), (e: DuplicateUserError) => e instanceof DuplicateUserError && e.field === "username");
  await assert.rejects(store.create({ username: "someone", email: "BOBBY@example.com" }), (e: DuplicateUserError) => e instanceof DuplicateUserError && e.field === "email", "email is unique whatever its case");
  await assert.rejects(store.create({ username: "Robert'); DROP TABLE users;--", email: "bobby@example.com" }), (e: DuplicateUserError) => e instanceof DuplicateUserError && e.field === "username", "without a request id, the same username and email again is a duplicate");
  for (let i = 0; i < 5; i++) await store.create({ username: `u${i}`, email: `u${i}@example.com` });
  const page1 = await store.listAfter(0, 4);
  const page2 = await store.listAfter(page1.at(-1)!.id, 4);
  assert.deepEqual([...page1, ...page2].map((u) => u.username), ["alice", "bob", "Robert'); DROP TABLE users;--", "u0", "u1", "u2", "u3", "u4"]);
  assert.equal(await store.get(9999), undefined);
  await requestIds(store);
  const secret = await store.tokenSecret();
  assert.equal(secret.length, 32);
  assert.deepEqual(await store.tokenSecret(), secret, "the secret stays");
  await store.ping();
}

/**
 * Request ids (AIP-155): the same request id and user again is the user the first create made, one row, announced
 * once; the same request id with another username or email is RequestIdReusedError; no request id (or an empty one)
 * is no idempotency.
 */
async function requestIds(store: UserStore): Promise<void> {
  const heard: UserRecord[] = [];
  const unsubscribe = store.onChange((u) => heard.push(u));
  try {
    const first = await store.create({ username: "ria", email: "ria@example.com", requestId: "8b0f7c1e-5f7a-4d51-9a36-2a3f0d1e9c44" });
    assert.ok(!isRepeat(first));
    const again = await store.create({ username: "ria", email: "ria@example.com", requestId: "8b0f7c1e-5f7a-4d51-9a36-2a3f0d1e9c44" });
    assert.deepEqual(again, first, "the same request again: the user it created");
    assert.ok(isRepeat(again), "a repeat is marked, for relays not to announce it again");
    const reused = (e: unknown) => e instanceof RequestIdReusedError && e.requestId === "8b0f7c1e-5f7a-4d51-9a36-2a3f0d1e9c44";
    await assert.rejects(store.create({ username: "rob", email: "rob@example.com", requestId: "8b0f7c1e-5f7a-4d51-9a36-2a3f0d1e9c44" }), reused, "a new user under a used request id");
    await assert.rejects(store.create({ username: "ria", email: "other@example.com", requestId: "8b0f7c1e-5f7a-4d51-9a36-2a3f0d1e9c44" }), reused, "another email");
    await assert.rejects(store.create({ username: "ria", email: "RIA@example.com", requestId: "8b0f7c1e-5f7a-4d51-9a36-2a3f0d1e9c44" }), reused, "the same request is the same bytes");
    // Another request for a taken username: a duplicate, whether that user was created with a request id or not.
    await assert.rejects(store.create({ username: "ria", email: "ria@example.com", requestId: "another" }), DuplicateUserError);
    await assert.rejects(store.create({ username: "ria", email: "ria@example.com" }), DuplicateUserError);
    // An empty request id is none: two creates with one are two users.
    await store.create({ username: "rempty1", email: "rempty1@example.com", requestId: "" });
    await store.create({ username: "rempty2", email: "rempty2@example.com", requestId: "" });
    const marker = await store.create({ username: "rmarker", email: "rmarker@example.com" });
    await until(() => heard.some((u) => u.id === marker.id), "the marker user's event");
    // (Users created before this part may still be on their way to a new subscriber: only ria's and later count.)
    assert.deepEqual(heard.filter((u) => u.id >= first.id).map((u) => u.username), ["ria", "rempty1", "rempty2", "rmarker"], "the repeat was not announced again");
    const all = await store.listAfter(0, 100);
    assert.equal(all.filter((u) => u.username === "ria").length, 1, "one row");
  } finally {
    unsubscribe();
  }
}

/**
 * Two replicas on the same data create the same users with the same request ids at the same time (a retry racing its
 * first attempt): one user per request id, both answered with it, one of them a repeat, each announced once.
 * `hearEveryUser`: the stores whose listeners together hear every user once (PostgreSQL: either one; SQLite: both,
 * each of its own creates).
 */
async function concurrentRequestIds(a: UserStore, b: UserStore, hearEveryUser: UserStore[]): Promise<void> {
  const heard: number[] = [];
  const unsubscribes = hearEveryUser.map((s) => s.onChange((u) => heard.push(u.id)));
  try {
    const N = 50;
    const request = (i: number) => ({ username: `c${i}`, email: `c${i}@example.com`, requestId: `race-${i}` });
    const pairs = await Promise.all(Array.from({ length: N }, (_, i) => Promise.all([a.create(request(i)), b.create(request(i))])));
    for (const [x, y] of pairs) {
      assert.deepEqual(x, y, "both replicas answer with the one user");
      assert.equal(Number(isRepeat(x)) + Number(isRepeat(y)), 1, "one created it, the other found it");
    }
    const users = (await a.listAfter(0, 1000)).filter((u) => /^c\d+$/.test(u.username));
    assert.equal(users.length, N, "one row per request id");
    await until(() => users.every((u) => heard.includes(u.id)), "every user's event");
    assert.equal(new Set(heard).size, heard.length, "each user announced once");
  } finally {
    for (const u of unsubscribes) u();
  }
}

test("the store contract holds for SQLite", async () => {
  const store = new SqliteUserStore(":memory:");
  try {
    await contract(store);
  } finally {
    await store.close();
  }
});

test("the store contract holds for PostgreSQL", async (t) => {
  if (cluster.skip) return t.skip(cluster.skip);
  const store = await PostgresUserStore.open(await freshDatabase());
  try {
    await contract(store);
  } finally {
    await store.close();
  }
});

test("SQLite: two stores on one file (workers) create with the same request ids at once: one user each", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-request-id-"));
  const [a, b] = [new SqliteUserStore(join(dir, "users.db")), new SqliteUserStore(join(dir, "users.db"))];
  try {
    await concurrentRequestIds(a, b, [a, b]);
  } finally {
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("PostgreSQL: two replicas create with the same request ids at once: one user each", async (t) => {
  if (cluster.skip) return t.skip(cluster.skip);
  const url = await freshDatabase();
  const [a, b] = await Promise.all([PostgresUserStore.open(url), PostgresUserStore.open(url)]);
  const other = new pg.Client({ connectionString: url });
  await other.connect();
  try {
    await concurrentRequestIds(a, b, [a]);
    // The rarer interleaving, made to happen: the other create's username is inserted after this one's request id
    // check and before its username, so this one waits for the other's commit and fails on the username, not on the
    // request id. It still answers with the other's user (and does not announce it).
    await other.query("BEGIN");
    const { rows } = await other.query<{ id: string }>("INSERT INTO users (username, email, roles) VALUES ('late', 'late@example.com', ARRAY['user']) RETURNING id");
    const racing = a.create({ username: "late", email: "late@example.com", requestId: "race-late" });
    await until(async () => (await other.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rowCount === 1, "the create to wait for the other's insert");
    await other.query("UPDATE users SET request_id = 'race-late' WHERE username = 'late'");
    await other.query("COMMIT");
    const user = await racing;
    assert.equal(user.id, Number(rows[0]!.id));
    assert.ok(isRepeat(user));
  } finally {
    await other.end();
    await a.close();
    await b.close();
  }
});

test("SQLite: a database made before request ids migrates, its users kept", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-migrate-"));
  const file = join(dir, "users.db");
  const old = new Database(file);
  // Schema version 1, as the first release made it.
  old.exec(`CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, username TEXT NOT NULL UNIQUE, email TEXT NOT NULL UNIQUE COLLATE NOCASE, roles TEXT NOT NULL, status INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
    INSERT INTO users (username, email, roles) VALUES ('old', 'old@example.com', '["user"]'), ('older', 'older@example.com', '["user"]');
    PRAGMA user_version = 1;`);
  old.close();
  const store = new SqliteUserStore(file);
  try {
    assert.deepEqual((await store.listAfter(0, 10)).map((u) => u.username), ["old", "older"]);
    const first = await store.create({ username: "new", email: "new@example.com", requestId: "r1" });
    assert.deepEqual(await store.create({ username: "new", email: "new@example.com", requestId: "r1" }), first);
    await store.create({ username: "newer", email: "newer@example.com" });
  } finally {
    await store.close();
  }
  const reopened = new Database(file);
  assert.equal(reopened.pragma("user_version", { simple: true }), 2);
  reopened.close();
  rmSync(dir, { recursive: true, force: true });
});

test("SQLite: processes opening one new file at once (--workers) migrate and seed it once, none failing", async () => {
  const store = new URL("../src/sqlite-store.js", import.meta.url).href;
  const open = `const { SqliteUserStore } = await import(${JSON.stringify(store)}); await new SqliteUserStore(process.argv[1]).close();`;
  for (let round = 0; round < 3; round++) {
    const dir = mkdtempSync(join(tmpdir(), "tsgrpc-open-"));
    try {
      const runs = await Promise.all(Array.from({ length: 4 }, () => runNode(open, join(dir, "users.db"))));
      assert.deepEqual(runs, Array(4).fill(""), "no process failed to open the file");
      const store = new SqliteUserStore(join(dir, "users.db"));
      assert.deepEqual((await store.listAfter(0, 10)).map((u) => u.username), ["alice", "bob"]);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

/** Runs `code` (an ES module) in a new node process with `arg`; its stderr, or "" when it exited 0. */
function runNode(code: string, arg: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--input-type=module", "-e", code, arg], (error, _stdout, stderr) => resolve(error ? stderr || error.message : ""));
  });
}

test("PostgreSQL: a database made before request ids migrates, its users kept", async (t) => {
  if (cluster.skip) return t.skip(cluster.skip);
  const url = await freshDatabase();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    // Schema version 1, as the first release made it.
    await admin.query(`CREATE TABLE schema_migrations (version INTEGER NOT NULL); INSERT INTO schema_migrations VALUES (1);
      CREATE TABLE users (id BIGSERIAL PRIMARY KEY, username TEXT NOT NULL, email TEXT NOT NULL, roles TEXT[] NOT NULL, status INTEGER NOT NULL DEFAULT 0, CONSTRAINT users_username_key UNIQUE (username));
      CREATE UNIQUE INDEX users_email_key ON users (lower(email));
      CREATE TABLE meta (key TEXT PRIMARY KEY, value BYTEA NOT NULL);
      INSERT INTO users (username, email, roles) VALUES ('old', 'old@example.com', ARRAY['user']), ('older', 'older@example.com', ARRAY['user']);`);
    const store = await PostgresUserStore.open(url);
    try {
      assert.deepEqual((await store.listAfter(0, 10)).map((u) => u.username), ["old", "older"]);
      const first = await store.create({ username: "new", email: "new@example.com", requestId: "r1" });
      assert.deepEqual(await store.create({ username: "new", email: "new@example.com", requestId: "r1" }), first);
      await store.create({ username: "newer", email: "newer@example.com" });
    } finally {
      await store.close();
    }
    // Migrations 2 (users commit in id order) and 3 (request ids) ran.
    const { rows } = await admin.query<{ v: number }>("SELECT max(version) AS v FROM schema_migrations");
    assert.equal(rows[0]!.v, 3);
  } finally {
    await admin.end();
  }
});

test("two replicas on one database: the same token secret, and each hears every user the other creates, once", async (t) => {
  if (cluster.skip) return t.skip(cluster.skip);
  const url = await freshDatabase();
  const [a, b] = await Promise.all([PostgresUserStore.open(url), PostgresUserStore.open(url)]);
  try {
    assert.deepEqual(await a.tokenSecret(), await b.tokenSecret(), "a page token of one replica is valid on the other");
    const heardByB: UserRecord[] = [];
    const heardByA: UserRecord[] = [];
    b.onChange((u) => heardByB.push(u));
    a.onChange((u) => heardByA.push(u));
    const created = await Promise.all(Array.from({ length: 200 }, (_, i) => a.create({ username: `x${i}`, email: `x${i}@example.com` })));
    await until(() => heardByB.length >= 200 && heardByA.length >= 200, "both replicas to hear 200 users");
    for (const heard of [heardByA, heardByB]) {
      assert.equal(heard.length, 200, "each user once");
      assert.deepEqual(new Set(heard.map((u) => u.id)), new Set(created.map((u) => u.id)));
    }
    assert.deepEqual(heardByA.map((u) => u.id), heardByB.map((u) => u.id), "both replicas hear them in the same (commit) order");
  } finally {
    await a.close();
    await b.close();
  }
});

test("a replica whose listening connection is cut catches up on what was committed meanwhile, each user once", async (t) => {
  if (cluster.skip) return t.skip(cluster.skip);
  const url = await freshDatabase();
  const [a, b] = await Promise.all([PostgresUserStore.open(url), PostgresUserStore.open(url)]);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const heard: number[] = [];
    b.onChange((u) => heard.push(u.id));
    await a.create({ username: "before", email: "before@example.com" });
    await until(() => heard.length === 1, "the first user");
    // Every LISTENing connection of this database is cut (B's listener, and A's too).
    const { rowCount } = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'");
    assert.ok(rowCount! >= 1, "a listener was cut");
    const during = await Promise.all(Array.from({ length: 20 }, (_, i) => a.create({ username: `during${i}`, email: `during${i}@example.com` })));
    await until(() => heard.length >= 21, "the users created while B was not listening");
    const after = await a.create({ username: "after", email: "after@example.com" });
    await until(() => heard.includes(after.id), "a user created after the reconnection");
    assert.equal(new Set(heard).size, heard.length, "no user twice");
    for (const u of during) assert.ok(heard.includes(u.id), `user ${u.id} was caught up`);
  } finally {
    await admin.end();
    await a.close();
    await b.close();
  }
});

test("a database that cannot be used is one clear error at start, with the password hidden", async (t) => {
  if (cluster.skip) return t.skip(cluster.skip);
  const missing = cluster.postgres.url.replace(/\/\/([^@]*)@/, "//$1:secret@").replace(/\/[^/]*$/, "/no_such_database");
  await assert.rejects(PostgresUserStore.open(missing), (e: Error) => /^cannot use the database at postgres:\/\/tsgrpc:\*\*\*@127\.0\.0\.1:\d+\/no_such_database: .*does not exist/.test(e.message) && !e.message.includes("secret"));
  await assert.rejects(PostgresUserStore.open("postgres://tsgrpc@127.0.0.1:1/postgres"), /cannot use the database at postgres:\/\/tsgrpc@127\.0\.0\.1:1\/postgres: .*ECONNREFUSED/);
});

test("the service on PostgreSQL: ALREADY_EXISTS for a duplicate; UNAVAILABLE while the database is down, and recovery when it is back", async (t) => {
  if (cluster.skip) return t.skip(cluster.skip);
  const app = await createApp({ db: await freshDatabase(), healthIntervalMs: 50 });
  const port = await app.listen("127.0.0.1:0");
  const channel = createChannel(`127.0.0.1:${port}`);
  const client = createClient(UserService, channel);
  try {
    const { user } = await client.createUser({ username: "carol", email: "carol@example.com" });
    await assert.rejects(client.createUser({ username: "carol", email: "c2@example.com" }), (e: GrpcError) => e.code === Status.ALREADY_EXISTS);
    await cluster.postgres.stop();
    await assert.rejects(client.getUser({ id: user!.id }), (e: GrpcError) => e.code === Status.UNAVAILABLE && /database is unavailable/.test(e.rawMessage));
    await cluster.postgres.start();
    await until(() => client.getUser({ id: user!.id }).then(() => true, () => false), "the service to answer again");
  } finally {
    channel.close();
    await app.shutdown(100);
  }
});
