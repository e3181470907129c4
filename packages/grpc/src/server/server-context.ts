import { AsyncLocalStorage } from "node:async_hooks";
import type { MethodDefinition } from "@tsgrpc/protobuf";
import { Metadata } from "../metadata.js";

export interface PeerIdentity {
  commonName: string | undefined;
  subjectAltNames: string[];
  /** SHA-256 fingerprint of the client certificate. */
  fingerprint256: string;
}

/** What a handler knows about its call, and how it shapes the response's headers and trailers. */
export class ServerContext {
  /** Metadata to send in the response headers (before the first response message). */
  readonly responseHeaders = new Metadata();
  /** Metadata to send in the trailers, with the status. */
  readonly responseTrailers = new Metadata();
  /** Compress response messages with this encoding, when the client accepts it ("identity": no compression). */
  responseCompression: "identity" | "gzip" | "deflate" = "identity";
  private readonly controller = new AbortController();

  constructor(
    readonly method: MethodDefinition,
    /** The request metadata. */
    readonly metadata: Metadata,
    /** When the call must be over, in ms since the epoch; undefined when the client set no deadline. */
    readonly deadline: number | undefined,
    /** The client's address (`ip:port`). */
    readonly peer: string,
    /** Under mutual TLS, the verified client certificate's identity (subject common name and alternative names). */
    readonly peerIdentity?: PeerIdentity,
  ) {}

  /** Aborts when the client cancels, the deadline passes, or the server shuts down. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Milliseconds left before the deadline (Infinity without one). */
  timeRemaining(): number {
    return this.deadline === undefined ? Infinity : Math.max(0, this.deadline - Date.now());
  }

  /** @internal */
  abort(reason: unknown): void {
    this.controller.abort(reason);
  }
}

/** The call a handler is serving, for the code it runs (client calls read it to propagate deadlines). */
export const serverCallStorage = new AsyncLocalStorage<ServerContext>();

/**
 * On Node 20 an active AsyncLocalStorage puts a hook on every promise in the process, which costs a server about a
 * tenth of its throughput. Client calls are its only reader, so handlers run inside it only once the process has made
 * a client channel (a channel first made inside a handler propagates from the next call on).
 */
let propagating = false;

/** Called by every client channel: from now on handlers run inside serverCallStorage. */
export function enableCallPropagation(): void {
  propagating = true;
}

/** Runs a handler's code as part of the call `ctx`, for client calls it makes. */
export function runInCall<T>(ctx: ServerContext, fn: () => T): T {
  return propagating ? serverCallStorage.run(ctx, fn) : fn();
}
