import type { Address } from "../resolver/address.js";
import { addressKeys } from "./address-list.js";
import type { BalancerHelper, ConnectivityState, LoadBalancer, LoadBalancerFactory, Picker } from "./load-balancer.js";
import type { Subchannel } from "./subchannel.js";

const QUEUE: Picker = () => undefined;

/**
 * round_robin: a subchannel per address, each kept connected (one that loses its connection connects again at once;
 * one that fails retries on its backoff), and calls spread over the READY ones in turn, from a random start. READY
 * when any is; otherwise CONNECTING, or TRANSIENT_FAILURE once every address has failed, which sticks until one is
 * READY again (gRFC A61). Each failure or lost connection asks the resolver to look again.
 */
class RoundRobin implements LoadBalancer {
  private subchannels = new Map<string, Subchannel>();
  private state: ConnectivityState = "IDLE";

  constructor(private readonly helper: BalancerHelper) {}

  updateAddresses(addresses: readonly Address[]): void {
    const keys = addressKeys(addresses);
    const next = new Map<string, Subchannel>();
    addresses.forEach((address, i) => {
      const key = keys[i]!;
      if (next.has(key)) return;
      next.set(key, this.subchannels.get(key) ?? this.helper.createSubchannel(address, (s) => this.changed(s), { healthCheck: true }));
    });
    for (const [key, s] of this.subchannels) if (!next.has(key)) s.shutdown();
    this.subchannels = next;
    for (const s of next.values()) s.connect();
    this.report();
  }

  resolutionFailed(error: Error): void {
    if (this.subchannels.size === 0) this.helper.updateState("TRANSIENT_FAILURE", () => error);
  }

  exitIdle(): void {
    for (const s of this.subchannels.values()) s.connect();
  }

  close(): void {
    for (const s of this.subchannels.values()) s.shutdown();
    this.subchannels.clear();
  }

  private changed(s: Subchannel): void {
    if (this.subchannels.get(s.key) !== s) return;
    if (s.state === "IDLE") s.connect(); // a lost connection: connect again at once (this reports the change)
    if (s.state === "IDLE" || s.state === "TRANSIENT_FAILURE") this.helper.requestResolution();
    this.report();
  }

  /** The state from the subchannels', and a picker over the READY ones. */
  private report(): void {
    const all = [...this.subchannels.values()];
    const ready = all.filter((s) => s.state === "READY");
    if (ready.length > 0) {
      let next = Math.floor(Math.random() * ready.length);
      return this.set("READY", () => ready[next++ % ready.length]);
    }
    if (all.length === 0) return this.set("TRANSIENT_FAILURE", () => new Error("the target resolved to no addresses"));
    const failed = all.filter((s) => s.state === "TRANSIENT_FAILURE");
    if (failed.length === all.length || (this.state === "TRANSIENT_FAILURE" && failed.length > 0)) {
      const error = failed.at(-1)!.lastError ?? new Error("every address failed");
      return this.set("TRANSIENT_FAILURE", () => error);
    }
    this.set("CONNECTING", QUEUE);
  }

  private set(state: ConnectivityState, picker: Picker): void {
    this.state = state;
    this.helper.updateState(state, picker);
  }
}

export const roundRobinFactory: LoadBalancerFactory = {
  name: "round_robin",
  parseConfig(config: unknown): object {
    if (typeof config !== "object" || config === null || Array.isArray(config)) throw new Error("round_robin's config must be a JSON object");
    return {};
  },
  create: (helper) => new RoundRobin(helper),
};
