import type { CallConnection } from "../call-stream.js";
import { describeAddress, type Address } from "../resolver/address.js";

/** gRPC's connection backoff (doc/connection-backoff.md). */
const BACKOFF = { initial: 1000, multiplier: 1.6, jitter: 0.2, max: 120_000 };

export type ConnectivityState = "IDLE" | "CONNECTING" | "READY" | "TRANSIENT_FAILURE" | "SHUTDOWN";

/**
 * One address of a channel and its connection: it connects when asked, and after a failure or a lost connection
 * reconnects by itself once gRPC's backoff has passed. `onChange` hears every state change.
 */
export class Subchannel {
  state: ConnectivityState = "IDLE";
  connection: CallConnection | undefined;
  /** The error of the last failed attempt. */
  lastError: Error | undefined;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  readonly key: string;

  constructor(
    readonly address: Address,
    private readonly open: (address: Address) => Promise<CallConnection>,
    private readonly onChange: (subchannel: Subchannel) => void,
  ) {
    this.key = describeAddress(address);
  }

  connect(): void {
    if (this.state !== "IDLE" && this.state !== "TRANSIENT_FAILURE") return;
    clearTimeout(this.timer);
    this.set("CONNECTING");
    this.open(this.address).then(
      (connection) => {
        if (this.state === "SHUTDOWN") return connection.close();
        this.failures = 0;
        this.connection = connection;
        connection.onGone(() => {
          if (this.connection !== connection || this.state === "SHUTDOWN") return;
          this.connection = undefined;
          this.set("IDLE");
          this.connect(); // at once: a GOAWAY or a close after working is not a failure to back off from
        });
        this.set("READY");
      },
      (e: Error) => {
        if (this.state === "SHUTDOWN") return;
        this.lastError = e;
        this.failures++;
        const backoff = Math.min(BACKOFF.max, BACKOFF.initial * BACKOFF.multiplier ** (this.failures - 1));
        this.timer = setTimeout(() => this.connect(), backoff * (1 + BACKOFF.jitter * (Math.random() * 2 - 1)));
        this.timer.unref();
        this.set("TRANSIENT_FAILURE");
      },
    );
  }

  shutdown(): void {
    clearTimeout(this.timer);
    this.connection?.close();
    this.connection = undefined;
    this.set("SHUTDOWN");
  }

  private set(state: ConnectivityState): void {
    this.state = state;
    this.onChange(this);
  }
}
