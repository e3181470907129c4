import { connect } from "node:http2";
import type { ClientHttp2Session, SecureClientSessionOptions } from "node:http2";
import type { MethodDefinition } from "@tsgrpc/protobuf";
import type { AsyncQueue } from "../async-queue.js";
import { enableCallPropagation } from "../server/server-context.js";
import type { CallOptions } from "./call-options.js";
import { ClientCall } from "./client-call.js";
import { SingleResponse } from "./response-sink.js";
import type { Requests, Transport } from "./transport.js";

export interface ChannelOptions {
  /** TLS: true for the system CAs, or options such as `ca`, `cert`, `key` (mutual TLS) and `servername`. */
  tls?: boolean | SecureClientSessionOptions;
  /** Largest response message accepted, in bytes (default 4 MiB). */
  maxReceiveMessageSize?: number;
}

/** gRPC's connection backoff (doc/connection-backoff.md). */
const BACKOFF = { initial: 1000, multiplier: 1.6, jitter: 0.2, max: 120_000 };

/**
 * One HTTP/2 connection to a target ("host:port"), opened on first use and opened again after it closes or fails.
 * After a failed attempt the next one waits out gRPC's exponential backoff; calls made meanwhile fail fast with
 * UNAVAILABLE, unless they asked to wait for the connection.
 */
export class Channel implements Transport {
  private session: ClientHttp2Session | undefined;
  private ready: Promise<ClientHttp2Session> | undefined;
  private failures = 0;
  private retryAt = 0;
  private closed = false;
  readonly authority: string;
  readonly maxReceiveMessageSize: number;

  constructor(readonly target: string, private readonly options: ChannelOptions = {}) {
    enableCallPropagation();
    const scheme = options.tls ? "https" : "http";
    this.authority = `${scheme}://${target.replace(/^(dns:|ipv4:|ipv6:)/, "")}`;
    this.maxReceiveMessageSize = options.maxReceiveMessageSize ?? 4 * 1024 * 1024;
  }

  get secure(): boolean {
    return !!this.options.tls;
  }

  /** The session, when one is connected and open (calls then start without waiting a turn of the event loop). */
  liveSession(): ClientHttp2Session | undefined {
    const s = this.session;
    return !this.closed && s && !s.closed && !s.destroyed ? s : undefined;
  }

  /** The live session, connecting if needed. Rejects when the connection cannot be made (or backoff is running). */
  getSession(waitForReady = false): Promise<ClientHttp2Session> {
    if (this.closed) return Promise.reject(new Error("the channel is closed"));
    const live = this.liveSession();
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

  private connect(): Promise<ClientHttp2Session> {
    return new Promise((resolve, reject) => {
      const tls = typeof this.options.tls === "object" ? this.options.tls : {};
      const session = connect(this.authority, { ...tls, settings: { enablePush: false } });
      const fail = (e: Error) => {
        this.failures++;
        const backoff = Math.min(BACKOFF.max, BACKOFF.initial * BACKOFF.multiplier ** (this.failures - 1));
        this.retryAt = Date.now() + backoff * (1 + BACKOFF.jitter * (Math.random() * 2 - 1));
        session.destroy();
        reject(e);
      };
      session.once("error", fail);
      session.once("connect", () => {
        session.off("error", fail);
        session.on("error", () => {});
        this.failures = 0;
        this.retryAt = 0;
        this.session = session;
        // A GOAWAY or a close ends this session for new calls; the next call connects again.
        const forget = () => {
          if (this.session === session) this.session = undefined;
        };
        session.once("goaway", forget);
        session.once("close", forget);
        // Calls in flight keep the process alive; an idle connection does not.
        if (this.activeCalls === 0) session.unref();
        resolve(session);
      });
    });
  }

  private activeCalls = 0;

  /** @internal A call started on `session`: while any is in flight, the connection keeps the process alive. */
  callStarted(session: ClientHttp2Session): void {
    if (this.activeCalls++ === 0) session.ref();
  }

  /** @internal */
  callEnded(session: ClientHttp2Session): void {
    if (--this.activeCalls === 0 && !session.destroyed) session.unref();
  }

  stream<I extends object, O extends object>(method: MethodDefinition<I, O>, requests: Requests<I>, options: CallOptions): AsyncIterable<O> {
    return new ClientCall(this, method, requests, options).responses as AsyncQueue<O>;
  }

  unary<I extends object, O extends object>(method: MethodDefinition<I, O>, request: Partial<I>, options: CallOptions): Promise<O> {
    const sink = new SingleResponse<O>();
    new ClientCall(this, method, [request], options, sink);
    return sink.promise;
  }

  /** Closes the connection: calls in flight may finish; new calls fail. */
  close(): void {
    this.closed = true;
    this.session?.close();
  }
}

export function createChannel(target: string, options?: ChannelOptions): Channel {
  return new Channel(target, options);
}
