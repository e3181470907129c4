import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import pg from "pg";
import { usePostgres } from "./postgres-server.js";
import { MAIN, start } from "./server-process.js";

// A PostgreSQL that cannot be used at start-up, as `npm start -- --db postgres://...` meets it: one line on stderr
// naming the database (its password hidden) and why, exit status 1, nothing on stdout.
const ROLE = "pwuser";
const PASSWORD = "right-password";
const cluster = usePostgres({
  unless: () => (process.env["TSGRPC_TEST_POSTGRES_URL"] ? "needs the tests' own PostgreSQL cluster (it edits pg_hba.conf), not TSGRPC_TEST_POSTGRES_URL" : false),
  setUp: async (postgres) => {
    // The throwaway cluster trusts every login: one role must give a password (scram-sha-256), by a pg_hba.conf line
    // ahead of the others.
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD}'`);
      await admin.query(`CREATE DATABASE ${ROLE} OWNER ${ROLE}`); // its own: PostgreSQL 15 lets only owners create in public
      const hba = (await admin.query<{ hba_file: string }>("SHOW hba_file")).rows[0]!.hba_file;
      writeFileSync(hba, `host all ${ROLE} 127.0.0.1/32 scram-sha-256\n${readFileSync(hba, "utf8")}`);
      await admin.query("SELECT pg_reload_conf()");
    } finally {
      await admin.end();
    }
  },
});

/** Runs the server with `--db url` until it exits. */
const run = (url: string) => spawnSync(process.execPath, [MAIN, "--port", "0", "--host", "127.0.0.1", "--db", url], { encoding: "utf8", timeout: 30_000 });
const withPassword = (password: string) => cluster.postgres.url.replace("//tsgrpc@", `//${ROLE}:${password}@`).replace(/\/[^/]*$/, `/${ROLE}`);

test("a wrong password: one line, the password hidden, exit 1; the right one starts", async (t) => {
  if (cluster.skip) return t.skip(cluster.skip);
  const r = run(withPassword("wrong-secret"));
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`^Cannot start: cannot use the database at postgres://${ROLE}:\\*\\*\\*@127\\.0\\.0\\.1:\\d+/${ROLE}: password authentication failed for user "${ROLE}"\\n$`));
  assert.equal(r.stdout, "");
  const server = await start(["--db", withPassword(PASSWORD), "--quiet"]);
  assert.doesNotMatch(server.output(), new RegExp(PASSWORD), "the banner hides the password");
  // It started: that is all this test asks (`after` stops it).
});

test("an unreachable database: one line, exit 1", (t) => {
  if (cluster.skip) return t.skip(cluster.skip);
  const r = run("postgres://tsgrpc:secret@127.0.0.1:1/postgres");
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^Cannot start: cannot use the database at postgres:\/\/tsgrpc:\*\*\*@127\.0\.0\.1:1\/postgres: connect ECONNREFUSED 127\.0\.0\.1:1\n$/);
  assert.equal(r.stdout, "");
});
