/** A channel's keepalive options (gRFC A8; see ChannelOptions). */
export interface KeepaliveOptions {
  keepaliveTimeMs?: number;
  keepaliveTimeoutMs?: number;
  keepalivePermitWithoutCalls?: boolean;
}

/** HTTP/2's ENHANCE_YOUR_CALM: with the debug data "too_many_pings", a gRPC server's word that we ping too often. */
const ENHANCE_YOUR_CALM = 0xb;
/** The longest delay setTimeout takes: a longer one (a doubled time, say) would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A channel's keepalive settings, shared by every connection it opens: when one server says too_many_pings, the time
 * doubles for the whole channel (gRFC A8), so that no connection of it, later ones included, pings that server (or
 * the others behind the same target) at the rate it refused.
 */
export class ChannelKeepalive {
  private time: number;
  readonly timeoutMs: number;
  readonly permitWithoutCalls: boolean;

  constructor(options: KeepaliveOptions) {
    this.time = options.keepaliveTimeMs ?? Infinity;
    this.timeoutMs = options.keepaliveTimeoutMs ?? 20_000;
    this.permitWithoutCalls = options.keepalivePermitWithoutCalls ?? false;
  }

  /** The time between PINGs now (Infinity: keepalive is off). */
  get timeMs(): number {
    return this.time;
  }

  get enabled(): boolean {
    return Number.isFinite(this.time) && this.time > 0;
  }

  private readonly listeners = new Set<(timeMs: number) => void>();

  /** Calls `listener` with the new time whenever a server makes it double; returns the function that stops that. */
  watch(listener: (timeMs: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A server asked us to ping less. */
  slowDown(): void {
    this.time *= 2;
    for (const listener of [...this.listeners]) listener(this.time);
  }
}

const ofChannel = new WeakMap<object, ChannelKeepalive>();

/**
 * The keepalive settings of `channel`, made from `options` the first time. Kept beside the channel (not in it) so that
 * keepalive is wired into the channel by one line of its connection factory.
 */
export function channelKeepalive(channel: object, options: KeepaliveOptions = {}): ChannelKeepalive {
  let keepalive = ofChannel.get(channel);
  if (!keepalive) ofChannel.set(channel, (keepalive = new ChannelKeepalive(options)));
  return keepalive;
}

/**
 * One connection's keepalive: a PING every `timeMs` (counted from the previous ACK) while calls are in flight, or
 * always when permitted without calls; an ACK must come within `timeoutMs` or the connection is declared dead. Either
 * HTTP/2 implementation plugs in its way to send a PING.
 */
export class KeepalivePinger {
  private calls = 0;
  private next: NodeJS.Timeout | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Whether this connection already slowed the channel down: a server that repeats its GOAWAY counts once. */
  private slowedDown = false;

  constructor(
    private readonly settings: ChannelKeepalive,
    /** Sends a PING; `onAck` runs when it is acknowledged. */
    private readonly sendPing: (onAck: () => void) => void,
    /** The PING went unanswered: the connection is to be closed, its calls failed with this error. */
    private readonly onDead: (error: Error) => void,
  ) {
    this.schedule();
  }

  callStarted(): void {
    this.calls++;
    this.schedule();
  }

  callEnded(): void {
    this.calls--;
    if (!this.wanted) {
      clearTimeout(this.next);
      this.next = undefined;
    }
  }

  /** The server sent GOAWAY: too_many_pings doubles the channel's keepalive time. */
  serverGoaway(code: number, debug: string): void {
    if (this.slowedDown || code !== ENHANCE_YOUR_CALM || debug !== "too_many_pings") return;
    this.slowedDown = true;
    this.settings.slowDown();
  }

  /** The connection closed: no more PINGs. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.next);
    clearTimeout(this.deadline);
  }

  private get wanted(): boolean {
    return !this.stopped && this.settings.enabled && (this.calls > 0 || this.settings.permitWithoutCalls);
  }

  private schedule(): void {
    if (this.next || this.deadline || !this.wanted) return;
    this.next = setTimeout(() => this.ping(), Math.min(this.settings.timeMs, MAX_TIMER_MS)).unref();
  }

  private ping(): void {
    this.next = undefined;
    if (!this.wanted) return;
    const timeoutMs = this.settings.timeoutMs;
    this.deadline = setTimeout(() => {
      this.stop();
      this.onDead(new Error(`keepalive: the server did not acknowledge a PING within ${timeoutMs} ms`));
    }, Math.min(timeoutMs, MAX_TIMER_MS)).unref();
    this.sendPing(() => {
      clearTimeout(this.deadline);
      this.deadline = undefined;
      this.schedule();
    });
  }
}
