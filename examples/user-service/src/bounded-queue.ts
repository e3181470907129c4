/**
 * A queue between a producer that must never wait (store events, chat broadcasts) and one consumer that may be slow
 * (a client stream). It holds at most `capacity` items: a push beyond that marks the queue overflowed, and the
 * consumer's next `take` throws `overflow()` instead of falling further behind, so that one slow client costs bounded
 * memory and never stalls the producer or the other consumers.
 */
export class BoundedQueue<T> {
  private items: T[] = [];
  private head = 0;
  private waiting: { resolve: (v: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  private failure: Error | undefined;
  private ended = false;
  /** Producers waiting for room, one promise per amount asked for (see whenRoomFor), however often they ask. */
  private readonly roomWaiters = new Map<number, { promise: Promise<void>; resolve: () => void }>();

  constructor(private readonly capacity: number, private readonly overflow: () => Error) {}

  /** Adds an item; false when the queue was full (and is now marked overflowed), has failed, or has ended. */
  push(item: T): boolean {
    if (this.ended || this.failure) return false;
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve({ value: item, done: false });
      return true;
    }
    if (this.items.length - this.head >= this.capacity) {
      this.fail(this.overflow());
      return false;
    }
    this.items.push(item);
    return true;
  }

  /**
   * Resolves once `n` more items fit, or the queue has failed or ended: for a producer that can pace itself (a feed
   * reading a burst from the database) and waits, for a while, for consumers that keep up.
   */
  whenRoomFor(n: number): Promise<void> {
    if (this.hasRoomFor(n)) return Promise.resolve();
    let waiter = this.roomWaiters.get(n);
    if (!waiter) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.roomWaiters.set(n, (waiter = { promise, resolve }));
    }
    return waiter.promise;
  }

  private hasRoomFor(n: number): boolean {
    return this.failure !== undefined || this.ended || this.size + n <= this.capacity;
  }

  private wakeRoomWaiters(): void {
    for (const [need, waiter] of this.roomWaiters) {
      if (!this.hasRoomFor(need)) continue;
      this.roomWaiters.delete(need);
      waiter.resolve();
    }
  }

  /** No more items: the consumer gets what is queued, then the end. */
  end(): void {
    this.ended = true;
    this.wakeRoomWaiters();
    if (this.waiting && this.head === this.items.length) {
      this.waiting.resolve({ value: undefined, done: true });
      this.waiting = undefined;
    }
  }

  /**
   * Ends the queue with `error` now (an overflow, the server shutting down): what is queued is dropped, and the
   * consumer's waiting or next `take` rejects with it. The first failure stays.
   */
  fail(error: Error): void {
    if (this.failure || this.ended) return;
    this.failure = error;
    this.items = [];
    this.head = 0;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
    this.wakeRoomWaiters();
  }

  /** The next item, waiting for one; rejects when the queue failed (overflowed) or `signal` aborts. */
  take(signal: AbortSignal): Promise<IteratorResult<T>> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.head < this.items.length) {
      const value = this.items[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      this.wakeRoomWaiters();
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    if (signal.aborted) return Promise.reject(signal.reason);
    // One abort listener per consumer's signal, not one per wait: a watcher waits once per user it is sent, and
    // adding and removing a listener each time was a tenth of a delivery's CPU.
    if (this.signal !== signal) {
      this.signal = signal;
      signal.addEventListener("abort", () => this.signal === signal && this.abortWait(signal.reason), { once: true });
    }
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  /** The signal `take` was last given. */
  private signal: AbortSignal | undefined;

  private abortWait(reason: unknown): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(reason);
  }

  get size(): number {
    return this.items.length - this.head;
  }
}
