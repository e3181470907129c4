import { randomBytes } from "node:crypto";
import pg from "pg";
import { UserStatus } from "./gen/user_service_pb.js";
import { DuplicateUserError, repeatedCreate, StoreUnavailableError, type NewUser, type UserRecord, type UserStore } from "./store.js";
import { CHAT_CHANNEL, PgChatBus } from "./pg-chat-bus.js";
import { PgListener } from "./pg-listener.js";
import { UserFeed } from "./user-events.js";

/**
 * Schema migrations, applied in order at start-up under an advisory lock (replicas starting together run each once);
 * the `schema_migrations` table records how many have run. Append only: a shipped migration never changes.
 */
const MIGRATIONS = [
  `CREATE TABLE users (
     id BIGSERIAL PRIMARY KEY,
     username TEXT NOT NULL,
     email TEXT NOT NULL,
     roles TEXT[] NOT NULL,
     status INTEGER NOT NULL DEFAULT 0,
     CONSTRAINT users_username_key UNIQUE (username)
   );
   CREATE UNIQUE INDEX users_email_key ON users (lower(email));
   CREATE TABLE meta (key TEXT PRIMARY KEY, value BYTEA NOT NULL);`,
  // Users commit in id order: the id comes from a function that first takes a transaction-level advisory lock, so an
  // insert holds it from the moment it has an id until its transaction ends, and the next insert gets its id only
  // after that commit (or rollback). Then "ids above the last one seen" is exactly "users committed since", which
  // makes WatchUsers resumable and the replicas' catch-up exact. Any insert takes the turn, psql's included.
  `CREATE FUNCTION users_next_id() RETURNS BIGINT LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM pg_advisory_xact_lock(7346150018);
     RETURN nextval('users_id_seq');
   END $$;
   ALTER TABLE users ALTER COLUMN id SET DEFAULT users_next_id();`,
  // The request id (AIP-155) of the create that made each user, for retried creates: NULL when it had none (NULLs
  // never conflict), unique otherwise, which is what makes a create with a repeated request id race-free.
  `ALTER TABLE users ADD COLUMN request_id TEXT;
   ALTER TABLE users ADD CONSTRAINT users_request_id_key UNIQUE (request_id);`,
];

/** The tutorial's first users, created in an empty store (the same as the SQLite store's). */
const SEED: (NewUser & { roles: string[] })[] = [
  { username: "alice", email: "alice@example.com", roles: ["admin"] },
  { username: "bob", email: "bob@example.com", roles: ["user"] },
];

/** The channel on which each committed user is announced to every replica (the id: a wake-up, the rows are read). */
export const USERS_CHANNEL = "tsgrpc_users_created";
/** Any one number: the advisory lock that serializes migrations across replicas. */
const MIGRATION_LOCK = 7_346_150_017;

interface Row {
  id: string; // BIGINT comes as text
  username: string;
  email: string;
  roles: string[];
  status: number;
}

/** A user's columns, named: a prepared statement's `SELECT *` would fail once a later migration adds a column. */
const USER_COLUMNS = "id, username, email, roles, status";

/**
 * The hot queries as named statements, which PostgreSQL parses and plans once per connection instead of at every call:
 * that was half of its CPU per GetUser and CreateUser (bench/results/scale.md).
 */
const STATEMENTS = {
  getUser: { name: "get-user", text: `SELECT ${USER_COLUMNS} FROM users WHERE id = $1` },
  usersAfter: { name: "users-after", text: `SELECT ${USER_COLUMNS} FROM users WHERE id > $1 ORDER BY id LIMIT $2` },
  createUser: {
    name: "create-user",
    // A request id already committed is no insert and no NOTIFY (ON CONFLICT waits for a concurrent insert of the
    // same id to commit or roll back, then does nothing or inserts).
    text: `WITH created AS (
             INSERT INTO users (username, email, roles, request_id) VALUES ($1, $2, ARRAY['user'], $3)
             ON CONFLICT (request_id) DO NOTHING RETURNING ${USER_COLUMNS}
           )
           SELECT created.*, pg_notify('${USERS_CHANNEL}', created.id::text) FROM created`,
  },
} as const;

const toRecord = (r: Row): UserRecord => ({ id: Number(r.id), username: r.username, email: r.email, roles: r.roles, status: r.status as UserStatus });

/** PostgreSQL's error codes that mean the database cannot be reached or is going away, not that the query is wrong. */
const UNAVAILABLE_CODES = new Set(["57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006", "53300"]);

/** A driver error as the store reports it: DuplicateUserError, StoreUnavailableError, or the error itself. */
function storeError(e: unknown, user?: NewUser): Error {
  const err = e as { code?: string; constraint?: string; message?: string };
  if (err.code === "23505" && user) {
    const field = err.constraint === "users_username_key" ? "username" : "email";
    return new DuplicateUserError(field, field === "username" ? user.username : user.email);
  }
  const network = typeof err.code === "string" && /^E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT|HOSTUNREACH|NOTFOUND)$/.test(err.code);
  if (network || (err.code && UNAVAILABLE_CODES.has(err.code)) || /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable/i.test(err.message ?? "")) {
    return new StoreUnavailableError(`the database is unavailable: ${err.message ?? err.code}`, { cause: e });
  }
  return e as Error;
}

/**
 * The store for many replicas: users in PostgreSQL through a connection pool, shared by every replica on the same
 * database. Users commit in id order (migration 2). Each create NOTIFYs in its own transaction, so every replica's
 * listener hears of it at commit; its UserFeed then reads the users above the last one it delivered and tells this
 * replica's watchers: a user created on one replica reaches the watchers of all of them, in commit order. The chat
 * room's lines travel on a second channel of the same listening connection (PgChatBus).
 */
export class PostgresUserStore implements UserStore {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly feed: UserFeed,
    private readonly listener: PgListener,
    /** The chat room's bus across replicas. */
    readonly chat: PgChatBus,
  ) {}

  /**
   * Connects to `url` (postgres://user:password@host:port/database), migrates the schema, seeds an empty store, and
   * starts listening for users created by any replica. Rejects with a one-line reason when the database cannot be
   * reached or refuses the login.
   */
  static async open(url: string, options: { poolSize?: number } = {}): Promise<PostgresUserStore> {
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, connectionTimeoutMillis: 5000 });
    pool.on("error", () => {}); // an idle client lost: the pool replaces it at the next query
    try {
      await migrate(pool);
      const chat = new PgChatBus(async (channel, payload) => {
        try {
          await pool.query("SELECT pg_notify($1, $2)", [channel, payload]);
        } catch (e) {
          throw storeError(e);
        }
      });
      let feed: UserFeed | undefined;
      const users = { notified: () => feed?.wake(), reconnected: () => feed?.wake() };
      // Listen first, then read where the feed starts: a user committed in between is announced, and read then.
      const listener = await PgListener.start(url, new Map([[USERS_CHANNEL, users], [CHAT_CHANNEL, chat.handler]]));
      try {
        const { rows } = await pool.query<{ id: string }>("SELECT COALESCE(MAX(id), 0) AS id FROM users");
        feed = new UserFeed((after, limit) => readUsersAfter(pool, after, limit), Number(rows[0]!.id));
      } catch (e) {
        await listener.stop();
        throw e;
      }
      return new PostgresUserStore(pool, feed, listener, chat);
    } catch (e) {
      await pool.end().catch(() => {});
      throw new Error(`cannot use the database at ${redact(url)}: ${(e as Error).message}`, { cause: e });
    }
  }

  async get(id: number): Promise<UserRecord | undefined> {
    const { rows } = await this.query<Row>(STATEMENTS.getUser, [id]);
    return rows[0] && toRecord(rows[0]);
  }

  async create(user: NewUser): Promise<UserRecord> {
    const requestId = user.requestId || null;
    let rows: Row[];
    try {
      ({ rows } = await this.pool.query<Row>({ ...STATEMENTS.createUser, values: [user.username, user.email, requestId] }));
    } catch (e) {
      const error = storeError(e, user);
      // A concurrent create of the same request id can also end here: its username (checked before the request id)
      // was inserted first, so this one waited for its commit and failed on the username. Its user is the answer.
      if (!(error instanceof DuplicateUserError) || requestId === null) throw error;
      const existing = await this.byRequestId(requestId);
      if (existing) return repeatedCreate(existing, user);
      throw error;
    }
    if (rows[0]) return toRecord(rows[0]);
    // The request id is taken: by this create's own earlier attempt, or by another create (RequestIdReusedError).
    const existing = await this.byRequestId(requestId!);
    if (!existing) throw new Error(`request_id "${requestId}" conflicted, yet no user has it`);
    return repeatedCreate(existing, user);
  }

  private async byRequestId(requestId: string): Promise<UserRecord | undefined> {
    const { rows } = await this.query<Row>(`SELECT ${USER_COLUMNS} FROM users WHERE request_id = $1`, [requestId]);
    return rows[0] && toRecord(rows[0]);
  }

  async listAfter(afterId: number, limit: number): Promise<UserRecord[]> {
    try {
      return await readUsersAfter(this.pool, afterId, limit);
    } catch (e) {
      throw storeError(e);
    }
  }

  onChange(listener: (user: UserRecord) => void, ready?: () => Promise<void>): () => void {
    return this.feed.subscribe(listener, ready);
  }

  async tokenSecret(): Promise<Uint8Array> {
    // The first replica to ask makes it; every other finds the same one.
    await this.query("INSERT INTO meta (key, value) VALUES ('page_token_secret', $1) ON CONFLICT (key) DO NOTHING", [randomBytes(32)]);
    const { rows } = await this.query<{ value: Buffer }>("SELECT value FROM meta WHERE key = 'page_token_secret'");
    return rows[0]!.value;
  }

  async ping(): Promise<void> {
    await this.query("SELECT 1");
  }

  async close(): Promise<void> {
    this.feed.stop();
    await this.listener.stop();
    await this.pool.end();
  }

  private async query<R extends pg.QueryResultRow>(statement: string | { name: string; text: string }, values?: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(typeof statement === "string" ? { text: statement, values } : { ...statement, values });
    } catch (e) {
      throw storeError(e);
    }
  }
}

/** At most `limit` users with an id above `afterId`, in id order (= commit order): the feed's read. */
async function readUsersAfter(pool: pg.Pool, afterId: number, limit: number): Promise<UserRecord[]> {
  const { rows } = await pool.query<Row>({ ...STATEMENTS.usersAfter, values: [afterId, limit] });
  return rows.map(toRecord);
}

/** Runs the migrations not yet applied, and seeds an empty store, one replica at a time. */
async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await client.query("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL)");
    const { rows } = await client.query<{ version: number }>("SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations");
    const version = rows[0]!.version;
    if (version > MIGRATIONS.length) throw new Error(`the database is at schema version ${version}, newer than this server (${MIGRATIONS.length})`);
    for (let v = version; v < MIGRATIONS.length; v++) {
      await client.query("BEGIN");
      await client.query(MIGRATIONS[v]!);
      await client.query("INSERT INTO schema_migrations (version) VALUES ($1)", [v + 1]);
      await client.query("COMMIT");
    }
    const { rows: count } = await client.query<{ n: string }>("SELECT COUNT(*) AS n FROM users");
    if (count[0]!.n === "0") {
      for (const u of SEED) await client.query("INSERT INTO users (username, email, roles) VALUES ($1, $2, $3)", [u.username, u.email, u.roles]);
    }
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}
