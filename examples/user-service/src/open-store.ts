import { PostgresUserStore } from "./postgres-store.js";
import { SqliteUserStore } from "./sqlite-store.js";
import type { UserStore } from "./store.js";

/** `postgres://...` (or `postgresql://...`): PostgreSQL, shared by replicas; anything else: a SQLite file, or ":memory:". */
export function openStore(db: string): Promise<UserStore> {
  return /^postgres(ql)?:\/\//.test(db) ? PostgresUserStore.open(db) : Promise.resolve(new SqliteUserStore(db));
}
