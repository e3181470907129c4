import pg from "pg";

/** Waits between reconnections: 0.5 s, doubling, at most 30 s. */
const RECONNECT = { initialMs: 500, maxMs: 30_000 };

/** What one channel's subscriber hears: each notification's payload, and each reconnection (notifications sent while
 * the connection was down are lost: a subscriber that cannot lose any catches up from its own data then). */
export interface ChannelHandler {
  notified(payload: string): void;
  reconnected(): void;
}

/**
 * One process's LISTEN connection to PostgreSQL, shared by every channel it listens on (users, chat): a connection of
 * its own, since a pooled one would be handed to queries. When the connection is lost it reconnects with backoff,
 * LISTENs again, and tells every channel's handler that it reconnected.
 */
export class PgListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;

  private constructor(
    private readonly url: string,
    private readonly channels: ReadonlyMap<string, ChannelHandler>,
  ) {}

  /** Connects and LISTENs on every channel (names are identifiers chosen by this program, not input). */
  static async start(url: string, channels: ReadonlyMap<string, ChannelHandler>): Promise<PgListener> {
    const listener = new PgListener(url, channels);
    await listener.connect();
    return listener;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    await this.client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 5000 });
    client.on("notification", (n) => this.channels.get(n.channel)?.notified(n.payload ?? ""));
    client.on("error", () => this.lost(client));
    client.on("end", () => this.lost(client));
    try {
      await client.connect();
      for (const channel of this.channels.keys()) await client.query(`LISTEN ${channel}`);
    } catch (e) {
      client.end().catch(() => {});
      throw e;
    }
    this.client = client;
    this.failures = 0;
  }

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
          for (const handler of this.channels.values()) handler.reconnected();
        },
        () => this.scheduleReconnect(),
      );
    }, wait);
    this.reconnectTimer.unref();
  }
}
