import type { UserRecord } from "./store.js";

/** Users read per query: the feed never holds more than this many of them, whatever the burst. */
export const FEED_CHUNK = 500;
/** When a read fails (the database is away), the feed tries again after this long, or at the next wake. */
const RETRY_MS = 1000;
/**
 * How long the feed waits, after a chunk, for its subscribers to have room for the next one (a burst is paced to the
 * watchers that keep up, instead of dropping them). A subscriber that has no room by then gets the next chunk anyway:
 * one that does not read overflows its backlog after a few chunks and is ended, holding the others up at most that long.
 */
export const FEED_PACE_MS = 1000;

interface Subscriber {
  deliver: (user: UserRecord) => void;
  /** Resolves when the subscriber can take another chunk. */
  ready?: () => Promise<void>;
}

/**
 * The users committed by other processes (replicas on PostgreSQL, workers on one SQLite file), followed by a cursor.
 * Users commit in id order (the stores make it so: see postgres-store.ts), so "the users with an id above the last one
 * delivered" is exactly "the users committed since": a notification is only a wake-up, and each wake reads what is
 * new in chunks of FEED_CHUNK, in id order, and hands each user to every subscriber once, in commit order. A lost
 * notification (the database connection dropped, a message between processes) costs nothing as long as a later wake
 * comes: the next read finds every user it missed. Nothing is buffered here but one chunk: a burst of 100,000 commits
 * is 200 reads, not 100,000 ids held in memory.
 */
export class UserFeed {
  private readonly subscribers = new Set<Subscriber>();
  private running = false;
  private again = false;
  private stopped = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  /** `lastId`: the newest user committed before the feed started (not an event). */
  constructor(
    private readonly readAfter: (id: number, limit: number) => Promise<UserRecord[]>,
    private lastId: number,
  ) {}

  /** `ready`: resolves when the subscriber has room for another FEED_CHUNK users (see FEED_PACE_MS). */
  subscribe(deliver: (user: UserRecord) => void, ready?: () => Promise<void>): () => void {
    const subscriber = { deliver, ready };
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  /** Something was committed (or may have been, while notifications were lost): read what is new. */
  wake(): void {
    this.again = true;
    if (!this.running && !this.stopped) void this.run();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.subscribers.clear();
  }

  /** Waits until every subscriber has room for another chunk, at most FEED_PACE_MS (and at least one turn of I/O). */
  private async paced(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const readies = [...this.subscribers].flatMap((s) => s.ready?.() ?? []);
    await Promise.race([Promise.all([...readies, new Promise((r) => setImmediate(r))]), new Promise((r) => (timer = setTimeout(r, FEED_PACE_MS)))]);
    clearTimeout(timer);
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.again && !this.stopped) {
        this.again = false;
        for (let more = true; more && !this.stopped; ) {
          const users = await this.readAfter(this.lastId, FEED_CHUNK);
          for (const user of users) {
            this.lastId = user.id;
            for (const s of this.subscribers) s.deliver(user);
          }
          more = users.length === FEED_CHUNK;
          if (more) await this.paced();
        }
      }
    } catch {
      // The database went away mid-read: the cursor stays, so the next read finds the same users.
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.wake(), RETRY_MS);
      this.retryTimer.unref();
    } finally {
      this.running = false;
    }
  }
}
