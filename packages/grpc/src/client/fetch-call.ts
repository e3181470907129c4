import { AsyncQueue } from "../async-queue.js";
import { GrpcError } from "../grpc-error.js";
import { DeadlineTimer } from "../protocol/deadline-timer.js";
import { Status } from "../status.js";
import { type CallOptions, ownDeadline } from "./call-options.js";
import type { MessageInit, MethodDefinition } from "@tsgrpc/protobuf";
import { type ResponseSink, SingleResponse } from "./response-sink.js";
import type { Requests, Transport } from "./transport.js";

/** Whether the reader of a response stream is behind: while `paused` is set, the transport stops reading the body. */
export interface ReadFlow {
  paused: Promise<void> | undefined;
}

/** The responses of a streaming call over fetch, with backpressure both ways. */
export interface FetchStream<O> {
  queue: AsyncQueue<O>;
  flow: ReadFlow;
  /** Aborted when the reader stops early (break, return, throw in a for-await loop). */
  abandoned: AbortSignal;
}

/** A queue for a stream's responses: while the reader is behind, the body is not read (and the browser stops reading the socket). */
export function fetchStream<O>(): FetchStream<O> {
  let resume: (() => void) | undefined;
  const flow: ReadFlow = { paused: undefined };
  const abandon = new AbortController();
  const queue = new AsyncQueue<O>(
    16,
    () => (flow.paused = new Promise<void>((r) => (resume = r))),
    () => {
      flow.paused = undefined;
      resume?.();
    },
    () => abandon.abort(),
  );
  return { queue, flow, abandoned: abandon.signal };
}

/**
 * One call of a fetch-based transport (gRPC-Web, Connect): its AbortController, aborted by the caller's signal, an
 * abandoned response stream or the deadline, whichever comes first being the call's status; and the end of the call,
 * which releases their listeners and timer.
 */
export class FetchCall {
  private readonly controller = new AbortController();
  private readonly cleanup: (() => void)[] = [];
  /** The call's own deadline, ms since the epoch. */
  readonly deadline: number | undefined;

  constructor(options: CallOptions, abandoned: AbortSignal | undefined) {
    this.listen(options.signal, () => new GrpcError(Status.CANCELLED, "Cancelled by the caller"));
    this.listen(abandoned, () => new GrpcError(Status.CANCELLED, "The response stream was abandoned"));
    this.deadline = ownDeadline(options);
  }

  /** The signal to give fetch. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Why the call was stopped, if it was. */
  get stoppedWith(): GrpcError | undefined {
    return this.controller.signal.aborted ? (this.controller.signal.reason as GrpcError) : undefined;
  }

  /** Throws why the call was stopped, if it was; otherwise starts the deadline's timer (DEADLINE_EXCEEDED if it has passed). */
  begin(): void {
    const stopped = this.stoppedWith;
    if (stopped) throw stopped;
    if (this.deadline === undefined) return;
    if (this.deadline - Date.now() <= 0) throw new GrpcError(Status.DEADLINE_EXCEEDED, "Deadline exceeded before the call started");
    const timer = new DeadlineTimer(this.deadline, () => this.stop(new GrpcError(Status.DEADLINE_EXCEEDED, "Deadline exceeded")));
    this.cleanup.push(() => timer.clear());
  }

  /** Fetches, turning a network failure into UNAVAILABLE (or into why the call was stopped). */
  async fetch(fetch: typeof globalThis.fetch, url: string, init: RequestInit, what: string): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: this.controller.signal });
    } catch (e) {
      throw this.stoppedWith ?? new GrpcError(Status.UNAVAILABLE, `${what} could not be reached: ${(e as Error).message}`);
    }
  }

  /** Ends the call into its sink (OK when `error` is undefined; why it was stopped wins over `error`). */
  end<O>(sink: ResponseSink<O>, error?: unknown): void {
    for (const f of this.cleanup) f();
    if (error === undefined) sink.end();
    else sink.end(this.stoppedWith ?? GrpcError.from(error, false));
  }

  private stop(error: GrpcError): void {
    if (!this.controller.signal.aborted) this.controller.abort(error);
  }

  private listen(signal: AbortSignal | undefined, error: () => GrpcError): void {
    if (!signal) return;
    if (signal.aborted) return this.stop(error());
    const onAbort = () => this.stop(error());
    signal.addEventListener("abort", onAbort, { once: true });
    this.cleanup.push(() => signal.removeEventListener("abort", onAbort));
  }
}

/**
 * What the fetch-based transports (gRPC-Web, Connect) share: a unary call is one request into a single-response sink,
 * a streaming call feeds a queue whose reads pace the response body; each transport's `run` does the exchange.
 */
export abstract class FetchTransport implements Transport {
  unary<I extends object, O extends object>(method: MethodDefinition<I, O>, request: MessageInit<I>, options: CallOptions): Promise<O> {
    const sink = new SingleResponse<O>();
    void this.run(method, [request], options, sink, undefined);
    return sink.promise;
  }

  stream<I extends object, O extends object>(method: MethodDefinition<I, O>, requests: Requests<I>, options: CallOptions): AsyncIterable<O> {
    const { queue, flow, abandoned } = fetchStream<O>();
    void this.run(method, requests, options, queue, { flow, abandoned });
    return queue;
  }

  protected abstract run<I extends object, O extends object>(
    method: MethodDefinition<I, O>,
    requests: Requests<I>,
    options: CallOptions,
    sink: ResponseSink<O>,
    streaming: { flow: ReadFlow; abandoned: AbortSignal } | undefined,
  ): Promise<void>;
}
