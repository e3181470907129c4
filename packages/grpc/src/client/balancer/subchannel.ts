import type { CallConnection } from "../call-stream.js";
import { describeAddress, type Address } from "../resolver/address.js";
import type { ConnectivityState } from "./load-balancer.js";
import { watchHealth } from "./health-watch.js";
import { ServingStatus } from "../../health/health-service.js";
import { Status } from "../../status.js";
import { CallCounts } from "../../stats/call-counts.js";

/** gRPC's connection backoff (doc/connection-backoff.md): 1 s, x1.6 per failure, ±20% jitter, at most 120 s. */
const BACKOFF = { initial: 1000, multiplier: 1.6, jitter: 0.2, max: 120_000 };
/** An attempt may take this long, or the current backoff if longer (doc/connection-backoff.md's MIN_CONNECT_TIMEOUT). */
const MIN_CONNECT_TIMEOUT_MS = 20_000;

export type OpenConnection = (address: Address) => Promise<CallConnection>;

/** Client-side health checking of a subchannel (gRFC A17): the service whose health its server reports. */
export interface HealthCheck {
  readonly serviceName: string;
  readonly secure: boolean;
}

/**
 * One address of a channel and its connection. It connects when its balancer asks; a failed attempt makes it
 * TRANSIENT_FAILURE and it tries again by itself once gRPC's backoff has passed; a connection that closes or gets a
 * GOAWAY after working makes it IDLE (its balancer decides whether to connect again). `onChange` hears each change.
 * With health checking, a connected subchannel is READY only while its server reports the service SERVING (a server
 * without the health service counts as healthy); a failed watch is retried with backoff on the same connection.
 */
export class Subchannel {
  state: ConnectivityState = "IDLE";
  connection: CallConnection | undefined;
  /** Why the last attempt failed. */
  lastError: Error | undefined;
  readonly key: string;
  /** The attempts this subchannel's connections carried (channelz's subchannel CallCounts). */
  readonly calls = new CallCounts();
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private healthFailures = 0;
  private stopHealth: (() => void) | undefined;

  constructor(
    readonly address: Address,
    private readonly open: OpenConnection,
    private readonly onChange: (subchannel: Subchannel) => void,
    private readonly health?: HealthCheck,
  ) {
    this.key = describeAddress(address);
  }

  /** Starts connecting, when IDLE. */
  connect(): void {
    if (this.state === "IDLE") this.attempt();
  }

  private attempt(): void {
    clearTimeout(this.timer);
    this.set("CONNECTING");
    let settled = false;
    const timeout = Math.max(MIN_CONNECT_TIMEOUT_MS, this.backoffMs());
    const giveUp = setTimeout(() => failed(new Error(`connecting to ${this.key} took more than ${timeout} ms`)), timeout);
    giveUp.unref();
    const failed = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(giveUp);
      if (this.state === "SHUTDOWN") return;
      this.lastError = e;
      const backoff = this.backoffMs() * (1 + BACKOFF.jitter * (Math.random() * 2 - 1));
      this.failures++;
      this.timer = setTimeout(() => this.state === "TRANSIENT_FAILURE" && this.attempt(), backoff);
      this.timer.unref();
      this.set("TRANSIENT_FAILURE");
    };
    this.open(this.address).then((connection) => {
      // Too late (timed out) or no longer wanted: the connection is not used.
      if (settled || this.state === "SHUTDOWN") return connection.close();
      settled = true;
      clearTimeout(giveUp);
      this.failures = 0;
      this.connection = connection;
      connection.subchannelCalls = this.calls;
      connection.onGone(() => {
        if (this.connection !== connection || this.state === "SHUTDOWN") return;
        this.connection = undefined;
        this.stopHealth?.();
        this.set("IDLE");
      });
      if (this.health) this.watchHealth(connection, this.health);
      else this.set("READY");
    }, failed);
  }

  /** CONNECTING until the server's first health report; then READY while it says SERVING, TRANSIENT_FAILURE while not. */
  private watchHealth(connection: CallConnection, health: HealthCheck): void {
    if (this.state !== "CONNECTING") this.set("CONNECTING");
    const ended = (code: Status, message: string) => {
      this.stopHealth = undefined;
      if (this.connection !== connection || this.state === "SHUTDOWN") return;
      if (code === Status.UNIMPLEMENTED) return this.set("READY"); // no health service: healthy, not checked again
      this.lastError = new Error(`the health check of ${this.key} failed: ${Status[code]}: ${message}`);
      this.set("TRANSIENT_FAILURE");
      this.timer = setTimeout(() => this.connection === connection && this.watchHealth(connection, health), this.backoffMs(this.healthFailures++));
      this.timer.unref();
    };
    try {
      const stop = watchHealth(connection, health.secure, health.serviceName, {
        onStatus: (serving, status) => {
          if (this.connection !== connection || this.state === "SHUTDOWN") return;
          this.healthFailures = 0;
          this.lastError = serving ? undefined : new Error(`${this.key} reports ${ServingStatus[status]} for "${health.serviceName}"`);
          if (this.state !== (serving ? "READY" : "TRANSIENT_FAILURE")) this.set(serving ? "READY" : "TRANSIENT_FAILURE");
        },
        onEnd: ended,
      });
      this.stopHealth = () => (stop(), clearTimeout(this.timer));
    } catch (e) {
      ended(Status.UNAVAILABLE, (e as Error).message);
    }
  }

  /** The wait before the next attempt, before jitter. */
  private backoffMs(failures = this.failures): number {
    return Math.min(BACKOFF.max, BACKOFF.initial * BACKOFF.multiplier ** failures);
  }

  shutdown(): void {
    if (this.state === "SHUTDOWN") return;
    clearTimeout(this.timer);
    this.stopHealth?.();
    this.connection?.close();
    this.connection = undefined;
    this.set("SHUTDOWN");
  }

  private set(state: ConnectivityState): void {
    this.state = state;
    this.onChange(this);
  }
}
