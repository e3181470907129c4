import type { Encoding } from "../protocol/compression.js";
import { Metadata } from "../metadata.js";
import type { CallTracer } from "./call-tracer.js";

export interface CallOptions {
  /** Milliseconds the call may take (sent as grpc-timeout). */
  timeout?: number;
  /** An absolute deadline (ms since the epoch, or a Date); the earlier of this and `timeout` wins. */
  deadline?: number | Date;
  metadata?: Metadata | Record<string, string | Uint8Array>;
  /** Cancels the call when aborted. */
  signal?: AbortSignal;
  /** Compress request messages. */
  compression?: Encoding;
  /** Wait for the connection (within the deadline) instead of failing fast with UNAVAILABLE. */
  waitForReady?: boolean;
  /** Inside a server handler, the call inherits the handler's deadline and cancellation; false opts out. */
  propagate?: boolean;
  onHeader?: (headers: Metadata) => void;
  onTrailer?: (trailers: Metadata) => void;
  /** Hears about each attempt of the call on a Channel (gRFC A66's stats hook; see CallTracer). Set by interceptors. */
  tracer?: CallTracer;
}

/** The call's own deadline, in ms since the epoch: the earlier of `deadline` and `timeout`, undefined without either. */
export function ownDeadline(options: CallOptions): number | undefined {
  let deadline = options.deadline instanceof Date ? options.deadline.getTime() : options.deadline;
  if (options.timeout !== undefined) deadline = Math.min(deadline ?? Infinity, Date.now() + options.timeout);
  return deadline;
}

export function toMetadata(m: CallOptions["metadata"]): Metadata {
  if (m === undefined) return new Metadata();
  return m instanceof Metadata ? m : new Metadata(m);
}
