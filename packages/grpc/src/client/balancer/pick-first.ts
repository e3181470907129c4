import type { Address } from "../resolver/address.js";
import type { BalancerHelper, LoadBalancer, LoadBalancerFactory, Picker } from "./load-balancer.js";
import type { Subchannel } from "./subchannel.js";
import { addressKeys, sameKeys, shuffled } from "./address-list.js";

/** How long pick_first waits on one address before trying the next beside it (gRFC A61's Happy Eyeballs delay). */
const HAPPY_EYEBALLS_DELAY_MS = 250;

export interface PickFirstConfig {
  /** Shuffle the resolver's addresses (spreads many clients of one DNS name over its addresses). */
  shuffleAddressList?: boolean;
}

const QUEUE: Picker = () => undefined;

/**
 * pick_first: one connection, to the first address that answers. Addresses are tried in order, the next one started
 * when the current fails or has not connected within 250 ms (the earlier ones keep trying: the first to connect wins,
 * the others are dropped). When every address has failed the channel is TRANSIENT_FAILURE until one connects (each
 * retries on its own backoff). When the connection is lost the channel goes IDLE and connects again at the next call.
 */
class PickFirst implements LoadBalancer {
  private addresses: readonly Address[] = [];
  private subchannels: Subchannel[] = [];
  private selected: Subchannel | undefined;
  /** How many of the subchannels the current pass has started. */
  private started = 0;
  private stagger: ReturnType<typeof setTimeout> | undefined;
  private idle = true;
  /** Failed attempts since the resolver was last asked: once every address has failed again, it is asked again. */
  private failuresSinceResolution = 0;

  constructor(private readonly helper: BalancerHelper) {}

  updateAddresses(addresses: readonly Address[], config: unknown): void {
    const list = (config as PickFirstConfig | undefined)?.shuffleAddressList ? shuffled(addresses) : addresses;
    const changed = !sameKeys(addressKeys(list).sort(), addressKeys(this.addresses).sort());
    this.addresses = list;
    // The same addresses (in any order), or a connection to one still on the list: nothing to redo.
    if (!changed || (this.selected && addressKeys(list).includes(this.selected.key))) return;
    const active = !this.idle;
    this.reset();
    if (active) this.exitIdle();
  }

  resolutionFailed(error: Error): void {
    if (this.addresses.length === 0) this.helper.updateState("TRANSIENT_FAILURE", () => error);
  }

  exitIdle(): void {
    if (!this.idle) return;
    this.idle = false;
    if (this.addresses.length === 0) return this.helper.updateState("TRANSIENT_FAILURE", () => new Error("the target resolved to no addresses"));
    this.subchannels = dedupe(this.addresses).map((a) => this.helper.createSubchannel(a, (s) => this.changed(s)));
    this.helper.updateState("CONNECTING", QUEUE);
    this.startNext();
  }

  close(): void {
    this.reset();
  }

  /** Starts the next address of the pass, and the timer that starts the one after it. */
  private startNext(): void {
    clearTimeout(this.stagger);
    const next = this.subchannels[this.started];
    if (!next) return;
    this.started++;
    next.connect();
    if (this.started < this.subchannels.length) {
      this.stagger = setTimeout(() => this.startNext(), HAPPY_EYEBALLS_DELAY_MS);
      this.stagger.unref();
    }
  }

  private changed(s: Subchannel): void {
    if (!this.subchannels.includes(s) || s.state === "SHUTDOWN") return;
    if (s.state === "READY" && !this.selected) {
      this.selected = s;
      clearTimeout(this.stagger);
      for (const other of this.subchannels) if (other !== s) other.shutdown();
      this.subchannels = [s];
      this.helper.updateState("READY", () => s);
    } else if (s === this.selected && s.state === "IDLE") {
      // The connection was lost: IDLE until the next call, and the resolver looks again meanwhile.
      this.reset();
      this.helper.requestResolution();
      this.helper.updateState("IDLE", () => (this.exitIdle(), undefined));
    } else if (s.state === "TRANSIENT_FAILURE" && !this.selected) {
      if (this.started < this.subchannels.length) return this.startNext();
      // Every address has failed: sticky TRANSIENT_FAILURE (gRFC A62) until one of them connects; each round of
      // failures asks the resolver again.
      if (++this.failuresSinceResolution >= this.subchannels.length) {
        this.failuresSinceResolution = 0;
        this.helper.requestResolution();
      }
      if (this.subchannels.every((c) => c.state === "TRANSIENT_FAILURE" || c.state === "CONNECTING")) {
        const error = lastOf(s.lastError ?? new Error("every address failed"), this.subchannels.length);
        this.helper.updateState("TRANSIENT_FAILURE", () => error);
      }
    }
  }

  private reset(): void {
    clearTimeout(this.stagger);
    for (const s of this.subchannels) s.shutdown();
    this.subchannels = [];
    this.selected = undefined;
    this.started = 0;
    this.idle = true;
    this.failuresSinceResolution = 0;
  }
}

/** The last address's error, saying how many were tried (its code kept: callers tell a refusal from a failed handshake). */
function lastOf(error: Error, tried: number): Error {
  if (tried < 2) return error;
  return Object.assign(new Error(`${error.message} (the last of ${tried} addresses tried)`, { cause: error }), { code: (error as NodeJS.ErrnoException).code });
}

function dedupe(addresses: readonly Address[]): Address[] {
  const keys = addressKeys(addresses);
  return addresses.filter((_, i) => keys.indexOf(keys[i]!) === i);
}

export const pickFirstFactory: LoadBalancerFactory = {
  name: "pick_first",
  parseConfig(config: unknown): PickFirstConfig {
    if (typeof config !== "object" || config === null || Array.isArray(config)) throw new Error("pick_first's config must be a JSON object");
    const { shuffleAddressList, ...rest } = config as Record<string, unknown>;
    if (shuffleAddressList !== undefined && typeof shuffleAddressList !== "boolean") throw new Error(`pick_first's shuffleAddressList must be true or false, not ${JSON.stringify(shuffleAddressList)}`);
    void rest; // other fields: a newer schema's, ignored as gRPC does
    return { shuffleAddressList: shuffleAddressList === true };
  },
  create: (helper) => new PickFirst(helper),
};
