import pg from "pg";
import type { TestPostgres } from "./postgres-server.js";

/** A new empty database named `name` on the test server; resolves with its URL. */
export async function createDatabase(server: TestPostgres, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return server.url.replace(/\/[^/]*$/, `/${name}`);
}
