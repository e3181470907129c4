import type { IncomingHttpHeaders } from "node:http2";
import { AsyncQueue } from "../async-queue.js";
import { GrpcError } from "../grpc-error.js";
import { ACCEPT_ENCODING, isSupportedEncoding, type Encoding } from "../protocol/compression.js";
import { decodeMessage } from "../protocol/decode-message.js";
import { checkSendSize, EnvelopeReader } from "../protocol/envelope.js";
import { MessageBatcher } from "../protocol/message-batcher.js";
import { PreparedMessage } from "../protocol/prepared-message.js";
import { envelopeFor } from "../protocol/write-message.js";
import { encodeStatusDetails } from "../protocol/status-details.js";
import { encodeStatusMessage } from "../protocol/status-message.js";
import { DeadlineTimer } from "../protocol/deadline-timer.js";
import { parseTimeout } from "../protocol/timeout.js";
import { Status } from "../status.js";
import type { CallExchange, HeaderMap } from "./call-exchange.js";
import type { ServerCallHandler } from "./handler-types.js";
import type { MethodDefinition } from "@tsgrpc/protobuf";
import { ServerContext, runInCall } from "./server-context.js";
import type { MethodStats } from "./server-stats.js";

export interface CallLimits {
  maxReceiveMessageSize: number;
  maxSendMessageSize: number;
}

export interface Route {
  method: MethodDefinition;
  handler: ServerCallHandler;
  /** For a unary or server-streaming method with no interceptors: the handler itself, called directly. */
  direct?: (request: object, ctx: ServerContext) => unknown;
  /** Marked `idempotency_level = NO_SIDE_EFFECTS`: Connect may call it with GET. */
  noSideEffects?: boolean;
  /** The method's counts in the server's stats. */
  stats: MethodStats;
}

/** The headers of a response that is only a status (an immediate error). */
export function statusOnly(status: Status, message: string): HeaderMap {
  const headers: HeaderMap = { "grpc-status": String(status) };
  if (message) headers["grpc-message"] = encodeStatusMessage(message);
  return headers;
}

/**
 * Runs one call on an HTTP exchange (see CallExchange): requests are read as they arrive (with backpressure), the handler's responses
 * are written as they come (waiting for the stream to drain), and the call ends with exactly one status, in trailers
 * or, when nothing was sent yet, as a trailers-only response. Deadline, client cancellation and server shutdown all
 * abort `ctx.signal`.
 */
export class RunningCall {
  readonly ctx: ServerContext;
  private headersSent = false;
  private finished = false;
  private requestEnded = false;
  private timer: DeadlineTimer | undefined;
  private readonly requestEncoding: Encoding;
  private readonly acceptEncodingHeader: string | string[] | undefined;
  private readonly timeoutHeader: string | undefined;
  /** When the call started (performance.now()), for its duration in the server's stats. */
  readonly startedAt = performance.now();

  /** Made first, then `start`ed: the server files the call under `id` in between, so that one ending at once is not left behind. */
  constructor(
    /** The server's number for the call (it keeps its calls in progress by it, to cancel them at shutdown). */
    readonly id: number,
    private readonly exchange: CallExchange,
    headers: IncomingHttpHeaders,
    peer: string,
    readonly route: Route,
    private readonly limits: CallLimits,
    private readonly onDone: (call: RunningCall, status: Status) => void,
    private readonly logError: (message: string, error: unknown) => void,
  ) {
    const timeoutHeader = headers["grpc-timeout"];
    this.timeoutHeader = typeof timeoutHeader === "string" ? timeoutHeader : undefined;
    const timeout = this.timeoutHeader === undefined ? undefined : parseTimeout(this.timeoutHeader);
    const deadline = timeout === undefined ? undefined : Date.now() + timeout;
    this.ctx = new ServerContext(route.method, headers, deadline, peer, exchange.socket);
    this.requestEncoding = ((headers["grpc-encoding"] as string | undefined) ?? "identity") as Encoding;
    this.acceptEncodingHeader = headers["grpc-accept-encoding"];
  }

  /** Checks the call's headers, then runs it; it may end before this returns (a bad header, an immediate answer). */
  start(): void {
    const { timeoutHeader, ctx } = this;
    if (timeoutHeader !== undefined && ctx.deadline === undefined) {
      this.finish(new GrpcError(Status.INTERNAL, `Invalid grpc-timeout header: "${timeoutHeader}"`));
      return;
    }
    if (!isSupportedEncoding(this.requestEncoding)) {
      this.finish(new GrpcError(Status.UNIMPLEMENTED, `Message encoding "${this.requestEncoding}" is not supported`), { "grpc-accept-encoding": ACCEPT_ENCODING });
      return;
    }
    if (ctx.deadline !== undefined) {
      this.timer = new DeadlineTimer(ctx.deadline, () => this.finish(new GrpcError(Status.DEADLINE_EXCEEDED, "Deadline exceeded")));
    }
    this.run();
  }

  /**
   * Reads the request stream: each decoded message goes to `onMessage`, the end to `onEnd`, and any failure (an oversized,
   * undecodable or truncated message, a cancel) ends the call and goes to `onFail`.
   */
  private readRequests(onMessage: (m: object) => void, onEnd: () => void, onFail: (e: GrpcError) => void): void {
    const { route, limits } = this;
    const fail = (e: unknown) => {
      const error = GrpcError.from(e, false);
      onFail(error);
      this.finish(error);
    };
    if (this.exchange.readMessages) return this.readMessages(onMessage, onEnd, fail);
    const reader = new EnvelopeReader(limits.maxReceiveMessageSize);
    this.exchange.readRequest(
      (chunk) => {
        if (this.finished) return;
        try {
          for (const envelope of reader.push(chunk)) {
            onMessage(decodeMessage(route.method.input, envelope, this.requestEncoding, limits.maxReceiveMessageSize, "request", this.exchange.unparsableRequest));
          }
        } catch (e) {
          fail(e);
        }
      },
      () => {
        this.requestEnded = true;
        if (reader.pending > 0) fail(new GrpcError(Status.INTERNAL, "The request ended in the middle of a message"));
        else if (!this.finished) onEnd();
      },
      () => {
        if (!this.finished) fail(new GrpcError(Status.CANCELLED, "The client cancelled the call"));
      },
      (e) => {
        if (!this.finished) fail(e);
      },
    );
  }

  /** readRequests for an exchange that hands over request messages as objects. */
  private readMessages(onMessage: (m: object) => void, onEnd: () => void, fail: (e: unknown) => void): void {
    this.exchange.readMessages!(
      (message) => {
        if (!this.finished) onMessage(message);
      },
      () => {
        this.requestEnded = true;
        if (!this.finished) onEnd();
      },
      () => {
        if (!this.finished) fail(new GrpcError(Status.CANCELLED, "The client cancelled the call"));
      },
      (e) => {
        if (!this.finished) fail(e);
      },
    );
  }

  private run(): void {
    const { exchange, route } = this;
    // Client calls the handler makes inherit its deadline and cancellation (see client/call-options.ts).
    if (route.direct) {
      const direct = route.direct;
      const streaming = route.method.kind === "server_streaming";
      let request: object | undefined;
      this.readRequests(
        (m) => {
          if (request === undefined) request = m;
          else this.finish(new GrpcError(Status.UNIMPLEMENTED, "Expected one request message, got more"));
        },
        () => {
          if (request === undefined) {
            this.finish(new GrpcError(Status.UNIMPLEMENTED, "Expected one request message, got none"));
            return;
          }
          const req = request;
          const handle = () => direct(req, this.ctx);
          this.inCall(() => void (streaming ? this.respond(handle as () => AsyncIterable<object> | Iterable<object>) : this.respondOnce(handle)));
        },
        () => {},
      );
      return;
    }
    const requests = new AsyncQueue<object>(16, () => exchange.pauseRequest(), () => exchange.resumeRequest(), undefined);
    this.readRequests((m) => requests.push(m), () => requests.end(), (e) => requests.end(e));
    this.inCall(() => void this.respond(() => route.handler({ method: route.method, ctx: this.ctx, requests })));
  }

  /** Runs the handler's code as part of the call (and in the call tracer's context, when there is one). */
  private inCall(fn: () => void): void {
    const run = this.exchange.runHandler;
    if (run) run(() => runInCall(this.ctx, fn));
    else runInCall(this.ctx, fn);
  }

  /** The unary fast path: one handler call, one response, no streams or generators in between. */
  private async respondOnce(handle: () => unknown): Promise<void> {
    try {
      const response = (await handle()) as object;
      if (this.finished) return;
      if (this.exchange.takeResponse && !(response instanceof PreparedMessage) && this.limits.maxSendMessageSize === Infinity) {
        this.exchange.takeResponse(response);
        this.sendHeaders();
        this.finish(undefined);
        return;
      }
      // Headers, the message and the end of the stream in one go; the trailers follow when the stream asks.
      const envelope = this.responseEnvelope(response);
      this.sendHeaders();
      this.finish(undefined, undefined, envelope);
    } catch (e) {
      this.failed(e);
    }
  }

  private async respond(handle: () => AsyncIterable<object> | Iterable<object>): Promise<void> {
    try {
      // Called inside the try: an interceptor that refuses a call may throw before returning a stream.
      const responses = handle();
      if (isSyncIterable(responses)) {
        // A generator function or an array: no promise per message, the loop waits only while the stream is full.
        for (const message of responses) {
          if (this.finished) return;
          const full = this.send(message);
          if (full) await full;
        }
      } else {
        for await (const message of responses) {
          if (this.finished) return;
          const full = this.send(message);
          if (full) await full;
        }
      }
      this.finish(undefined);
    } catch (e) {
      this.failed(e);
    }
  }

  /** A handler failed: a GrpcError is its status; anything else is logged and sent as UNKNOWN. */
  private failed(e: unknown): void {
    if (!(e instanceof GrpcError) && !this.finished) this.logError(`${this.route.method.path} failed`, e);
    this.finish(GrpcError.from(e));
  }

  /** The encoding for response messages: the handler's choice when the client accepts it, otherwise none. */
  private get responseEncoding(): Encoding {
    const wanted = this.ctx.responseCompression;
    if (wanted === "identity") return "identity";
    const accepted = String(this.acceptEncodingHeader ?? "identity").split(",").map((e) => e.trim());
    return accepted.includes(wanted) ? wanted : "identity";
  }

  /**
   * Writes one response message of a stream. Returns a promise only when the stream's buffer is full: the caller waits
   * for it before the next message. Messages written in the same tick go out together (see MessageBatcher).
   */
  private send(message: object): Promise<void> | undefined {
    this.batcher ??= new MessageBatcher(this.exchange, this.limits.maxSendMessageSize, () => this.sendHeaders());
    // The grpc-encoding header is settled by the first message; later ones may only turn compression off.
    this.headerEncoding ??= this.responseEncoding;
    const encoding = this.ctx.responseCompression === "identity" ? "identity" : this.headerEncoding;
    return this.batcher.write(this.route.method.output, message, encoding);
  }

  private batcher: MessageBatcher | undefined;
  /** The encoding named in the response headers, once they are decided. */
  private headerEncoding: Encoding | undefined;

  /** A unary response in its envelope, compressed as the call asks. */
  private responseEnvelope(message: object): Uint8Array {
    const type = this.route.method.output;
    const encoding = this.responseEncoding;
    if (message instanceof PreparedMessage) return message.envelope(type, encoding, this.limits.maxSendMessageSize);
    const data = type.encode(message);
    checkSendSize(data.length, this.limits.maxSendMessageSize);
    return envelopeFor(message, data, encoding);
  }

  /** Sends the response headers now (with ctx.responseHeaders), if they have not gone yet. */
  sendHeaders(): void {
    if (this.headersSent || this.exchange.closed) return;
    this.headersSent = true;
    const headers: HeaderMap = { "grpc-accept-encoding": ACCEPT_ENCODING };
    const encoding = (this.headerEncoding ??= this.responseEncoding);
    if (encoding !== "identity") headers["grpc-encoding"] = encoding;
    this.ctx.writeResponseMetadata("headers", headers);
    this.exchange.sendHeaders(headers);
  }

  /** Ends the call with a status (undefined: OK), exactly once; `lastMessage` is a response envelope to send first. */
  finish(error: GrpcError | undefined, extraHeaders?: HeaderMap, lastMessage?: Uint8Array): void {
    if (this.finished) return;
    this.finished = true;
    this.timer?.clear();
    if (error) this.ctx.abort(error);
    const code = error?.code ?? Status.OK;
    this.onDone(this, code);
    const { exchange } = this;
    if (exchange.closed) return;
    this.batcher?.flush(); // messages the handler sent before it ended go first (and with them the headers)
    const message = error?.rawMessage ?? "";
    const trailers = statusOnly(code, message);
    if (error?.details.length) trailers["grpc-status-details-bin"] = encodeStatusDetails(code, message, error.details);
    this.ctx.writeResponseMetadata("trailers", trailers);
    error?.metadata.toHeaders(trailers);
    if (!this.headersSent) {
      this.headersSent = true;
      const headers: HeaderMap = { ...extraHeaders };
      this.ctx.writeResponseMetadata("headers", headers);
      exchange.endTrailersOnly({ ...headers, ...trailers });
    } else {
      exchange.end(trailers, lastMessage);
    }
    if (!this.requestEnded) exchange.discardRest();
  }

  /** Server shutdown: the call is cancelled. */
  cancel(): void {
    this.finish(new GrpcError(Status.UNAVAILABLE, "The server is shutting down"));
  }
}

/** A handler's responses that can be read without awaiting each one (and are not also an async iterable). */
function isSyncIterable(responses: AsyncIterable<object> | Iterable<object>): responses is Iterable<object> {
  return typeof (responses as Partial<AsyncIterable<object>>)[Symbol.asyncIterator] !== "function" && typeof (responses as Partial<Iterable<object>>)[Symbol.iterator] === "function";
}
