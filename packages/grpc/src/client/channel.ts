import type { SecureClientSessionOptions } from "node:http2";
import type { MethodDefinition, MessageInit } from "@tsgrpc/protobuf";
import type { AsyncQueue } from "../async-queue.js";
import { enableCallPropagation } from "../server/server-context.js";
import type { CallOptions } from "./call-options.js";
import { ClientCall } from "./client-call.js";
import type { CallConnection } from "./call-stream.js";
import { connectEngine } from "./engine-call-connection.js";
import { connectNode } from "./node-call-connection.js";
import { channelKeepalive } from "./keepalive.js";
import { SingleResponse } from "./response-sink.js";
import { Connectivity, type StateListener } from "./connectivity.js";
import type { BalancerHelper, ConnectivityState, LoadBalancer, LoadBalancerFactory, Picker } from "./balancer/load-balancer.js";
import { connectionOf, PendingPicks } from "./balancer/pending-picks.js";
import { Subchannel } from "./balancer/subchannel.js";
import type { Address } from "./resolver/address.js";
import { resolverFor } from "./resolver/registry.js";
import type { Resolution, Resolver, ResolverOptions } from "./resolver/resolver.js";
import { ChannelConfig } from "./service-config/channel-config.js";
import type { MethodConfig } from "./service-config/service-config.js";
import type { RetryThrottle } from "./retry/retry-throttle.js";
import { IdleTimer } from "./idle-timer.js";
import { RetryBufferBudget } from "./retry/retry-buffer.js";
import { ChannelStats, type ChannelStatsSnapshot } from "./channel-stats.js";
import type { Requests, Transport } from "./transport.js";

export interface ChannelOptions extends ResolverOptions {
  /** TLS: true for the system CAs, or options such as `ca`, `cert`, `key` (mutual TLS) and `servername`. */
  tls?: boolean | SecureClientSessionOptions;
  /** Largest response message accepted, in bytes (default 4 MiB; a method's service config may lower it). */
  maxReceiveMessageSize?: number;
  /** Largest request message sent, in bytes (default: no limit; a method's service config may set one). */
  maxSendMessageSize?: number;
  /** Which HTTP/2 implementation carries the calls: "tsgrpc", tsgrpc's own engine (the default), or "node", node:http2. */
  http2Engine?: "tsgrpc" | "node";
  /**
   * The service config (grpc/grpc doc/service_config.md) used until, and unless, the resolver provides one: JSON text
   * or the parsed object. `loadBalancingConfig` chooses the balancer (`[{ "round_robin": {} }]`; pick_first by
   * default); `methodConfig` sets timeouts, waitForReady, message limits and retry or hedging policies;
   * `retryThrottling` limits retries. Checked strictly at createChannel: a ServiceConfigError names the field at fault.
   */
  defaultServiceConfig?: string | object;
  /** Ignore service configs from the resolver (DNS TXT records, a registry), using `defaultServiceConfig` only. */
  disableResolverServiceConfig?: boolean;
  /** A channel with no call for this long closes its connections and goes IDLE (default 30 minutes). */
  idleTimeoutMs?: number;
  /** The most attempts a retry or hedging policy may make, whatever the config says (default 5, as in gRPC). */
  maxAttemptsLimit?: number;
  /** Request bytes the channel's calls may keep in all for replay to another attempt (default 16 MiB). */
  retryBufferSize?: number;
  /** Request bytes one call may keep for replay; a call that sends more commits to its attempt (default 1 MiB). */
  perCallRetryBufferSize?: number;
  /** No retries at all (transparent or by policy): for libraries that retry on their own. */
  disableRetries?: boolean;
  /** No client-side health checking, even when the service config asks for it (`healthCheckConfig`). */
  disableHealthCheck?: boolean;
  /**
   * Keepalive (gRFC A8): a PING this often on each connection, while calls are in flight (default: off). A server
   * that finds it too often answers GOAWAY too_many_pings: the time then doubles for the whole channel. Servers allow
   * one PING per 5 minutes by default (grpc/grpc doc/keepalive.md): set it lower only for servers configured to allow it.
   */
  keepaliveTimeMs?: number;
  /** How long a keepalive PING may go unacknowledged before the connection is closed and its calls fail with UNAVAILABLE (default 20 s). */
  keepaliveTimeoutMs?: number;
  /** Keepalive PINGs also while no call is in flight (default false; servers refuse them unless they permit them too). */
  keepalivePermitWithoutCalls?: boolean;
}

const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60_000;
/** Backoff between resolutions that fail or find no address (the connection backoff's numbers). */
const RESOLUTION_BACKOFF = { initial: 1000, multiplier: 1.6, max: 120_000 };

/**
 * A channel to a target (any form of gRPC's naming spec: `host:port`, `dns:///name:port`, `ipv4:a:p,b:p`,
 * `ipv6:[::1]:p`, `unix:path`; or a scheme registered with `registerResolver`). It resolves the target when the first
 * call comes, hands the addresses to its load balancer (pick_first, round_robin, or one registered with
 * `registerLoadBalancer`, as the service config says) and routes each call through the balancer's picker. Calls made
 * while no connection is ready wait for one, unless the channel is in TRANSIENT_FAILURE: they fail fast with
 * UNAVAILABLE then, unless they asked to wait for ready. The service config's method configs set each call's
 * timeout, waitForReady, message limits and retry or hedging policy (gRFC A6).
 */
export class Channel implements Transport {
  /** The `:authority` calls carry: the target's host and port (`localhost` for a unix socket). */
  readonly authority: string;
  /** The target in gRPC's canonical form (`dns:///localhost:50051` for `localhost:50051`): gRFC A66's `grpc.target`. */
  readonly canonicalTarget: string;
  readonly maxReceiveMessageSize: number;
  readonly maxSendMessageSize: number;
  readonly maxAttemptsLimit: number;
  readonly retriesDisabled: boolean;
  /** @internal */
  readonly retryBuffer: RetryBufferBudget;
  /** @internal The channel's call counts, which its calls add to. */
  readonly callStats = new ChannelStats();
  /** The balancer's subchannels that are not shut down, for `stats()`. */
  private readonly subchannels = new Set<Subchannel>();

  private readonly resolver: Resolver;
  private readonly connectivity = new Connectivity("IDLE");
  private readonly pending = new PendingPicks();
  private readonly idlePicker: Picker = () => (this.exitIdle(), undefined);
  private picker: Picker = this.idlePicker;
  private balancer: { instance: LoadBalancer; factory: LoadBalancerFactory } | undefined;
  private readonly config: ChannelConfig;
  private resolving = false;
  private resolveAgain = false;
  private resolutionFailures = 0;
  private resolutionTimer: ReturnType<typeof setTimeout> | undefined;
  private watching = false;
  private callsInFlight = 0;
  private lastCallEnded = 0;
  private readonly idleTimer: IdleTimer;
  private closed = false;

  /** @internal Whether the resolver has answered once (or failed): until then calls wait, as their method config may change. */
  get configured(): boolean {
    return this.config.known;
  }

  /**
   * @internal Calls `callback` once the resolver has answered once (at once if it has), connecting the channel if
   * IDLE. Returns the function that takes the callback back (a call that ends first).
   */
  whenConfigured(callback: () => void): () => void {
    if (this.config.known || this.closed) {
      callback();
      return () => {};
    }
    const release = this.config.wait(callback);
    this.exitIdle();
    return release;
  }

  /** Why the resolver's last service config was refused (the channel kept the one before it). */
  get serviceConfigError(): Error | undefined {
    return this.config.error;
  }

  /** Throws InvalidTargetError for a target the naming spec does not allow, ServiceConfigError for a bad default config. */
  constructor(readonly target: string, private readonly options: ChannelOptions = {}) {
    const { resolver, authority, canonicalTarget } = resolverFor(target, options);
    this.resolver = resolver;
    this.authority = authority;
    this.canonicalTarget = canonicalTarget;
    this.config = new ChannelConfig(options.defaultServiceConfig, options.disableResolverServiceConfig === true);
    this.maxReceiveMessageSize = options.maxReceiveMessageSize ?? 4 * 1024 * 1024;
    this.maxSendMessageSize = options.maxSendMessageSize ?? Infinity;
    this.maxAttemptsLimit = options.maxAttemptsLimit ?? 5;
    this.retriesDisabled = options.disableRetries === true;
    this.retryBuffer = new RetryBufferBudget(options.retryBufferSize ?? 16 * 1024 * 1024, options.perCallRetryBufferSize ?? 1024 * 1024);
    this.idleTimer = new IdleTimer(
      options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      () => this.callsInFlight > 0 || this.pending.size > 0,
      () => this.lastCallEnded,
      () => this.enterIdle(),
    );
    enableCallPropagation();
  }

  get secure(): boolean {
    return !!this.options.tls;
  }

  /** The channel's connectivity state; with `tryToConnect`, an IDLE channel starts connecting. */
  getState(tryToConnect = false): ConnectivityState {
    if (tryToConnect && this.connectivity.state === "IDLE") this.exitIdle();
    return this.connectivity.state;
  }

  /** Calls `listener` with each new connectivity state, until the returned function is called. */
  watchState(listener: StateListener): () => void {
    return this.connectivity.watch(listener);
  }

  /**
   * Settles once the channel is in `state` (at once if it is), or rejects when `signal` aborts first. While it waits,
   * the process stays alive (the channel's idle connections alone do not keep it so).
   */
  whenState(state: ConnectivityState, signal?: AbortSignal): Promise<void> {
    if (this.connectivity.state === state) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const keepAlive = setInterval(() => {}, 2 ** 31 - 1);
      const stop = this.connectivity.watch((s) => s === state && (done(), resolve()));
      const onAbort = () => (done(), reject(signal!.reason));
      const done = () => (stop(), clearInterval(keepAlive), signal?.removeEventListener("abort", onAbort));
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** The config of a method from the service config in use (memoized per method until the config changes). */
  methodConfig(path: string): MethodConfig | undefined {
    return this.config.methodConfig(path);
  }

  /** @internal The channel's retry throttle, when the service config sets retryThrottling. */
  get retryThrottle(): RetryThrottle | undefined {
    return this.config.throttle;
  }

  /** A ready connection now, as the picker chooses, without waiting a turn of the event loop; undefined when none is. */
  liveConnection(): CallConnection | undefined {
    return this.closed ? undefined : connectionOf(this.picker());
  }

  /**
   * A connection for a call: at once when the picker has one; otherwise once the balancer has one ready, or the
   * picker's error when the channel is in TRANSIENT_FAILURE (unless the call waits for ready). A waiting call hands
   * `onWait` a function it calls when it ends first, so that it leaves the waiting list at once.
   */
  getConnection(waitForReady = false, onWait?: (release: () => void) => void): Promise<CallConnection> {
    if (this.closed) return Promise.reject(new Error("the channel is closed"));
    const picked = this.picker();
    const connection = connectionOf(picked);
    if (connection) return Promise.resolve(connection);
    if (picked instanceof Error && !waitForReady) return Promise.reject(picked);
    return this.pending.add(waitForReady, onWait);
  }

  /** Starts resolving and connecting, when IDLE. */
  private exitIdle(): void {
    if (this.closed || this.connectivity.state !== "IDLE") return;
    if (this.callsInFlight === 0) this.lastCallEnded = Date.now();
    this.idleTimer.arm();
    if (this.balancer) return this.balancer.instance.exitIdle();
    this.setState("CONNECTING", () => undefined);
    if (!this.watching && this.resolver.watch) {
      this.watching = true;
      this.resolver.watch((resolution) => this.resolved(resolution));
    }
    this.resolve();
  }

  /** Asks the resolver (once at a time; a request made meanwhile runs after it). */
  private resolve(): void {
    if (this.closed) return;
    if (this.resolving) return void (this.resolveAgain = true);
    this.resolving = true;
    clearTimeout(this.resolutionTimer);
    this.resolver.resolve().then(
      (resolution) => this.resolved(resolution),
      (e: Error) => this.resolutionFailed(e),
    ).finally(() => {
      this.resolving = false;
      if (this.resolveAgain) {
        this.resolveAgain = false;
        this.resolve();
      }
    });
  }

  private resolved(resolution: Resolution): void {
    if (this.closed || (!this.balancer && this.connectivity.state === "IDLE")) return; // idle since: the next call resolves again
    this.config.use(resolution.serviceConfig);
    const { balancer, balancerConfig } = this.config.current;
    if (this.balancer && this.balancer.factory !== balancer) {
      this.balancer.instance.close();
      this.balancer = undefined;
    }
    const fresh = !this.balancer;
    this.balancer ??= { instance: balancer.create(this.helper), factory: balancer };
    this.balancer.instance.updateAddresses(resolution.addresses, balancerConfig);
    if (fresh) this.balancer.instance.exitIdle();
    if (resolution.addresses.length === 0) this.resolveLater();
    else this.resolutionFailures = 0;
    this.config.settle();
  }

  private resolutionFailed(error: Error): void {
    if (this.closed) return;
    if (this.balancer) this.balancer.instance.resolutionFailed(error);
    else if (this.connectivity.state !== "IDLE") this.setState("TRANSIENT_FAILURE", () => error);
    this.config.settle();
    this.resolveLater();
  }

  /** Resolves again after a backoff (a failed resolution, or one with no address). */
  private resolveLater(): void {
    const backoff = Math.min(RESOLUTION_BACKOFF.max, RESOLUTION_BACKOFF.initial * RESOLUTION_BACKOFF.multiplier ** this.resolutionFailures++);
    clearTimeout(this.resolutionTimer);
    this.resolutionTimer = setTimeout(() => this.resolve(), backoff * (0.8 + Math.random() * 0.4));
    this.resolutionTimer.unref();
  }

  private readonly helper: BalancerHelper = {
    createSubchannel: (address, onChange, options) => {
      const serviceName = this.config.current.serviceConfig.healthCheckServiceName;
      const health = options?.healthCheck && serviceName !== undefined && !this.options.disableHealthCheck ? { serviceName, secure: this.secure } : undefined;
      const subchannel = new Subchannel(address, this.open, (s) => {
        if (s.state === "SHUTDOWN") this.subchannels.delete(s);
        onChange(s);
      }, health);
      this.subchannels.add(subchannel);
      return subchannel;
    },
    updateState: (state, picker) => {
      if (this.closed) return;
      this.setState(state, picker);
    },
    requestResolution: () => this.resolve(),
  };

  private setState(state: ConnectivityState, picker: Picker): void {
    this.picker = picker;
    this.connectivity.set(state);
    if (this.pending.size > 0) this.pending.retry(picker);
  }

  /** A new connection to one address, on the channel's HTTP/2 engine and TLS. */
  private readonly open = (address: Address): Promise<CallConnection> => {
    const tls = this.options.tls ? (typeof this.options.tls === "object" ? this.options.tls : {}) : undefined;
    const keepalive = channelKeepalive(this, this.options);
    return this.options.http2Engine === "node" ? connectNode(address, this.authority, tls, keepalive) : connectEngine(address, this.authority, tls, keepalive);
  };

  private enterIdle(): void {
    this.balancer?.instance.close();
    this.balancer = undefined;
    clearTimeout(this.resolutionTimer);
    this.setState("IDLE", this.idlePicker);
  }

  /**
   * The channel's call counts now (channelz's CallCounts: started, succeeded, failed, in flight, last call started),
   * in all and per method, and each subchannel's state and the attempts it carried.
   */
  stats(): ChannelStatsSnapshot {
    return {
      target: this.canonicalTarget,
      state: this.connectivity.state,
      calls: this.callStats.calls.snapshot(),
      methods: this.callStats.methodSnapshots(),
      subchannels: [...this.subchannels].map((s) => ({ address: s.key, state: s.state, calls: s.calls.snapshot() })),
    };
  }

  /** @internal An attempt started on `connection`: while any is in flight, the connection keeps the process alive. */
  callStarted(connection: CallConnection): void {
    connection.subchannelCalls?.callStarted(Date.now());
    this.callsInFlight++;
    connection.callStarted();
  }

  /** @internal */
  callEnded(connection: CallConnection): void {
    // The idle check looks at this only once no call is in flight: the clock is read then, not at every call's end.
    if (--this.callsInFlight === 0) this.lastCallEnded = Date.now();
    connection.callEnded();
  }

  stream<I extends object, O extends object>(method: MethodDefinition<I, O>, requests: Requests<I>, options: CallOptions): AsyncIterable<O> {
    return new ClientCall(this, method, requests, options).responses as AsyncQueue<O>;
  }

  unary<I extends object, O extends object>(method: MethodDefinition<I, O>, request: MessageInit<I>, options: CallOptions): Promise<O> {
    const sink = new SingleResponse<O>();
    new ClientCall(this, method, [request], options, sink);
    return sink.promise;
  }

  /** Closes the channel: calls in flight may finish; waiting and new calls fail. SHUTDOWN. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.idleTimer.clear();
    clearTimeout(this.resolutionTimer);
    this.balancer?.instance.close();
    this.resolver.close?.();
    this.pending.failAll(new Error("the channel is closed"));
    this.config.settle();
    this.picker = () => new Error("the channel is closed");
    this.connectivity.set("SHUTDOWN");
  }
}

export function createChannel(target: string, options?: ChannelOptions): Channel {
  return new Channel(target, options);
}
