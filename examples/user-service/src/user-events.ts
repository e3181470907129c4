import pg from "pg";
import { RecentIds } from "./recent-ids.js";
import type { UserRecord } from "./store.js";

/** Waits between reconnections of the listener: 0.5 s, doubling, at most 30 s. */
const RECONNECT = { initialMs: 500, maxMs: 30_000 };

/**
 * One replica's listener for the users every replica creates: a connection of its own doing LISTEN on `channel`,
 * where each create's transaction NOTIFYs the new id (ids, not rows: a NOTIFY payload is limited to 8000 bytes).
 * PostgreSQL delivers notifications at commit, in commit order; the ids that arrive in one turn are read in one query
 * and handed to the subscribers in that order. When the connection is lost it reconnects with backoff, LISTENs again
 * and catches up on the users with an id above the last one it delivered (ids are assigned at insert: a user whose
 * transaction began before, but committed after, the last one delivered before the loss would be missed by that
 * catch-up; the README states this).
 */
export class UserEvents {
  private readonly subscribers = new Set<(user: UserRecord) => void>();
  private client: pg.Client | undefined;
  private lastId = 0;
  private pending: number[] = [];
  /** Deliveries run one after another, so that subscribers see commit order. */
  private delivering: Promise<void> = Promise.resolve();
  private stopped = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;

  private constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly readByIds: (ids: readonly number[]) => Promise<UserRecord[]>,
    private readonly readAfter: (id: number) => Promise<UserRecord[]>,
  ) {}

  static async start(url: string, channel: string, readByIds: (ids: readonly number[]) => Promise<UserRecord[]>, readAfter: (id: number) => Promise<UserRecord[]>): Promise<UserEvents> {
    const events = new UserEvents(url, channel, readByIds, readAfter);
    await events.connect();
    return events;
  }

  subscribe(listener: (user: UserRecord) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.subscribers.clear();
    await this.client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 5000 });
    client.on("notification", (n) => n.channel === this.channel && this.announced(Number(n.payload)));
    client.on("error", () => this.lost(client));
    client.on("end", () => this.lost(client));
    await client.connect();
    await client.query(`LISTEN ${this.channel}`);
    this.client = client;
    this.failures = 0;
  }

  /** A committed user's id: read with the others of this turn, then delivered in order. */
  private announced(id: number): void {
    if (!Number.isSafeInteger(id)) return;
    if (this.pending.push(id) > 1) return;
    queueMicrotask(() => {
      const ids = this.pending;
      this.pending = [];
      this.deliver(() => this.readByIds(ids));
    });
  }

  private deliver(read: () => Promise<UserRecord[]>): void {
    this.delivering = this.delivering.then(async () => {
      let users: UserRecord[];
      try {
        users = await read();
      } catch {
        return; // the database went away mid-read: the reconnection's catch-up delivers these
      }
      for (const user of users) {
        // A catch-up and the notifications that follow it may name the same user: each is delivered once.
        if (this.delivered.has(user.id)) continue;
        this.delivered.add(user.id);
        this.lastId = Math.max(this.lastId, user.id);
        for (const s of this.subscribers) s(user);
      }
    });
  }

  /** The ids delivered lately, to deliver each user once. */
  private readonly delivered = new RecentIds(10_000);

  private lost(client: pg.Client): void {
    if (this.client !== client || this.stopped) return;
    this.client = undefined;
    client.end().catch(() => {});
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const wait = Math.min(RECONNECT.maxMs, RECONNECT.initialMs * 2 ** this.failures++);
    this.reconnectTimer = setTimeout(() => {
      if (this.stopped) return;
      this.connect().then(
        () => {
          // What was committed while we were away, after the last user delivered.
          const after = this.lastId;
          this.deliver(() => this.readAfter(after));
        },
        () => this.scheduleReconnect(),
      );
    }, wait);
    this.reconnectTimer.unref();
  }
}
