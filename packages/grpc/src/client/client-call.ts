import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http2";
import type { MethodDefinition, MessageInit } from "@tsgrpc/protobuf";
import { AsyncQueue } from "../async-queue.js";
import { GrpcError } from "../grpc-error.js";
import { Metadata } from "../metadata.js";
import { ACCEPT_ENCODING } from "../protocol/compression.js";
import { envelopeFor } from "../protocol/write-message.js";
import { DeadlineTimer } from "../protocol/deadline-timer.js";
import { Status } from "../status.js";
import { type CallOptions, toMetadata } from "./call-options.js";
import { effectiveLimits } from "./propagation.js";
import type { Channel } from "./channel.js";
import { CallAttempt, type AttemptOutcome, type AttemptOwner } from "./call-attempt.js";
import type { ResponseSink } from "./response-sink.js";
import type { HedgingPolicy, RetryPolicy } from "./service-config/service-config.js";
import { RetryBackoff, parsePushback } from "./retry/retry-timing.js";
import type { CallCounts } from "../stats/call-counts.js";

const USER_AGENT = "grpc-typescript-tsgrpc/0.1.0";

/**
 * One call, over as many attempts as it takes (gRFC A6): it sends the requests, keeping them for replay until the
 * call commits to an attempt (that attempt's response headers, or more requests than the retry buffer holds), and
 * ends with exactly one status: OK, or a GrpcError for whoever reads the responses (by default `responses`, an async
 * queue with backpressure). An attempt the server never processed (a refused stream) is sent again once, whatever
 * the policy; a retry policy sends a failed call again after a backoff (or the server's pushback) while its status is
 * retryable; a hedging policy sends copies every hedgingDelay until one succeeds. The deadline covers all attempts;
 * cancelling cancels them all.
 */
export class ClientCall<I extends object, O extends object> implements AttemptOwner {
  readonly responses: ResponseSink<O>;
  readonly output: MethodDefinition<I, O>["output"];
  /** Request envelopes not yet sent by every live attempt (all of them until the call commits). */
  readonly requests: Uint8Array[] = [];
  requestsEnded = false;
  deadline: number | undefined;
  waitForReady: boolean | undefined;
  maxReceiveMessageSize: number;
  private maxSendMessageSize: number;
  private status: GrpcError | null | undefined; // undefined: not known yet; null: OK
  private timer: DeadlineTimer | undefined;
  private removeAbortListener: (() => void) | undefined;
  private retryPolicy: RetryPolicy | undefined;
  private hedgingPolicy: HedgingPolicy | undefined;
  private backoff: RetryBackoff | undefined;
  /** The attempts in flight, and how many the policy has started in all. */
  private attempts: CallAttempt[] = [];
  private started = 0;
  /** Attempts made in all, transparent retries included (each tells the server how many came before it). */
  private attemptsMade = 0;
  private committed: CallAttempt | undefined;
  private transparentRetryDone = false;
  /** No more attempts: the requests outgrew the retry buffer, or a pushback said stop. */
  private noMoreAttempts = false;
  /** Bytes of `requests` counted against the channel's retry buffer. */
  private buffered = 0;
  private nextAttemptTimer: ReturnType<typeof setTimeout> | undefined;
  private hedgeTimer: ReturnType<typeof setTimeout> | undefined;
  private attemptStarted: (() => void) | undefined;
  private baseHeaders: OutgoingHttpHeaders | undefined;
  /** Takes the call out of the channel's wait for its first resolution, when it ends before that. */
  private releaseConfigWait: (() => void) | undefined;
  /** The method's counts in the channel's stats. */
  private readonly methodCalls: CallCounts;

  constructor(
    readonly channel: Channel,
    private readonly method: MethodDefinition<I, O>,
    requests: AsyncIterable<MessageInit<I>> | Iterable<MessageInit<I>>,
    private readonly options: CallOptions,
    sink?: ResponseSink<O>,
  ) {
    this.output = method.output;
    this.responses = sink ?? new AsyncQueue<O>(16, () => this.forAttempts((a) => a.pause()), () => this.forAttempts((a) => a.resume()), () => this.cancel("The response stream was abandoned"));
    this.maxReceiveMessageSize = channel.maxReceiveMessageSize;
    this.maxSendMessageSize = channel.maxSendMessageSize;
    this.methodCalls = channel.callStats.callStarted(method.path);
    this.start(requests);
  }

  private start(requests: AsyncIterable<MessageInit<I>> | Iterable<MessageInit<I>>): void {
    const { deadline, signal } = effectiveLimits(this.options);
    this.waitForReady = this.options.waitForReady;
    if (signal?.aborted) return this.finish(new GrpcError(Status.CANCELLED, "Cancelled before the call started"));
    if (signal) {
      // Removed when the call ends: a signal shared by many calls must not collect a listener per call.
      const onAbort = () => this.cancel("Cancelled by the caller");
      signal.addEventListener("abort", onAbort, { once: true });
      this.removeAbortListener = () => signal.removeEventListener("abort", onAbort);
    }
    if (this.channel.configured) return this.proceed(requests, deadline, Date.now());
    // The channel's first resolution may bring the service config this call's method config comes from: the call
    // waits for it (its own deadline running meanwhile), as gRPC's calls wait for the resolver's first answer.
    const startedAt = Date.now();
    if (deadline !== undefined && !this.setDeadline(deadline)) return;
    this.releaseConfigWait = this.channel.whenConfigured(() => this.status === undefined && this.proceed(requests, deadline, startedAt));
  }

  /** With the channel's config known: the method's config applied, then the requests and the first attempt. */
  private proceed(requests: AsyncIterable<MessageInit<I>> | Iterable<MessageInit<I>>, ownDeadline: number | undefined, startedAt: number): void {
    let deadline = ownDeadline;
    const config = this.channel.methodConfig(this.method.path);
    if (config) {
      if (config.timeoutMs !== undefined) deadline = Math.min(deadline ?? Infinity, startedAt + config.timeoutMs);
      this.waitForReady ??= config.waitForReady;
      if (config.maxResponseMessageBytes !== undefined) this.maxReceiveMessageSize = Math.min(this.maxReceiveMessageSize, config.maxResponseMessageBytes);
      if (config.maxRequestMessageBytes !== undefined) this.maxSendMessageSize = Math.min(this.maxSendMessageSize, config.maxRequestMessageBytes);
      if (!this.channel.retriesDisabled) {
        this.retryPolicy = config.retryPolicy;
        this.hedgingPolicy = config.hedgingPolicy;
      }
    }
    if (deadline !== this.deadline && !this.setDeadline(deadline!)) return;
    if (Array.isArray(requests) && requests.length === 1) {
      // One request (unary, server streaming): encoded once, written and ended with the headers by every attempt.
      if (!this.add(requests[0] as MessageInit<I>)) return;
      this.requestsEnded = true;
      this.startAttempt();
    } else {
      this.startAttempt();
      void this.pump(requests);
    }
    if (this.hedgingPolicy && this.status === undefined) this.scheduleHedge(this.hedgingPolicy.hedgingDelayMs);
  }

  /** The call's deadline (its timer replaced, if it had one); false when it has passed already and the call ended. */
  private setDeadline(deadline: number): boolean {
    this.timer?.clear();
    this.deadline = deadline;
    if (deadline - Date.now() <= 0) {
      this.finish(new GrpcError(Status.DEADLINE_EXCEEDED, "Deadline exceeded before the call started"));
      return false;
    }
    this.timer = new DeadlineTimer(deadline, () => this.finish(new GrpcError(Status.DEADLINE_EXCEEDED, "Deadline exceeded")));
    return true;
  }

  /** Encodes one request and keeps it for the attempts; false when the call failed instead. */
  private add(request: MessageInit<I>): boolean {
    let bytes: Uint8Array;
    try {
      const message = this.method.input.encode(request as I);
      if (message.length > this.maxSendMessageSize) {
        this.finish(new GrpcError(Status.RESOURCE_EXHAUSTED, `The request message is ${message.length} bytes, more than the limit of ${this.maxSendMessageSize}`));
        return false;
      }
      bytes = envelopeFor(request, message, this.options.compression ?? "identity");
    } catch (e) {
      this.finish(new GrpcError(Status.INTERNAL, `The request could not be encoded: ${(e as Error).message}`, { cause: e }));
      return false;
    }
    this.requests.push(bytes);
    if (!this.committed && !this.channel.retriesDisabled) {
      if (this.channel.retryBuffer.take(this.buffered, bytes.length)) this.buffered += bytes.length;
      else this.overflowed();
    }
    return true;
  }

  /** The requests no longer fit the retry buffer: commit to the attempt that has sent the most; none after it. */
  private overflowed(): void {
    this.noMoreAttempts = true;
    const furthest = this.attempts.reduce<CallAttempt | undefined>((best, a) => (!best || a.sent > best.sent ? a : best), undefined);
    if (furthest) this.commit(furthest);
  }

  /** Reads the caller's requests (a stream) into the buffer, and every live attempt sends them. */
  private async pump(requests: AsyncIterable<MessageInit<I>> | Iterable<MessageInit<I>>): Promise<void> {
    try {
      for await (const request of requests as AsyncIterable<MessageInit<I>>) {
        if (this.status !== undefined) return;
        if (!this.add(request)) return;
        const slow: Promise<void>[] = [];
        for (const a of this.attempts) if (!a.sync() || !a.open) slow.push(a.drained());
        this.trimSent();
        if (slow.length > 0) await Promise.all(slow);
        // Between attempts (a retry's backoff) the requests wait, instead of piling up in the buffer.
        while (this.attempts.length === 0 && this.status === undefined) await new Promise<void>((r) => (this.attemptStarted = r));
      }
      this.requestsEnded = true;
      for (const a of this.attempts) a.sync();
    } catch (e) {
      this.cancel(`The request stream failed: ${(e as Error).message}`);
    }
  }

  /** After the commit, the requests its attempt has sent are not needed again. */
  private trimSent(): void {
    const c = this.committed;
    if (c && c.sent === this.requests.length && c.sent > 0) {
      if (c.sent === 1) this.requests.pop(); // cheaper than setting the length, for the one request of a unary call
      else this.requests.length = 0;
      c.sent = 0;
    }
  }

  headers(): OutgoingHttpHeaders {
    if (this.baseHeaders) return this.baseHeaders;
    const headers: OutgoingHttpHeaders = {
      ":method": "POST",
      ":path": this.method.path,
      ":scheme": this.channel.secure ? "https" : "http",
      "content-type": "application/grpc",
      te: "trailers",
      "user-agent": USER_AGENT,
      "grpc-accept-encoding": ACCEPT_ENCODING,
    };
    if (this.options.compression && this.options.compression !== "identity") headers["grpc-encoding"] = this.options.compression;
    if (this.options.metadata !== undefined) toMetadata(this.options.metadata).toHeaders(headers as Record<string, string>);
    return (this.baseHeaders = headers);
  }

  private startAttempt(transparent = false): void {
    if (this.status !== undefined) return;
    const tracer = this.options.tracer?.attemptStarted({ target: this.channel.canonicalTarget, previousAttempts: this.attemptsMade, transparent });
    const attempt = new CallAttempt(this, this.attemptsMade++, tracer);
    if (!transparent) this.started++;
    this.attempts.push(attempt);
    if (this.noMoreAttempts && !this.committed) this.commit(attempt);
    attempt.start();
    this.attemptStarted?.();
    this.attemptStarted = undefined;
  }

  attemptHeaders(attempt: CallAttempt, headers: IncomingHttpHeaders): void {
    if (this.status !== undefined || (this.committed && this.committed !== attempt)) return;
    this.commit(attempt);
    this.options.onHeader?.(Metadata.fromHeaders(headers));
  }

  attemptMessage(attempt: CallAttempt, message: object): void {
    if (attempt === this.committed && this.status === undefined) this.responses.push(message as O);
  }

  attemptEnded(attempt: CallAttempt, status: GrpcError | null, outcome: AttemptOutcome): void {
    if (this.attempts.length === 1 && this.attempts[0] === attempt) this.attempts.pop();
    else {
      const i = this.attempts.indexOf(attempt);
      if (i >= 0) this.attempts.splice(i, 1);
    }
    if (this.status !== undefined) return;
    if (status === null) this.channel.retryThrottle?.succeeded(); // every success counts, committed or not (as grpc-js)
    if (this.committed) return attempt === this.committed ? this.finish(status, outcome.trailers) : undefined;
    if (status === null) {
      this.commit(attempt);
      return this.finish(null, outcome.trailers);
    }
    // Never seen by the server's application: sent again at once, once, outside the policy (gRFC A6 transparent retry).
    if (outcome.refused && !this.transparentRetryDone && !this.channel.retriesDisabled && !this.noMoreAttempts) {
      this.transparentRetryDone = true;
      return this.startAttempt(true);
    }
    if (this.retryPolicy) return this.retryAfter(status, outcome);
    if (this.hedgingPolicy) return this.hedgeAfter(status, outcome);
    this.finish(status, outcome.trailers);
  }

  private get maxAttempts(): number {
    return Math.min(this.channel.maxAttemptsLimit, (this.retryPolicy ?? this.hedgingPolicy)!.maxAttempts);
  }

  /** Retry policy: the failure is retried after the backoff or the pushback, if its code, the budget and the throttle allow. */
  private retryAfter(status: GrpcError, outcome: AttemptOutcome): void {
    const pushback = parsePushback(outcome.trailers?.["grpc-retry-pushback-ms"]);
    const retryable = this.retryPolicy!.retryableStatusCodes.has(status.code);
    const throttle = this.channel.retryThrottle;
    if (retryable || pushback === "stop") throttle?.failed();
    if (!retryable || pushback === "stop" || this.noMoreAttempts || this.started >= this.maxAttempts || (throttle && !throttle.allowsRetry)) {
      return this.finish(status, outcome.trailers);
    }
    this.backoff ??= new RetryBackoff(this.retryPolicy!); // made at the first retry: most calls never need one
    this.nextAttemptTimer = setTimeout(() => this.startAttempt(), this.backoff.next(pushback));
  }

  private lastFailure: { status: GrpcError; trailers: IncomingHttpHeaders | undefined } | undefined;

  /**
   * Hedging policy: a non-fatal failure sends the next hedge now (or after the pushback); a fatal one ends the call.
   * The call fails when its last attempt does and no more may be sent.
   */
  private hedgeAfter(status: GrpcError, outcome: AttemptOutcome): void {
    const pushback = parsePushback(outcome.trailers?.["grpc-retry-pushback-ms"]);
    const nonFatal = this.hedgingPolicy!.nonFatalStatusCodes.has(status.code);
    if (nonFatal || pushback === "stop") this.channel.retryThrottle?.failed();
    if (!nonFatal) return this.finish(status, outcome.trailers);
    if (pushback === "stop") this.noMoreAttempts = true;
    this.lastFailure = { status, trailers: outcome.trailers };
    if (this.mayHedge()) this.scheduleHedge(typeof pushback === "number" ? pushback : 0);
    else if (this.attempts.length === 0) this.finish(status, outcome.trailers);
  }

  private mayHedge(): boolean {
    const throttle = this.channel.retryThrottle;
    return !this.noMoreAttempts && this.started < this.maxAttempts && (!throttle || throttle.allowsRetry);
  }

  /**
   * Sends the next hedged attempt after `delayMs` (at once for 0), and each one after it a hedgingDelay later, while
   * the policy allows; when it no longer does and no attempt is left, the call fails with the last failure.
   */
  private scheduleHedge(delayMs: number): void {
    clearTimeout(this.hedgeTimer);
    const hedge = () => {
      if (this.status !== undefined || this.committed) return;
      if (!this.mayHedge()) {
        if (this.attempts.length === 0 && this.lastFailure) this.finish(this.lastFailure.status, this.lastFailure.trailers);
        return;
      }
      this.startAttempt();
      this.scheduleHedge(this.hedgingPolicy!.hedgingDelayMs);
    };
    if (delayMs <= 0) return hedge();
    this.hedgeTimer = setTimeout(hedge, delayMs);
  }

  /** The call goes on with this attempt only: the others are cancelled, the replay buffer is given back. */
  private commit(attempt: CallAttempt): void {
    this.committed = attempt;
    clearTimeout(this.hedgeTimer);
    clearTimeout(this.nextAttemptTimer);
    if (this.attempts.length !== 1 || this.attempts[0] !== attempt) {
      for (const a of this.attempts) if (a !== attempt) a.cancel();
      this.attempts = this.attempts.includes(attempt) ? [attempt] : [];
    }
    this.releaseBuffer();
    this.trimSent();
  }

  private releaseBuffer(): void {
    if (this.buffered > 0) this.channel.retryBuffer.release(this.buffered);
    this.buffered = 0;
  }

  private forAttempts(f: (a: CallAttempt) => void): void {
    for (const a of this.attempts) f(a);
  }

  /** Cancels the call: RST_STREAM(CANCEL) on every attempt, CANCELLED to the reader. */
  cancel(reason: string): void {
    this.finish(new GrpcError(Status.CANCELLED, reason));
  }

  /** The call's one status: attempts still going are cancelled, timers stopped, the reader told. */
  private finish(status: GrpcError | null, trailers?: IncomingHttpHeaders): void {
    if (this.status !== undefined) return;
    this.status = status;
    this.channel.callStats.callEnded(this.methodCalls, status === null);
    this.timer?.clear();
    clearTimeout(this.hedgeTimer);
    clearTimeout(this.nextAttemptTimer);
    this.removeAbortListener?.();
    this.removeAbortListener = undefined;
    this.releaseConfigWait?.();
    for (const a of this.attempts) a.cancel(status ?? undefined);
    this.attempts = [];
    this.releaseBuffer();
    this.attemptStarted?.();
    if (trailers && this.options.onTrailer) this.options.onTrailer(status?.metadata ?? Metadata.fromHeaders(trailers));
    this.responses.end(status ?? undefined);
  }
}
