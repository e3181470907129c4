import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { createChannel, createClient, GrpcError, Status } from "@tsgrpc/grpc";
import { createApp } from "../src/app.js";
import { UserService } from "../src/gen/user_service_pb.js";
import { PostgresUserStore } from "../src/postgres-store.js";
import { SqliteUserStore } from "../src/sqlite-store.js";
import { DuplicateUserError, isRepeat, type UserRecord, type UserStore } from "../src/store.js";
import { until } from "./helpers.js";
import { createDatabase, startPostgres, type TestPostgres } from "./postgres-server.js";

// The PostgreSQL store against a real server: a throwaway cluster on loopback (CI installs Debian's postgresql), or
// TSGRPC_TEST_POSTGRES_URL. Where neither exists the tests skip, saying why.
let server: TestPostgres | undefined;
let skip: string | false = false;
let database = 0;
before(async () => {
  const started = await startPostgres();
  if (typeof started === "string") skip = started;
  else server = started;
});
after(() => server?.destroy());

/** A fresh database on the server for one test, so that tests do not see each other's users. */
async function freshDatabase(): Promise<string> {
  return createDatabase(server!, `t${process.pid}_${++database}`);
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
  // The same create repeated (a retry whose first attempt committed) is that user, not a second one nor an error.
  const repeated = await store.create({ username: "Robert'); DROP TABLE users;--", email: "bobby@example.com" });
  assert.deepEqual(repeated, sql);
  assert.ok(isRepeat(repeated) && !isRepeat(sql), "a repeat is marked, for relays not to announce it again");
  await assert.rejects(store.create({ username: "Robert'); DROP TABLE users;--", email: "BOBBY@example.com" }), DuplicateUserError, "a repeat is the same bytes");
  for (let i = 0; i < 5; i++) await store.create({ username: `u${i}`, email: `u${i}@example.com` });
  const page1 = await store.listAfter(0, 4);
  const page2 = await store.listAfter(page1.at(-1)!.id, 4);
  assert.deepEqual([...page1, ...page2].map((u) => u.username), ["alice", "bob", "Robert'); DROP TABLE users;--", "u0", "u1", "u2", "u3", "u4"]);
  assert.equal(await store.get(9999), undefined);
  const secret = await store.tokenSecret();
  assert.equal(secret.length, 32);
  assert.deepEqual(await store.tokenSecret(), secret, "the secret stays");
  await store.ping();
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
  if (skip) return t.skip(skip);
  const store = await PostgresUserStore.open(await freshDatabase());
  try {
    await contract(store);
  } finally {
    await store.close();
  }
});

test("two replicas on one database: the same token secret, and each hears every user the other creates, once", async (t) => {
  if (skip) return t.skip(skip);
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
  if (skip) return t.skip(skip);
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
  if (skip) return t.skip(skip);
  const missing = server!.url.replace(/\/\/([^@]*)@/, "//$1:secret@").replace(/\/[^/]*$/, "/no_such_database");
  await assert.rejects(PostgresUserStore.open(missing), (e: Error) => /^cannot use the database at postgres:\/\/tsgrpc:\*\*\*@127\.0\.0\.1:\d+\/no_such_database: .*does not exist/.test(e.message) && !e.message.includes("secret"));
  await assert.rejects(PostgresUserStore.open("postgres://tsgrpc@127.0.0.1:1/postgres"), /cannot use the database at postgres:\/\/tsgrpc@127\.0\.0\.1:1\/postgres: .*ECONNREFUSED/);
});

test("the service on PostgreSQL: ALREADY_EXISTS for a duplicate; UNAVAILABLE while the database is down, and recovery when it is back", async (t) => {
  if (skip) return t.skip(skip);
  const app = await createApp({ db: await freshDatabase(), healthIntervalMs: 50 });
  const port = await app.listen("127.0.0.1:0");
  const channel = createChannel(`127.0.0.1:${port}`);
  const client = createClient(UserService, channel);
  try {
    const { user } = await client.createUser({ username: "carol", email: "carol@example.com" });
    await assert.rejects(client.createUser({ username: "carol", email: "c2@example.com" }), (e: GrpcError) => e.code === Status.ALREADY_EXISTS);
    await server!.stop();
    await assert.rejects(client.getUser({ id: user!.id }), (e: GrpcError) => e.code === Status.UNAVAILABLE && /database is unavailable/.test(e.rawMessage));
    await server!.start();
    await until(() => client.getUser({ id: user!.id }).then(() => true, () => false), "the service to answer again");
  } finally {
    channel.close();
    await app.shutdown(100);
  }
});
