/**
 * A queue that one side fills (push, end) and the other reads as an async iterable. When more than `highWater` items
 * wait, `onFull` is called (pause the source); once the reader drains them, `onDrained` (resume it). So a slow reader
 * means backpressure on the network instead of unbounded buffering.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiting: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  private done = false;
  private error: unknown;
  private full = false;

  constructor(
    private readonly highWater = 16,
    private readonly onFull?: () => void,
    private readonly onDrained?: () => void,
    /** Called when the reader stops early (break, return, throw in a for-await loop). */
    private readonly onAbandoned?: () => void,
  ) {}

  push(item: T): void {
    if (this.done) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w.resolve({ value: item, done: false });
      return;
    }
    this.items.push(item);
    if (!this.full && this.items.length >= this.highWater) {
      this.full = true;
      this.onFull?.();
    }
  }

  /** Ends the queue: readers get the items already queued, then the end, or `error`. */
  end(error?: unknown): void {
    if (this.done) return;
    this.done = true;
    this.error = error;
    if (this.waiting && this.items.length === 0) {
      const w = this.waiting;
      this.waiting = undefined;
      if (error !== undefined) w.reject(error);
      else w.resolve({ value: undefined, done: true });
    }
  }

  get ended(): boolean {
    return this.done;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) {
      const value = this.items.shift()!;
      if (this.full && this.items.length <= this.highWater / 2) {
        this.full = false;
        this.onDrained?.();
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.done) return this.error !== undefined ? Promise.reject(this.error) : Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.next(),
      return: async () => {
        if (!this.done) this.onAbandoned?.();
        this.end();
        this.items.length = 0;
        return { value: undefined, done: true };
      },
    };
  }
}
