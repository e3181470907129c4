import type { CallConnection } from "../call-stream.js";
import type { Address } from "../resolver/address.js";
import type { Resolver } from "../resolver/resolver.js";
import { Subchannel } from "./subchannel.js";

/**
 * round_robin: a subchannel (a connection) per resolved address, all kept connected, and calls spread over the READY
 * ones in turn; a subchannel that fails or loses its connection is skipped until it is READY again, and each such
 * event asks the resolver again (which may add or drop addresses).
 */
export class RoundRobin {
  private subchannels = new Map<string, Subchannel>();
  private ready: Subchannel[] = [];
  private next = 0;
  private waiters: Array<{ resolve: (c: CallConnection) => void; reject: (e: Error) => void; waitForReady: boolean }> = [];
  private resolving: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly resolver: Resolver,
    private readonly open: (address: Address) => Promise<CallConnection>,
  ) {}

  /** A READY subchannel's connection, the next in turn; undefined when none is READY. */
  pick(): CallConnection | undefined {
    const n = this.ready.length;
    for (let i = 0; i < n; i++) {
      const s = this.ready[this.next++ % n]!;
      if (s.connection?.usable) return s.connection;
    }
    return undefined;
  }

  /** A connection for a call: at once when one is READY; otherwise after resolving and connecting, failing when
   * every subchannel has failed (unless the call waits for one to be ready). `onWait` gets the function that takes
   * the call out of the waiting list, for a call that ends first (its deadline, a cancel). */
  connection(waitForReady: boolean, onWait?: (release: () => void) => void): Promise<CallConnection> {
    const picked = this.pick();
    if (picked) return Promise.resolve(picked);
    if (this.closed) return Promise.reject(new Error("the channel is closed"));
    const waiting = new Promise<CallConnection>((resolve, reject) => {
      const waiter = { resolve, reject, waitForReady };
      this.waiters.push(waiter);
      onWait?.(() => (this.waiters = this.waiters.filter((w) => w !== waiter)));
    });
    this.refresh();
    return waiting;
  }

  /** How many calls wait for a connection. */
  get waiting(): number {
    return this.waiters.length;
  }

  close(): void {
    this.closed = true;
    for (const s of this.subchannels.values()) s.shutdown();
    this.subchannels.clear();
    this.settle(new Error("the channel is closed"));
  }

  /** Resolves again (once at a time) and makes the subchannels match the addresses: new ones connect, gone ones shut down. */
  private refresh(): void {
    if (this.resolving || this.closed) return;
    this.resolving = this.resolver.resolve().then(
      ({ addresses }) => {
        this.resolving = undefined;
        if (this.closed) return;
        const keep = new Map<string, Subchannel>();
        for (const address of addresses) {
          const fresh = new Subchannel(address, this.open, (s) => this.changed(s));
          const s = this.subchannels.get(fresh.key) ?? keep.get(fresh.key) ?? fresh;
          keep.set(s.key, s);
        }
        for (const [key, s] of this.subchannels) if (!keep.has(key)) s.shutdown();
        this.subchannels = keep;
        if (keep.size === 0) this.settle(new Error("the target resolved to no addresses"));
        for (const s of keep.values()) if (s.state === "IDLE") s.connect(); // a failed one waits out its backoff
        this.changed();
      },
      (e: Error) => {
        this.resolving = undefined;
        this.settle(e);
      },
    );
  }

  /** A subchannel changed state: the READY list is rebuilt, waiting calls get a connection or, when every subchannel
   * has failed, their error; a failure or a lost connection asks the resolver again. */
  private changed(subchannel?: Subchannel): void {
    if (this.closed) return;
    this.ready = [...this.subchannels.values()].filter((s) => s.state === "READY");
    if (subchannel && (subchannel.state === "TRANSIENT_FAILURE" || subchannel.state === "IDLE")) this.refresh();
    if (this.waiters.length === 0) return;
    const picked = this.pick();
    if (picked) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w.resolve(this.pick() ?? picked);
      return;
    }
    const all = [...this.subchannels.values()];
    if (all.length > 0 && all.every((s) => s.state === "TRANSIENT_FAILURE")) this.settle(all.at(-1)!.lastError ?? new Error("every address failed"));
  }

  /** Fails the waiting calls that do not wait for readiness (the others keep waiting, within their deadlines). */
  private settle(error: Error): void {
    const failing = this.closed ? this.waiters : this.waiters.filter((w) => !w.waitForReady);
    this.waiters = this.closed ? [] : this.waiters.filter((w) => w.waitForReady);
    for (const w of failing) w.reject(error);
  }
}
