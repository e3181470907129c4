import { constants, type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http2";
import type { MethodDefinition, MessageInit } from "@tsgrpc/protobuf";
import { AsyncQueue } from "../async-queue.js";
import { GrpcError } from "../grpc-error.js";
import { Metadata } from "../metadata.js";
import { ACCEPT_ENCODING, isSupportedEncoding, type Encoding } from "../protocol/compression.js";
import { decodeMessage } from "../protocol/decode-message.js";
import { EnvelopeReader } from "../protocol/envelope.js";
import { envelopeFor } from "../protocol/write-message.js";
import { statusFromHttp, statusFromRstCode } from "../protocol/http-status.js";
import { statusFromFields } from "../protocol/status-fields.js";
import { DeadlineTimer } from "../protocol/deadline-timer.js";
import { encodeTimeout } from "../protocol/timeout.js";
import { Status } from "../status.js";
import { type CallOptions, toMetadata } from "./call-options.js";
import { effectiveLimits } from "./propagation.js";
import type { Channel } from "./channel.js";
import type { CallConnection, CallStream, CallStreamEvents } from "./call-stream.js";
import type { ResponseSink } from "./response-sink.js";

const USER_AGENT = "grpc-typescript-tsgrpc/0.1.0";

/**
 * One call on the wire: sends the request messages, receives the responses into a sink (by default `responses`, an
 * async queue with backpressure), and ends it with exactly one status: OK, or a GrpcError for whoever reads them.
 */
export class ClientCall<I extends object, O extends object> implements CallStreamEvents {
  readonly responses: ResponseSink<O>;
  private stream: CallStream | undefined;
  private status: GrpcError | null | undefined; // undefined: not known yet; null: OK
  private responseHeaders: IncomingHttpHeaders | undefined;
  private timer: DeadlineTimer | undefined;
  private deadlinePassed = false;
  private cancelled: GrpcError | undefined;
  private removeAbortListener: (() => void) | undefined;
  /** Takes the call out of a balancer's waiting list when it ends before a connection came. */
  private releaseWait: (() => void) | undefined;

  constructor(
    private readonly channel: Channel,
    private readonly method: MethodDefinition<I, O>,
    private readonly requests: AsyncIterable<MessageInit<I>> | Iterable<MessageInit<I>>,
    private readonly options: CallOptions,
    sink?: ResponseSink<O>,
  ) {
    this.responses = sink ?? new AsyncQueue<O>(16, () => this.stream?.pause(), () => this.stream?.resume(), () => this.cancel("The response stream was abandoned"));
    this.start();
  }

  private start(): void {
    const { deadline, signal } = effectiveLimits(this.options);
    if (signal?.aborted) return this.end(new GrpcError(Status.CANCELLED, "Cancelled before the call started"));
    if (signal) {
      // Removed when the call ends: a signal shared by many calls must not collect a listener per call.
      const onAbort = () => this.cancel("Cancelled by the caller");
      signal.addEventListener("abort", onAbort, { once: true });
      this.removeAbortListener = () => signal.removeEventListener("abort", onAbort);
    }
    if (deadline !== undefined) {
      const left = deadline - Date.now();
      if (left <= 0) return this.end(new GrpcError(Status.DEADLINE_EXCEEDED, "Deadline exceeded before the call started"));
      this.timer = new DeadlineTimer(deadline, () => {
        this.deadlinePassed = true;
        this.stream?.close(constants.NGHTTP2_CANCEL);
        this.end(new GrpcError(Status.DEADLINE_EXCEEDED, "Deadline exceeded"));
      });
    }
    const live = this.channel.liveConnection();
    if (live) return this.open(live, deadline);
    this.channel.getConnection(this.options.waitForReady, (release) => (this.releaseWait = release)).then(
      (connection) => this.status === undefined && this.open(connection, deadline),
      // The socket's error stays as the cause: callers (the CLI) tell a refused connection from a failed TLS handshake by its code.
      (e: Error) => this.end(new GrpcError(Status.UNAVAILABLE, `No connection to ${this.channel.target}: ${e.message}`, { cause: e })),
    );
  }

  /** Starts the HTTP/2 stream: headers, then the requests; responses flow to the sink. */
  private open(connection: CallConnection, deadline: number | undefined): void {
    const headers: OutgoingHttpHeaders = {
      ":method": "POST",
      ":path": this.method.path,
      ":scheme": this.channel.secure ? "https" : "http",
      "content-type": "application/grpc",
      te: "trailers",
      "user-agent": USER_AGENT,
      "grpc-accept-encoding": ACCEPT_ENCODING,
    };
    if (deadline !== undefined) headers["grpc-timeout"] = encodeTimeout(deadline - Date.now());
    if (this.options.compression && this.options.compression !== "identity") headers["grpc-encoding"] = this.options.compression;
    if (this.options.metadata !== undefined) toMetadata(this.options.metadata).toHeaders(headers as Record<string, string>);
    let stream: CallStream;
    try {
      this.reader = new EnvelopeReader(this.channel.maxReceiveMessageSize);
      this.connection = connection;
      stream = connection.open(headers, this);
    } catch (e) {
      return this.end(new GrpcError(Status.UNAVAILABLE, `Could not start the call: ${(e as Error).message}`));
    }
    this.stream = stream;
    this.channel.callStarted(connection);
    void this.send(stream);
  }

  private connection: CallConnection | undefined;
  private reader: EnvelopeReader | undefined;
  private encoding: Encoding = "identity";

  private async send(stream: CallStream): Promise<void> {
    const encoding = this.options.compression ?? "identity";
    const { requests } = this;
    if (Array.isArray(requests) && requests.length === 1) {
      // One request (unary, server streaming): written and ended at once, in the same turn as the headers.
      const request = requests[0] as MessageInit<I>;
      try {
        stream.write(envelopeFor(request, this.method.input.encode(request as I), encoding));
        stream.end();
      } catch (e) {
        this.cancel(`The request could not be sent: ${(e as Error).message}`);
      }
      return;
    }
    try {
      for await (const request of this.requests as AsyncIterable<MessageInit<I>>) {
        if (this.status !== undefined || stream.destroyed) return;
        if (!stream.write(envelopeFor(request, this.method.input.encode(request as I), encoding))) await stream.drained();
      }
      if (!stream.destroyed) stream.end();
    } catch (e) {
      this.cancel(`The request stream failed: ${(e as Error).message}`);
    }
  }

  onResponse(headers: IncomingHttpHeaders): void {
    this.responseHeaders = headers;
    const grpcEncoding = String(headers["grpc-encoding"] ?? "identity");
    if (!isSupportedEncoding(grpcEncoding)) {
      this.fail(new GrpcError(Status.INTERNAL, `The server used an unsupported encoding "${grpcEncoding}"`));
      return;
    }
    this.encoding = grpcEncoding;
    if (headers["grpc-status"] !== undefined) this.setStatus(headers); // trailers-only
    else this.options.onHeader?.(Metadata.fromHeaders(headers));
  }

  onData(chunk: Uint8Array): void {
    if (this.status !== undefined) return;
    try {
      if (Number(this.responseHeaders?.[":status"]) !== 200) return;
      for (const envelope of this.reader!.push(chunk)) {
        this.responses.push(decodeMessage(this.method.output, envelope, this.encoding, this.channel.maxReceiveMessageSize, "response"));
      }
    } catch (e) {
      this.fail(GrpcError.from(e, false));
    }
  }

  onTrailers(trailers: IncomingHttpHeaders): void {
    this.setStatus(trailers);
  }

  onClose(rstCode: number | undefined, connectionLost: boolean, connectionError?: Error): void {
    if (this.connection) this.channel.callEnded(this.connection);
    if (this.status === undefined) {
      const http = Number(this.responseHeaders?.[":status"] ?? 0);
      if (this.cancelled) this.end(this.cancelled);
      else if (this.deadlinePassed) this.end(new GrpcError(Status.DEADLINE_EXCEEDED, "Deadline exceeded"));
      else if (this.responseHeaders && http !== 200) this.end(new GrpcError(statusFromHttp(http), `Received HTTP status ${http}`));
      else if (!this.responseHeaders && connectionLost) {
        // The connection failed under the call: UNAVAILABLE, as for any connection failure.
        const why = connectionError ? `: ${connectionError.message}` : "";
        this.end(new GrpcError(Status.UNAVAILABLE, `The connection to ${this.channel.target} closed before a response${why}`, { cause: connectionError }));
      } else if (rstCode !== undefined && rstCode !== constants.NGHTTP2_NO_ERROR) {
        this.end(new GrpcError(statusFromRstCode(rstCode), `Stream closed with RST_STREAM code ${rstCode}`));
      } else this.end(new GrpcError(this.responseHeaders ? Status.INTERNAL : Status.UNAVAILABLE, "The stream ended without a status"));
    } else this.end(this.status);
    this.timer?.clear();
  }

  private setStatus(fields: IncomingHttpHeaders): void {
    if (this.status !== undefined) return;
    // The status came while we may still be sending: the call is over, so stop (RST_STREAM NO_ERROR).
    const stream = this.stream;
    if (stream && !stream.writableEnded) setImmediate(() => !stream.destroyed && stream.close(constants.NGHTTP2_NO_ERROR));
    this.status = statusFromFields(fields, this.options.onTrailer);
  }

  private fail(error: GrpcError): void {
    this.status = error;
    this.stream?.close(constants.NGHTTP2_CANCEL);
    this.end(error);
  }

  /** Cancels the call: RST_STREAM(CANCEL) to the server, CANCELLED to the reader. */
  cancel(reason: string): void {
    if (this.status !== undefined) return;
    this.cancelled = new GrpcError(Status.CANCELLED, reason);
    if (this.stream) this.stream.close(constants.NGHTTP2_CANCEL);
    else this.end(this.cancelled);
  }

  private end(status: GrpcError | null): void {
    this.timer?.clear();
    this.removeAbortListener?.();
    this.removeAbortListener = undefined;
    this.releaseWait?.();
    this.releaseWait = undefined;
    if (this.status === undefined) this.status = status;
    const final = this.status;
    this.responses.end(final ?? undefined);
  }
}
