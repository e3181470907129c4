import type { Encoding } from "../protocol/compression.js";
import { Metadata } from "../metadata.js";
import { serverCallStorage } from "../server/server-context.js";

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
}

/** The deadline and abort signal a call runs under: its own, combined with those of the server call it runs in. */
export function effectiveLimits(options: CallOptions): { deadline: number | undefined; signal: AbortSignal | undefined } {
  let deadline = options.deadline instanceof Date ? options.deadline.getTime() : options.deadline;
  if (options.timeout !== undefined) deadline = Math.min(deadline ?? Infinity, Date.now() + options.timeout);
  let signal = options.signal;
  const parent = options.propagate === false ? undefined : serverCallStorage.getStore();
  if (parent) {
    if (parent.deadline !== undefined) deadline = Math.min(deadline ?? Infinity, parent.deadline);
    signal = signal ? AbortSignal.any([signal, parent.signal]) : parent.signal;
  }
  return { deadline, signal };
}

export function toMetadata(m: CallOptions["metadata"]): Metadata {
  if (m === undefined) return new Metadata();
  return m instanceof Metadata ? m : new Metadata(m);
}
