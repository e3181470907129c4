// What serialising user inserts costs (PostgreSQL store, migration 2: ids commit in order): creates per second through
// PostgresUserStore.create with the id lock, and with it taken out, at 1 writer (a BulkCreateUsers stream) and at
// 16 concurrent writers (CreateUser from many clients). Needs a build (npm run build) and PostgreSQL's binaries;
// uses a throwaway cluster like the tests' (fsync off: it measures the lock, not the disk).
//   node examples/user-service/scripts/commit-order-cost.mjs [seconds per run, default 3]
import pg from "pg";
import { PostgresUserStore } from "../dist/src/postgres-store.js";
import { startPostgres } from "../dist/test/postgres-server.js";
import { createDatabase } from "../dist/test/pg-database.js";

const seconds = Number(process.argv[2] ?? 3);
const server = await startPostgres();
if (typeof server === "string") throw new Error(server);
try {
  for (const locked of [true, false]) {
    for (const writers of [1, 16]) {
      const url = await createDatabase(server, `cost_${process.pid}_${locked ? "lock" : "nolock"}_${writers}`);
      const store = await PostgresUserStore.open(url, { poolSize: 16 });
      if (!locked) {
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        await admin.query("ALTER TABLE users ALTER COLUMN id SET DEFAULT nextval('users_id_seq')");
        await admin.end();
      }
      let n = 0;
      const end = Date.now() + seconds * 1000;
      await Promise.all(Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; Date.now() < end; i++, n++) await store.create({ username: `w${w}n${i}`, email: `w${w}n${i}@example.com` });
      }));
      console.log(`${locked ? "with the id lock   " : "without the id lock"}  ${String(writers).padStart(2)} writers: ${Math.round(n / seconds)} creates/s`);
      await store.close();
    }
  }
} finally {
  server.destroy();
}
