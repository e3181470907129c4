/** How often a server lets its clients PING (gRPC's keepalive enforcement, grpc/grpc doc/keepalive.md). */
export interface PingPolicyOptions {
  /** The shortest time between two PINGs while streams are open (gRPC's default: 5 minutes). */
  minIntervalMs: number;
  /** Whether PINGs are allowed at that rate with no stream open too; if not, the shortest time is 2 hours. */
  permitWithoutStreams: boolean;
}

/** PINGs too early that are forgiven; one more and the connection is closed (grpc-core's and grpc-go's default). */
const MAX_STRIKES = 2;
/** The shortest time between PINGs on a connection with no stream, when they are not permitted (as grpc-go and grpc-core). */
const IDLE_MIN_INTERVAL_MS = 2 * 60 * 60 * 1000;

/**
 * Counts a client's PINGs that came too soon after the previous one (strikes); a PING that follows DATA or HEADERS
 * we sent is an answer to activity (gRPC's BDP pings are) and clears the count.
 */
export class PingPolicy {
  private strikes = 0;
  private lastPingAt: number | undefined;

  constructor(private readonly options: PingPolicyOptions) {}

  /**
   * A PING from the peer at `now`, with `openStreams` open and `sentSincePrevious`: whether we sent DATA or HEADERS
   * since its previous PING. False when the peer has now pinged too often (the caller sends GOAWAY too_many_pings).
   */
  allows(now: number, openStreams: number, sentSincePrevious: boolean): boolean {
    const previous = this.lastPingAt;
    this.lastPingAt = now;
    if (sentSincePrevious) {
      this.strikes = 0;
      return true;
    }
    if (previous === undefined) return true;
    const minInterval = openStreams > 0 || this.options.permitWithoutStreams ? this.options.minIntervalMs : IDLE_MIN_INTERVAL_MS;
    if (now - previous < minInterval) this.strikes++;
    return this.strikes <= MAX_STRIKES;
  }
}
