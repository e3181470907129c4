import type { GrpcError } from "../grpc-error.js";

/**
 * gRFC A66's per-call stats hook on the client (its `CallTracer`), for observability plugins such as
 * @tsgrpc/opentelemetry. An interceptor puts one in a call's options (`CallOptions.tracer`); the Channel then tells
 * it of every attempt the call makes (the first, each retry or hedge, and a transparent retry), which interceptors
 * cannot see. Nothing of this runs for a call without a tracer. The gRPC-Web transport makes no attempts and calls
 * no tracer.
 */
export interface CallTracer {
  /** An attempt starts (after name resolution, before the pick); what it returns hears about that attempt. */
  attemptStarted(attempt: AttemptInfo): AttemptTracer;
}

export interface AttemptInfo {
  /** The channel's target in gRPC's canonical form (`dns:///localhost:50051`). */
  readonly target: string;
  /** Attempts of the call before this one. */
  readonly previousAttempts: number;
  /** A transparent retry: the previous attempt never reached the server's application (gRFC A6). */
  readonly transparent: boolean;
}

/** gRFC A66's `CallAttemptTracer`: the messages of one attempt, and its end. */
export interface AttemptTracer {
  /** A request message went out on this attempt: its size as sent (compressed, without the 5-byte prefix). */
  messageSent(compressedBytes: number): void;
  /** A response message arrived on this attempt: its size as received (compressed, without the 5-byte prefix). */
  messageReceived(compressedBytes: number): void;
  /**
   * The attempt is over, once: its status (null for OK). An attempt the call dropped (another committed, the call was
   * cancelled or its deadline passed) ends with the call's status, or CANCELLED.
   */
  ended(status: GrpcError | null): void;
}
