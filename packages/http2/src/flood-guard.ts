/**
 * A budget for something a peer may do often but not without end (resetting streams, sending empty frames): a token
 * bucket of `burst` tokens, refilled continuously at `perSecond`. When spent, the peer is flooding (the HTTP/2 CVEs of
 * 2019 and 2023).
 *
 * The refill is computed on every take, from the time of the previous take: time that passed while the bucket was
 * full earns nothing (an earlier version counted it when the bucket next ran dry, so a connection that idled for a few
 * seconds before flooding got a second full burst).
 */
export class FloodGuard {
  private tokens: number;
  private last: number;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Spends one; false when nothing was left. */
  take(): boolean {
    const now = this.now();
    const elapsed = now - this.last;
    this.last = now;
    if (elapsed > 0) this.tokens = Math.min(this.burst, this.tokens + (elapsed / 1000) * this.perSecond);
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}
