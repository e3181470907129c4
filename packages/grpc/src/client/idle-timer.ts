/**
 * A channel's idle timeout: one timer per channel, not one per call. It checks, every `timeoutMs`, whether the channel
 * has been quiet that long (no call in flight or waiting, the last one ended long enough ago); if not, it looks again
 * when it could be; if so, it calls `onIdle`.
 */
export class IdleTimer {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly busy: () => boolean,
    private readonly lastActivity: () => number,
    private readonly onIdle: () => void,
  ) {}

  /** Starts the checks, unless they run already (or the timeout is infinite). */
  arm(): void {
    if (this.timer || !Number.isFinite(this.timeoutMs)) return;
    this.schedule(this.timeoutMs);
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => this.check(), ms);
    this.timer.unref();
  }

  private check(): void {
    this.timer = undefined;
    if (this.busy()) return this.schedule(this.timeoutMs);
    const quietFor = Date.now() - this.lastActivity();
    if (quietFor < this.timeoutMs) return this.schedule(this.timeoutMs - quietFor);
    this.onIdle();
  }
}
