/** The longest delay setTimeout honours: a longer one fires at once (with only a warning). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `onExpired` once `deadline` (ms since the epoch) has passed. A deadline further away than setTimeout can wait
 * (~24.8 days; grpc-timeout allows up to 99999999 hours) is reached in steps instead of expiring at once.
 */
export class DeadlineTimer {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly deadline: number,
    private readonly onExpired: () => void,
  ) {
    this.arm();
  }

  clear(): void {
    clearTimeout(this.timer);
  }

  private arm(): void {
    const left = this.deadline - Date.now();
    this.timer = left > MAX_TIMER_MS ? setTimeout(() => this.arm(), MAX_TIMER_MS) : setTimeout(this.onExpired, left);
  }
}
