// Driver choice for the PostgreSQL store: `pg` (what postgres-store.ts uses) against `postgres` (porsager), on the
// queries the store runs, same pool size, same PostgreSQL, runs taken round-robin across the drivers.
//   node bench/scale/drivers.mjs [--runs 3] [-n 20000] [-c 64] [--pool 10] [--users 10000]
// PostgreSQL is pinned to core 0 and this process to core 1. Prints a Markdown table and JSON (--json FILE).
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import pg from "pg";
import postgres from "postgres";
import { startPostgres } from "./postgres.mjs";
import { median } from "../lib/stats.mjs";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" }, n: { type: "string", default: "20000" }, c: { type: "string", default: "64" }, pool: { type: "string", default: "10" }, users: { type: "string", default: "10000" }, json: { type: "string" } } });
const RUNS = Number(values.runs), N = Number(values.n), IN_FLIGHT = Number(values.c), POOL = Number(values.pool), USERS = Number(values.users);
const CHANNEL = "tsgrpc_users_created";

// The store's schema (postgres-store.ts, migration 1) and its three hot queries, as text.
const SCHEMA = `CREATE TABLE users (id BIGSERIAL PRIMARY KEY, username TEXT NOT NULL, email TEXT NOT NULL, roles TEXT[] NOT NULL,
  status INTEGER NOT NULL DEFAULT 0, CONSTRAINT users_username_key UNIQUE (username));
  CREATE UNIQUE INDEX users_email_key ON users (lower(email));
  CREATE EXTENSION pg_stat_statements;`;
const GET = "SELECT * FROM users WHERE id = $1";
const CREATE = `WITH created AS (INSERT INTO users (username, email, roles) VALUES ($1, $2, ARRAY['user']) RETURNING *)
         SELECT created.*, pg_notify('${CHANNEL}', created.id::text) FROM created`;
const LIST = "SELECT * FROM users WHERE id > $1 ORDER BY id LIMIT $2";

const db = await startPostgres({ cpu: 0 });
const cleanup = () => db.destroy();
process.on("exit", cleanup);
try {
  const admin = new pg.Client(db.url);
  await admin.connect();
  await admin.query(SCHEMA);
  await admin.query(`INSERT INTO users (username, email, roles) SELECT 'seed' || i, 'seed' || i || '@example.com', ARRAY['user'] FROM generate_series(1, ${USERS}) i`);
  await admin.query("VACUUM ANALYZE users");
  // A replica's listener is always there: NOTIFY's cost with a listener to deliver to.
  const listener = new pg.Client(db.url);
  await listener.connect();
  let notified = 0;
  listener.on("notification", () => notified++);
  await listener.query(`LISTEN ${CHANNEL}`);

  const pgPool = new pg.Pool({ connectionString: db.url, max: POOL });
  const porsager = postgres(db.url, { max: POOL, onnotice: () => {} });
  // The same without prepared statements: what pipelining alone gives (postgres sends queries on a busy connection).
  const unprepared = postgres(db.url, { max: POOL, onnotice: () => {}, prepare: false });
  let seq = 0;
  const uniq = () => `u${process.pid}x${++seq}`;
  const randomId = () => 1 + Math.floor(Math.random() * USERS);
  const check = (rows, n) => {
    if (rows.length !== n) throw new Error(`expected ${n} rows, got ${rows.length}`);
    if (!Array.isArray(rows[0].roles)) throw new Error("roles not parsed as an array");
  };
  // Each: (i) => Promise; checks what a store would read.
  const drivers = {
    pg: {
      get: async () => check((await pgPool.query(GET, [randomId()])).rows, 1),
      create: async () => { const u = uniq(); check((await pgPool.query(CREATE, [u, `${u}@example.com`])).rows, 1); },
      list: async () => check((await pgPool.query(LIST, [randomId() % (USERS - 20), 11])).rows, 11),
    },
    "pg (named statements)": {
      get: async () => check((await pgPool.query({ name: "get", text: GET, values: [randomId()] })).rows, 1),
      create: async () => { const u = uniq(); check((await pgPool.query({ name: "create", text: CREATE, values: [u, `${u}@example.com`] })).rows, 1); },
      list: async () => check((await pgPool.query({ name: "list", text: LIST, values: [randomId() % (USERS - 20), 11] })).rows, 11),
    },
    postgres: porsagerQueries(porsager),
    "postgres (prepare: false)": porsagerQueries(unprepared),
  };
  function porsagerQueries(sql) {
    return {
      get: async () => check(await sql`SELECT * FROM users WHERE id = ${randomId()}`, 1),
      create: async () => {
        const u = uniq();
        check(await sql`WITH created AS (INSERT INTO users (username, email, roles) VALUES (${u}, ${`${u}@example.com`}, ARRAY['user']) RETURNING *)
         SELECT created.*, pg_notify(${CHANNEL}, created.id::text) FROM created`, 1);
      },
      list: async () => check(await sql`SELECT * FROM users WHERE id > ${randomId() % (USERS - 20)} ORDER BY id LIMIT ${11}`, 11),
    };
  }
  const pgCpu = () => db.cpuSeconds();

  async function measure(fn, calls) {
    let next = 0;
    const cpu0 = process.cpuUsage(), db0 = pgCpu(), t0 = performance.now();
    await Promise.all(Array.from({ length: IN_FLIGHT }, async () => { while (next++ < calls) await fn(); }));
    const seconds = (performance.now() - t0) / 1000, cpu = process.cpuUsage(cpu0);
    return { rate: calls / seconds, clientUs: ((cpu.user + cpu.system) / calls), dbUs: ((pgCpu() - db0) * 1e6) / calls };
  }

  const names = Object.keys(drivers), queries = ["get", "create", "list"];
  const results = {}; // query -> driver -> [runs]
  for (const q of queries) for (const d of names) { await measure(drivers[d][q], Math.ceil(N / 5)); (results[q] ??= {})[d] = []; } // warm-up
  for (let r = 0; r < RUNS; r++) {
    for (const q of queries) {
      // Each round starts one driver further on, so no driver always runs right after the same one.
      for (let k = 0; k < names.length; k++) {
        const d = names[(k + r) % names.length];
        results[q][d].push(await measure(drivers[d][q], N));
      }
    }
  }
  await pgPool.end();
  await porsager.end();
  await unprepared.end();
  await listener.end();
  await admin.end();

  const label = { get: "GetUser (by id)", create: "CreateUser (insert + NOTIFY)", list: "ListUsers page (11 rows)" };
  const lines = ["| query | driver | queries/s | / pg | client CPU per query | PostgreSQL CPU per query |", "|---|---|---:|---:|---:|---:|"];
  const summary = {};
  for (const q of queries) {
    const base = median(results[q].pg.map((x) => x.rate));
    for (const d of names) {
      const runs = results[q][d];
      const s = { rate: median(runs.map((x) => x.rate)), clientUs: median(runs.map((x) => x.clientUs)), dbUs: median(runs.map((x) => x.dbUs)) };
      (summary[q] ??= {})[d] = { ...s, runs };
      lines.push(`| ${label[q]} | ${d} | ${Math.round(s.rate).toLocaleString("en")} | ${(s.rate / base).toFixed(2)}x | ${s.clientUs.toFixed(1)} µs | ${s.dbUs.toFixed(1)} µs |`);
    }
  }
  console.log(lines.join("\n"));
  console.log(`\n${RUNS} runs of ${N} queries, ${IN_FLIGHT} in flight, pool of ${POOL} each; ${notified} notifications delivered to the listener`);
  if (values.json) writeFileSync(values.json, JSON.stringify({ runs: RUNS, n: N, inFlight: IN_FLIGHT, pool: POOL, users: USERS, summary }, null, 2));
} finally {
  cleanup();
}
