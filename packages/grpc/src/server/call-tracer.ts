import type { IncomingHttpHeaders } from "node:http2";
import type { Status } from "../status.js";

/**
 * gRFC A66's per-call stats hook on the server (its `ServerCallTracer`), for observability plugins such as
 * @tsgrpc/opentelemetry: `ServerOptions.callTracer` makes one for every call the server gets, gRPC, gRPC-Web and Connect,
 * including calls to methods it does not serve. Nothing of this runs on a server without one.
 */
export type ServerCallTracerFactory = (call: ServerCallInfo) => ServerCallTracer | undefined;

export interface ServerCallInfo {
  /** The request's `:path`, `/package.Service/Method`. */
  readonly path: string;
  /** Whether the server serves that method: an unregistered one is answered UNIMPLEMENTED (A66 counts it as "other"). */
  readonly registered: boolean;
  /** The request headers (metadata, `:authority`), as received. */
  readonly headers: IncomingHttpHeaders;
}

export interface ServerCallTracer {
  /** A request message arrived: its size as received (compressed, without the 5-byte prefix). */
  messageReceived(compressedBytes: number): void;
  /** A response message went out: its size as sent (compressed, without the 5-byte prefix). */
  messageSent(compressedBytes: number): void;
  /**
   * The call is over, once: as its status is handed to the transport (trailers, or a trailers-only response), or as
   * the client goes away first (CANCELLED).
   */
  ended(status: Status, message: string): void;
  /** Runs the handler and the interceptors (a tracing plugin makes its span the active context there). */
  runHandler?<T>(fn: () => T): T;
}
