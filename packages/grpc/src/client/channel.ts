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
import { connectFirst } from "./balancer/pick-first.js";
import { RoundRobin } from "./balancer/round-robin.js";
import type { Address } from "./resolver/address.js";
import { resolverFor } from "./resolver/registry.js";
import type { Resolver, ResolverOptions } from "./resolver/resolver.js";
import type { Requests, Transport } from "./transport.js";

export interface ChannelOptions extends ResolverOptions {
  /** TLS: true for the system CAs, or options such as `ca`, `cert`, `key` (mutual TLS) and `servername`. */
  tls?: boolean | SecureClientSessionOptions;
  /** Largest response message accepted, in bytes (default 4 MiB). */
  maxReceiveMessageSize?: number;
  /** Which HTTP/2 implementation carries the calls: "tsgrpc", tsgrpc's own engine (the default), or "node", node:http2. */
  http2Engine?: "tsgrpc" | "node";
  /**
   * "pick_first" (the default): one connection, to the first address that answers. "round_robin": a connection to
   * every address, calls spread over the ready ones in turn.
   */
  loadBalancingPolicy?: "pick_first" | "round_robin";
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

/** gRPC's connection backoff (doc/connection-backoff.md). */
const BACKOFF = { initial: 1000, multiplier: 1.6, jitter: 0.2, max: 120_000 };

/**
 * One HTTP/2 connection to a target (any form of gRPC's naming spec: `host:port`, `dns:///name:port`,
 * `ipv4:a:p,b:p`, `ipv6:[::1]:p`, `unix:path`; or a scheme registered with `registerResolver`), opened on first use
 * to the first resolved address that answers (pick_first), and opened again after it closes or fails.
 * After a failed attempt the next one waits out gRPC's exponential backoff; calls made meanwhile fail fast with
 * UNAVAILABLE, unless they asked to wait for the connection.
 */
export class Channel implements Transport {
  private connection: CallConnection | undefined;
  private ready: Promise<CallConnection> | undefined;
  private failures = 0;
  private retryAt = 0;
  private closed = false;
  /** The `:authority` calls carry: the target's host and port (`localhost` for a unix socket). */
  readonly authority: string;
  readonly maxReceiveMessageSize: number;

  private readonly resolver: Resolver;
  /** The balancer of a round_robin channel; a pick_first channel keeps its one connection itself. */
  private readonly roundRobin: RoundRobin | undefined;

  /** Throws InvalidTargetError for a target the naming spec does not allow (doc/naming.md). */
  constructor(readonly target: string, private readonly options: ChannelOptions = {}) {
    const { resolver, authority } = resolverFor(target, options);
    this.resolver = resolver;
    this.authority = authority;
    if (options.loadBalancingPolicy === "round_robin") this.roundRobin = new RoundRobin(resolver, this.open);
    else if (options.loadBalancingPolicy !== undefined && options.loadBalancingPolicy !== "pick_first") {
      throw new Error(`unknown loadBalancingPolicy "${options.loadBalancingPolicy}": pick_first or round_robin`);
    }
    this.maxReceiveMessageSize = options.maxReceiveMessageSize ?? 4 * 1024 * 1024;
    enableCallPropagation();
  }

  get secure(): boolean {
    return !!this.options.tls;
  }

  /** The connection, when one is connected and open (calls then start without waiting a turn of the event loop). */
  liveConnection(): CallConnection | undefined {
    if (this.roundRobin) return this.closed ? undefined : this.roundRobin.pick();
    const c = this.connection;
    return !this.closed && c && c.usable ? c : undefined;
  }

  /**
   * The live connection, connecting if needed. Rejects when the connection cannot be made (or backoff is running).
   * A call that may wait hands `onWait` a function it calls when it ends first, so that a balancer drops it at once.
   */
  getConnection(waitForReady = false, onWait?: (release: () => void) => void): Promise<CallConnection> {
    if (this.closed) return Promise.reject(new Error("the channel is closed"));
    if (this.roundRobin) return this.roundRobin.connection(waitForReady, onWait);
    const live = this.liveConnection();
    if (live) return Promise.resolve(live);
    if (this.ready) return this.ready;
    const wait = this.retryAt - Date.now();
    if (wait > 0 && !waitForReady) return Promise.reject(new Error(`connection to ${this.target} failed; retrying in ${wait} ms`));
    this.ready = new Promise<void>((r) => setTimeout(r, Math.max(0, wait))).then(() => this.connect());
    const pending = this.ready;
    pending.then(
      () => (this.ready = undefined),
      () => (this.ready = undefined),
    );
    return pending;
  }

  /** A new connection to one address, on the channel's HTTP/2 engine and TLS. */
  private readonly open = (address: Address): Promise<CallConnection> => {
    const tls = this.options.tls ? (typeof this.options.tls === "object" ? this.options.tls : {}) : undefined;
    const keepalive = channelKeepalive(this, this.options);
    return this.options.http2Engine === "node" ? connectNode(address, this.authority, tls, keepalive) : connectEngine(address, this.authority, tls, keepalive);
  };

  /** Resolves the target (again, if the resolver sees fit) and connects to the first address that answers. */
  private connect(): Promise<CallConnection> {
    const opening = this.resolver.resolve().then(({ addresses }) => connectFirst(addresses, this.open));
    return opening.then(
      (connection) => {
        this.failures = 0;
        this.retryAt = 0;
        this.connection = connection;
        // A GOAWAY or a close ends this connection for new calls; the next call connects again.
        connection.onGone(() => {
          if (this.connection === connection) this.connection = undefined;
        });
        return connection;
      },
      (e: Error) => {
        this.failures++;
        const backoff = Math.min(BACKOFF.max, BACKOFF.initial * BACKOFF.multiplier ** (this.failures - 1));
        this.retryAt = Date.now() + backoff * (1 + BACKOFF.jitter * (Math.random() * 2 - 1));
        throw e;
      },
    );
  }

  /** @internal A call started on `connection`: while any is in flight, the connection keeps the process alive. */
  callStarted(connection: CallConnection): void {
    connection.callStarted();
  }

  /** @internal */
  callEnded(connection: CallConnection): void {
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

  /** Closes the connection: calls in flight may finish; new calls fail. */
  close(): void {
    this.closed = true;
    this.connection?.close();
    this.roundRobin?.close();
  }
}

export function createChannel(target: string, options?: ChannelOptions): Channel {
  return new Channel(target, options);
}
