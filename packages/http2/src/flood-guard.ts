/**
 * A budget for something a peer may do often but not without end (resetting streams, sending empty frames): `burst`
 * at once, refilled at `perSecond`. When spent, the peer is flooding (the HTTP/2 CVEs of 2019 and 2023).
 */
export class FloodGuard {
  private tokens: number;
  private last = performance.now();

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
  ) {
    this.tokens = burst;
  }

  /** Spends one; false when nothing was left. */
  take(): boolean {
    if (this.tokens >= 1) {
      this.tokens--;
      return true;
    }
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}
