import type { UserRecord } from "./store.js";

/** Users read per query: the feed never holds more than this many of them, whatever the burst. */
export const FEED_CHUNK = 500;
/** When a read fails (the database is away), the feed tries again after this long, or at the next wake. */
const RETRY_MS = 1000;

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
  private readonly subscribers = new Set<(user: UserRecord) => void>();
  private running = false;
  private again = false;
  private stopped = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  /** `lastId`: the newest user committed before the feed started (not an event). */
  constructor(
    private readonly readAfter: (id: number, limit: number) => Promise<UserRecord[]>,
    private lastId: number,
  ) {}

  subscribe(listener: (user: UserRecord) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
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

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.again && !this.stopped) {
        this.again = false;
        for (let more = true; more && !this.stopped; ) {
          const users = await this.readAfter(this.lastId, FEED_CHUNK);
          for (const user of users) {
            this.lastId = user.id;
            for (const s of this.subscribers) s(user);
          }
          more = users.length === FEED_CHUNK;
          // Let the watchers' streams write (and the event loop breathe) before the next chunk.
          if (more) await new Promise((r) => setImmediate(r));
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
