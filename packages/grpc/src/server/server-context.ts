import { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingHttpHeaders } from "node:http2";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import type { MethodDefinition } from "@tsgrpc/protobuf";
import { Metadata } from "../metadata.js";

export interface PeerIdentity {
  commonName: string | undefined;
  subjectAltNames: string[];
  /** SHA-256 fingerprint of the client certificate. */
  fingerprint256: string;
}

/** The verified client certificate of a mutual-TLS connection, if there is one. */
function peerIdentityOf(socket: Socket | TLSSocket | undefined): PeerIdentity | undefined {
  const tls = socket as TLSSocket | undefined;
  if (!tls || typeof tls.getPeerCertificate !== "function" || !tls.authorized) return undefined;
  const cert = tls.getPeerCertificate();
  if (!cert || !cert.fingerprint256) return undefined;
  const cn = cert.subject?.CN;
  return {
    commonName: Array.isArray(cn) ? cn[0] : cn,
    subjectAltNames: (cert.subjectaltname ?? "").split(",").map((s) => s.trim()).filter(Boolean),
    fingerprint256: cert.fingerprint256,
  };
}

/** What a handler knows about its call, and how it shapes the response's headers and trailers. */
export class ServerContext {
  /** Compress response messages with this encoding, when the client accepts it ("identity": no compression). */
  responseCompression: "identity" | "gzip" | "deflate" | "br" = "identity";
  // Made on first use: most calls never touch them, and a server makes one context per call.
  private controller: AbortController | undefined;
  private abortReason: unknown;
  private aborted = false;
  private _responseHeaders: Metadata | undefined;
  private _responseTrailers: Metadata | undefined;

  private _metadata: Metadata | undefined;
  private _peerIdentity: PeerIdentity | null | undefined;

  /** @internal Made by the server for each call; metadata and the peer's certificate are read on first use. */
  constructor(
    readonly method: MethodDefinition,
    private readonly headers: IncomingHttpHeaders,
    /** When the call must be over, in ms since the epoch; undefined when the client set no deadline. */
    readonly deadline: number | undefined,
    /** The client's address (`ip:port`). */
    readonly peer: string,
    private readonly socket: Socket | TLSSocket | undefined,
  ) {}

  /** Metadata to send in the response headers (before the first response message). */
  get responseHeaders(): Metadata {
    return (this._responseHeaders ??= new Metadata());
  }

  /** Metadata to send in the trailers, with the status. */
  get responseTrailers(): Metadata {
    return (this._responseTrailers ??= new Metadata());
  }

  /** @internal Copies the response headers or trailers the handler set, if any, into `out`. */
  writeResponseMetadata(which: "headers" | "trailers", out: Record<string, string | string[]>): void {
    (which === "headers" ? this._responseHeaders : this._responseTrailers)?.toHeaders(out);
  }

  /** The request metadata. */
  get metadata(): Metadata {
    return (this._metadata ??= Metadata.fromHeaders(this.headers));
  }

  /** Under mutual TLS, the verified client certificate's identity (subject common name and alternative names). */
  get peerIdentity(): PeerIdentity | undefined {
    if (this._peerIdentity === undefined) this._peerIdentity = peerIdentityOf(this.socket) ?? null;
    return this._peerIdentity ?? undefined;
  }

  /** Aborts when the client cancels, the deadline passes, or the server shuts down. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** Milliseconds left before the deadline (Infinity without one). */
  timeRemaining(): number {
    return this.deadline === undefined ? Infinity : Math.max(0, this.deadline - Date.now());
  }

  /** @internal */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
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
