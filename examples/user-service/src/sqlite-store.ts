import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { UserStatus } from "./gen/user_service_pb.js";
import { DuplicateUserError, repeatedCreate, type NewUser, type UserRecord, type UserStore } from "./store.js";

/**
 * Schema migrations, applied in order on open; PRAGMA user_version records how many have run. Append only: a shipped
 * migration never changes.
 */
const MIGRATIONS = [
  `CREATE TABLE users (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     username TEXT NOT NULL UNIQUE,
     email TEXT NOT NULL UNIQUE COLLATE NOCASE,
     roles TEXT NOT NULL,
     status INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);`,
  // The request id (AIP-155) of the create that made each user, for retried creates: NULL when it had none (NULLs
  // are distinct in a unique index), unique otherwise.
  `ALTER TABLE users ADD COLUMN request_id TEXT;
   CREATE UNIQUE INDEX users_request_id ON users (request_id);`,
];

/** The tutorial's first users, created in an empty store. */
const SEED: (NewUser & { roles: string[] })[] = [
  { username: "alice", email: "alice@example.com", roles: ["admin"] },
  { username: "bob", email: "bob@example.com", roles: ["user"] },
];

interface Row {
  id: number;
  username: string;
  email: string;
  roles: string;
  status: number;
}

const toRecord = (r: Row): UserRecord => ({ id: r.id, username: r.username, email: r.email, roles: JSON.parse(r.roles) as string[], status: r.status as UserStatus });

/**
 * The embedded store: one SQLite file (or ":memory:") through better-sqlite3. WAL journal with synchronous=NORMAL:
 * a committed write is in the WAL before the call returns, so it survives the process being killed (kill -9); only
 * an operating-system crash or power loss may lose the last commits.
 */
export class SqliteUserStore implements UserStore {
  private readonly db: Database.Database;
  private readonly listeners = new Set<(user: UserRecord) => void>();
  private readonly statements;

  constructor(path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma("busy_timeout = 5000"); // first: workers opening one file at once wait for each other's locks
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.migrate();
    this.statements = {
      get: this.db.prepare<[number], Row>("SELECT * FROM users WHERE id = ?"),
      insert: this.db.prepare<[string, string, string, string | null], Row>("INSERT INTO users (username, email, roles, request_id) VALUES (?, ?, ?, ?) RETURNING *"),
      listAfter: this.db.prepare<[number, number], Row>("SELECT * FROM users WHERE id > ? ORDER BY id LIMIT ?"),
      usernameTaken: this.db.prepare<[string], { id: number }>("SELECT id FROM users WHERE username = ?"),
      byRequestId: this.db.prepare<[string], Row>("SELECT * FROM users WHERE request_id = ?"),
    };
  }

  /**
   * Runs the migrations not yet applied and seeds an empty store, in one IMMEDIATE transaction: the version is read
   * under the write lock, so the worker processes of `--workers`, opening one file at once, run each migration once
   * (one migrates, the others wait and find it done).
   */
  private migrate(): void {
    this.db
      .transaction(() => {
        const version = this.db.pragma("user_version", { simple: true }) as number;
        if (version > MIGRATIONS.length) throw new Error(`the database is at schema version ${version}, newer than this server (${MIGRATIONS.length})`);
        for (let v = version; v < MIGRATIONS.length; v++) {
          this.db.exec(MIGRATIONS[v]!);
          this.db.pragma(`user_version = ${v + 1}`);
        }
        const { n } = this.db.prepare("SELECT COUNT(*) AS n FROM users").get() as { n: number };
        if (n > 0) return;
        const insert = this.db.prepare("INSERT INTO users (username, email, roles) VALUES (?, ?, ?)");
        for (const u of SEED) insert.run(u.username, u.email, JSON.stringify(u.roles));
      })
      .immediate();
  }

  async get(id: number): Promise<UserRecord | undefined> {
    const row = this.statements.get.get(id);
    return row && toRecord(row);
  }

  async create(user: NewUser): Promise<UserRecord> {
    let row: Row | undefined;
    const requestId = user.requestId || null;
    try {
      row = this.statements.insert.get(user.username, user.email, JSON.stringify(["user"]), requestId);
    } catch (e) {
      if ((e as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") {
        // A request id already committed (by this create's earlier attempt, or by another process on the same file: a
        // write sees every earlier commit) is that user, or RequestIdReusedError; whichever constraint failed first.
        const existing = requestId === null ? undefined : this.statements.byRequestId.get(requestId);
        if (existing) return repeatedCreate(toRecord(existing), user);
        const field = this.statements.usernameTaken.get(user.username) ? "username" : "email";
        throw new DuplicateUserError(field, field === "username" ? user.username : user.email);
      }
      throw e;
    }
    const record = toRecord(row!);
    for (const listener of this.listeners) listener(record);
    return record;
  }

  async listAfter(afterId: number, limit: number): Promise<UserRecord[]> {
    return this.statements.listAfter.all(afterId, limit).map(toRecord);
  }

  /** The highest id committed (by any process on the file): ids commit in order, SQLite having one writer at a time. */
  newestId(): number {
    return (this.db.prepare("SELECT COALESCE(MAX(id), 0) AS id FROM users").get() as { id: number }).id;
  }

  onChange(listener: (user: UserRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async tokenSecret(): Promise<Uint8Array> {
    const read = () => this.db.prepare<[], { value: Buffer }>("SELECT value FROM meta WHERE key = 'page_token_secret'").get()?.value;
    const existing = read();
    if (existing) return existing;
    this.db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('page_token_secret', ?)").run(randomBytes(32));
    return read()!;
  }

  async ping(): Promise<void> {
    this.db.prepare("SELECT 1").get();
  }

  async close(): Promise<void> {
    this.listeners.clear();
    if (this.db.open) this.db.close();
  }
}
