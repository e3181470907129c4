/**
 * channelz's CallCounts (grpc/channelz/v1/channelz.proto, gRFC A14): calls started, succeeded (status OK) and failed
 * (any other status, cancellations included), and when the last one started. Calls in flight are the started ones
 * not yet ended. Plain counters: counting a call allocates nothing.
 */
export class CallCounts {
  started = 0;
  succeeded = 0;
  failed = 0;
  /** When the last call started, in ms since the epoch (0: none yet). */
  lastCallStartedMs = 0;

  callStarted(nowMs: number): void {
    this.started++;
    this.lastCallStartedMs = nowMs;
  }

  callEnded(ok: boolean): void {
    if (ok) this.succeeded++;
    else this.failed++;
  }

  snapshot(): CallCountsSnapshot {
    return {
      started: this.started,
      succeeded: this.succeeded,
      failed: this.failed,
      inFlight: this.started - this.succeeded - this.failed,
      lastCallStarted: this.lastCallStartedMs === 0 ? undefined : new Date(this.lastCallStartedMs),
    };
  }
}

/** A copy of CallCounts at one moment. */
export interface CallCountsSnapshot {
  readonly started: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Started and not yet ended. */
  readonly inFlight: number;
  /** When the last call started; undefined before the first. */
  readonly lastCallStarted: Date | undefined;
}
