import { constants, type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http2";
import { GrpcError } from "../grpc-error.js";
import { isSupportedEncoding, type Encoding } from "../protocol/compression.js";
import { decodeMessage } from "../protocol/decode-message.js";
import { EnvelopeReader } from "../protocol/envelope.js";
import { statusFromHttp, statusFromRstCode } from "../protocol/http-status.js";
import { statusFromFields } from "../protocol/status-fields.js";
import { encodeTimeout } from "../protocol/timeout.js";
import { Status } from "../status.js";
import type { CallConnection, CallStream, CallStreamEvents } from "./call-stream.js";
import type { Channel } from "./channel.js";
import type { AttemptTracer } from "./call-tracer.js";
import { HEADER_SIZE } from "../protocol/envelope.js";

/** How an attempt ended, beyond its status: what the retry logic needs to know. */
export interface AttemptOutcome {
  /** The server's application never saw the attempt (the stream was refused, or above a GOAWAY's last stream id). */
  readonly refused: boolean;
  /** The trailers (or trailers-only headers), when the attempt got any. */
  readonly trailers: IncomingHttpHeaders | undefined;
}

/** What an attempt reports to its call (the retry logic), and what it reads from it. */
export interface AttemptOwner {
  readonly channel: Channel;
  readonly output: { decode(bytes: Uint8Array): object };
  readonly maxReceiveMessageSize: number;
  readonly waitForReady: boolean | undefined;
  /** Request envelopes not yet sent by every attempt (the replay buffer); `requestsEnded` once the last is in. */
  readonly requests: readonly Uint8Array[];
  readonly requestsEnded: boolean;
  /** The request headers every attempt sends (without grpc-timeout and grpc-previous-rpc-attempts). */
  headers(): OutgoingHttpHeaders;
  readonly deadline: number | undefined;
  attemptHeaders(attempt: CallAttempt, headers: IncomingHttpHeaders): void;
  attemptMessage(attempt: CallAttempt, message: object): void;
  attemptEnded(attempt: CallAttempt, status: GrpcError | null, outcome: AttemptOutcome): void;
}

const NOT_REFUSED: AttemptOutcome = { refused: false, trailers: undefined };

/**
 * One attempt of a call on the wire: it gets a connection from the channel's picker, opens an HTTP/2 stream, sends
 * the call's requests from its replay buffer (`sent` of them so far), and reports the response headers, each
 * message, and how it ended, to its call.
 */
export class CallAttempt implements CallStreamEvents {
  /** How many of the owner's buffered requests this attempt has written. */
  sent = 0;
  private stream: CallStream | undefined;
  private connection: CallConnection | undefined;
  private responseHeaders: IncomingHttpHeaders | undefined;
  private reader: EnvelopeReader | undefined;
  private encoding: Encoding = "identity";
  private status: GrpcError | null | undefined;
  private trailers: IncomingHttpHeaders | undefined;
  private ended = false;
  private writeEnded = false;
  /** Takes the attempt out of the channel's waiting list when it is dropped before a connection came. */
  private releaseWait: (() => void) | undefined;

  constructor(
    private readonly owner: AttemptOwner,
    /** Attempts of the call before this one (sent as grpc-previous-rpc-attempts). */
    readonly previousAttempts: number,
    /** Told of this attempt's messages and end, when the call has a tracer (CallOptions.tracer). */
    private readonly tracer?: AttemptTracer,
  ) {}

  start(): void {
    const { channel } = this.owner;
    const live = channel.liveConnection();
    if (live) return this.openStream(live);
    channel.getConnection(this.owner.waitForReady, (release) => (this.releaseWait = release)).then(
      (connection) => !this.ended && this.openStream(connection),
      // The socket's error stays as the cause: callers (the CLI) tell a refused connection from a failed TLS handshake by its code.
      (e: Error) => this.end(new GrpcError(Status.UNAVAILABLE, `No connection to ${channel.target}: ${e.message}`, { cause: e }), NOT_REFUSED),
    );
  }

  private openStream(connection: CallConnection): void {
    const headers = this.previousAttempts === 0 ? this.owner.headers() : { ...this.owner.headers(), "grpc-previous-rpc-attempts": String(this.previousAttempts) };
    const { deadline } = this.owner;
    if (deadline !== undefined) headers["grpc-timeout"] = encodeTimeout(deadline - Date.now());
    try {
      this.reader = new EnvelopeReader(this.owner.maxReceiveMessageSize);
      this.stream = connection.open(headers, this);
    } catch (e) {
      // The connection would not take the stream (closing, out of stream ids, at its concurrency limit): it never
      // left the client, so it is safe to send again.
      return this.end(new GrpcError(Status.UNAVAILABLE, `Could not start the call: ${(e as Error).message}`), { ...NOT_REFUSED, refused: true });
    }
    this.connection = connection;
    this.owner.channel.callStarted(connection);
    this.sync();
    this.opened();
  }

  /**
   * Writes the buffered requests this attempt has not sent, and ends the request stream once the owner's have ended.
   * False when the stream asks the writer to wait for `drained()`.
   */
  sync(): boolean {
    const stream = this.stream;
    if (!stream || stream.destroyed || this.writeEnded) return true;
    const requests = this.owner.requests;
    let ok = true;
    const tracer = this.tracer;
    while (this.sent < requests.length) {
      const envelope = requests[this.sent++]!;
      ok = stream.write(envelope) && ok;
      if (tracer) tracer.messageSent(envelope.length - HEADER_SIZE);
    }
    if (this.owner.requestsEnded) {
      this.writeEnded = true;
      stream.end();
    }
    return ok;
  }

  /** Whether the attempt can take requests now: its stream is open (or it is over), and not asking the writer to wait. */
  get open(): boolean {
    return this.stream !== undefined || this.ended;
  }

  /** Settles when the stream's write buffer drains, or once the stream is open when it is not yet, or at the end. */
  drained(): Promise<void> {
    if (this.ended || (this.stream && this.stream.destroyed)) return Promise.resolve();
    if (this.stream) return this.stream.drained();
    return new Promise((resolve) => (this.whenOpen = resolve));
  }

  private whenOpen: (() => void) | undefined;

  private opened(): void {
    const resolve = this.whenOpen;
    this.whenOpen = undefined;
    resolve?.();
  }

  pause(): void {
    this.stream?.pause();
  }

  resume(): void {
    this.stream?.resume();
  }

  /**
   * Drops the attempt (another committed, the call ended): RST_STREAM(CANCEL), and nothing more is reported to the
   * call; the tracer hears `status` (the call's, when it ended with one) or CANCELLED.
   */
  cancel(status?: GrpcError): void {
    if (this.ended) return;
    this.ended = true;
    this.connection?.subchannelCalls?.callEnded(false);
    this.tracer?.ended(status ?? new GrpcError(Status.CANCELLED, "The attempt was dropped"));
    this.releaseWait?.();
    this.opened();
    if (this.stream && !this.stream.destroyed) this.stream.close(constants.NGHTTP2_CANCEL);
  }

  onResponse(headers: IncomingHttpHeaders): void {
    if (this.ended) return;
    this.responseHeaders = headers;
    const grpcEncoding = String(headers["grpc-encoding"] ?? "identity");
    if (!isSupportedEncoding(grpcEncoding)) return this.fail(new GrpcError(Status.INTERNAL, `The server used an unsupported encoding "${grpcEncoding}"`));
    this.encoding = grpcEncoding;
    if (headers["grpc-status"] !== undefined) this.setStatus(headers); // trailers-only: not a commit, retries stay possible
    else if (Number(headers[":status"]) === 200) this.owner.attemptHeaders(this, headers);
  }

  onData(chunk: Uint8Array): void {
    if (this.status !== undefined || this.ended) return;
    try {
      if (Number(this.responseHeaders?.[":status"]) !== 200) return;
      for (const envelope of this.reader!.push(chunk)) {
        this.tracer?.messageReceived(envelope.data.length);
        this.owner.attemptMessage(this, decodeMessage(this.owner.output as never, envelope, this.encoding, this.owner.maxReceiveMessageSize, "response"));
      }
    } catch (e) {
      this.fail(GrpcError.from(e, false));
    }
  }

  onTrailers(trailers: IncomingHttpHeaders): void {
    this.setStatus(trailers);
  }

  onClose(rstCode: number | undefined, connectionLost: boolean, connectionError?: Error): void {
    if (this.connection) this.owner.channel.callEnded(this.connection);
    if (this.status !== undefined) return this.end(this.status, this.trailers ? { refused: false, trailers: this.trailers } : NOT_REFUSED);
    const target = this.owner.channel.target;
    const http = Number(this.responseHeaders?.[":status"] ?? 0);
    if (this.responseHeaders && http !== 200) return this.end(new GrpcError(statusFromHttp(http), `Received HTTP status ${http}`), NOT_REFUSED);
    if (!this.responseHeaders && rstCode === constants.NGHTTP2_REFUSED_STREAM) {
      return this.end(new GrpcError(Status.UNAVAILABLE, `${target} refused the stream (it was not processed)`), { ...NOT_REFUSED, refused: true });
    }
    if (connectionLost) {
      // The connection failed under the call (before or after the response began; keepalive, a reset peer):
      // UNAVAILABLE, as for any connection failure.
      const why = connectionError ? `: ${connectionError.message}` : "";
      const when = this.responseHeaders ? "before the call ended" : "before a response";
      return this.end(new GrpcError(Status.UNAVAILABLE, `The connection to ${target} closed ${when}${why}`, { cause: connectionError }), NOT_REFUSED);
    }
    if (rstCode !== undefined && rstCode !== constants.NGHTTP2_NO_ERROR) {
      return this.end(new GrpcError(statusFromRstCode(rstCode), `Stream closed with RST_STREAM code ${rstCode}`), NOT_REFUSED);
    }
    this.end(new GrpcError(this.responseHeaders ? Status.INTERNAL : Status.UNAVAILABLE, "The stream ended without a status"), NOT_REFUSED);
  }

  private setStatus(fields: IncomingHttpHeaders): void {
    if (this.status !== undefined) return;
    // The status came while we may still be sending: the call is over, so stop (RST_STREAM NO_ERROR).
    const stream = this.stream;
    if (stream && !stream.writableEnded) setImmediate(() => !stream.destroyed && stream.close(constants.NGHTTP2_NO_ERROR));
    this.trailers = fields;
    this.status = statusFromFields(fields);
  }

  /** A failure found here (a bad message, an unsupported encoding): the stream is reset and the attempt ends now. */
  private fail(error: GrpcError): void {
    this.status = error;
    this.stream?.close(constants.NGHTTP2_CANCEL);
    this.end(error, NOT_REFUSED);
  }

  private end(status: GrpcError | null, outcome: AttemptOutcome): void {
    if (this.ended) return;
    this.ended = true;
    this.connection?.subchannelCalls?.callEnded(status === null);
    this.releaseWait?.();
    this.opened();
    this.tracer?.ended(status);
    this.owner.attemptEnded(this, status, outcome);
  }
}
