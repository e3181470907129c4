// What NOTIFY's cluster-wide lock costs CreateUser: PostgreSQL serializes the commits of transactions that NOTIFY
// (PreCommit_Notify in async.c takes an AccessExclusiveLock on "database 0", held until after the commit record is
// flushed), so those commits cannot share a WAL flush (group commit). Same insert with and without pg_notify, same
// pool, runs alternated; on a cluster with fsync and synchronous_commit on (durable) and off (as the other benchmarks).
//   node bench/scale/notify-lock.mjs [--runs 3] [-n 5000] [-c 64] [--pool 10]
import { parseArgs } from "node:util";
import pg from "pg";
import { startPostgres } from "./postgres.mjs";
import { median } from "../lib/stats.mjs";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" }, n: { type: "string", default: "5000" }, c: { type: "string", default: "64" }, pool: { type: "string", default: "10" } } });
const RUNS = Number(values.runs), N = Number(values.n), IN_FLIGHT = Number(values.c), POOL = Number(values.pool);
const CHANNEL = "tsgrpc_users_created";
const INSERT = "INSERT INTO users (username, email, roles) VALUES ($1, $2, ARRAY['user']) RETURNING *";
const NOTIFYING = `WITH created AS (${INSERT}) SELECT created.*, pg_notify('${CHANNEL}', created.id::text) FROM created`;

console.log("| PostgreSQL commits | statement | creates/s | / without NOTIFY | p50 / p99 ms |\n|---|---|---:|---:|---:|");
for (const durable of [true, false]) {
  const db = await startPostgres({ cpu: 0, durable });
  try {
    const admin = new pg.Client(db.url);
    await admin.connect();
    await admin.query(`CREATE TABLE users (id BIGSERIAL PRIMARY KEY, username TEXT NOT NULL, email TEXT NOT NULL, roles TEXT[] NOT NULL,
      status INTEGER NOT NULL DEFAULT 0, CONSTRAINT users_username_key UNIQUE (username)); CREATE UNIQUE INDEX users_email_key ON users (lower(email))`);
    await admin.query(`LISTEN ${CHANNEL}`); // a listener, as every replica has
    const pool = new pg.Pool({ connectionString: db.url, max: POOL });
    let seq = 0;
    const run = async (text, calls) => {
      let next = 0;
      const latencies = [];
      const t0 = performance.now();
      await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
        while (next++ < calls) {
          const u = `u${++seq}`, t = performance.now();
          await pool.query(text, [u, `${u}@example.com`]);
          latencies.push(performance.now() - t);
        }
      }));
      latencies.sort((a, b) => a - b);
      return { rate: calls / ((performance.now() - t0) / 1000), p50: latencies[Math.floor(latencies.length / 2)], p99: latencies[Math.floor(latencies.length * 0.99)] };
    };
    const results = { plain: [], notify: [] };
    await run(INSERT, N / 5);
    await run(NOTIFYING, N / 5);
    for (let r = 0; r < RUNS; r++) {
      for (const k of r % 2 ? ["notify", "plain"] : ["plain", "notify"]) results[k].push(await run(k === "plain" ? INSERT : NOTIFYING, N));
    }
    const m = (k, f) => median(results[k].map((x) => x[f]));
    const label = durable ? "fsync + synchronous_commit on" : "fsync, synchronous_commit off";
    for (const k of ["plain", "notify"]) console.log(`| ${label} | insert${k === "notify" ? " + NOTIFY (the store's)" : ""} | ${Math.round(m(k, "rate")).toLocaleString("en")} | ${(m(k, "rate") / m("plain", "rate")).toFixed(2)}x | ${m(k, "p50").toFixed(1)} / ${m(k, "p99").toFixed(1)} |`);
    await pool.end();
    await admin.end();
  } finally {
    db.destroy();
  }
}
console.log(`\n${RUNS} runs of ${N} inserts each, ${IN_FLIGHT} in flight over a pg pool of ${POOL}; PostgreSQL on core 0, this process on any core`);
