import type { Socket } from "node:net";
import { Http2Connection, type ConnectionOptions } from "./connection.js";
import { ErrorCode, Http2Error } from "./errors.js";
import { CLIENT_PREFACE, SettingId } from "./frame.js";
import { FloodGuard } from "./flood-guard.js";
import { PingPolicy, type PingPolicyOptions } from "./ping-policy.js";
import { requestHeaders, trailerHeaders } from "./request-headers.js";
import { ServerStream } from "./server-stream.js";

/** A reset of a stream younger than this, not yet answered, counts as a rapid reset. */
const RAPID_RESET_WINDOW_MS = 100;

export interface ServerConnectionOptions extends ConnectionOptions {
  /** Streams the peer may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS; default 1000); more are refused. */
  maxConcurrentStreams?: number;
  /**
   * How often the client may PING (gRPC's keepalive enforcement): a client that pings more often gets GOAWAY
   * ENHANCE_YOUR_CALM "too_many_pings" and the connection closes. Default: no limit beyond the PING flood guard.
   */
  pingPolicy?: PingPolicyOptions;
  /** Close the connection gracefully (see `close`) once it is this old (gRPC's max connection age; default never). */
  maxAgeMs?: number;
  /** How long the streams open at `maxAgeMs` have to finish before the connection is closed at once (default: no limit). */
  maxAgeGraceMs?: number;
}

/** The largest stream id: the first GOAWAY of a graceful shutdown names it, so that no stream is refused yet. */
const MAX_STREAM_ID = 2 ** 31 - 1;
/** How long the first phase of a graceful shutdown waits for its PING's ACK before the final GOAWAY anyway (grpc-go's). */
const DRAIN_PING_TIMEOUT_MS = 1000;

/**
 * The server end of an HTTP/2 connection: it checks the client preface, and each request the client opens becomes a
 * ServerStream handed to `onStream`. Requests over the header-list limit get 431; malformed ones are reset.
 */
export class ServerConnection extends Http2Connection<ServerStream> {
  protected readonly isClient = false;
  private readonly maxConcurrentStreams: number;
  private preface = 0; // bytes of the client preface matched so far
  /**
   * Streams the client reset before we answered them: rapid reset, CVE-2023-44487. nghttp2 (under node:http2) allows
   * 1,000 at once and 33 a second; nginx 2 x its 128 concurrent streams per read; grpc-go no more handlers than
   * MAX_CONCURRENT_STREAMS. 256 at once and 33 a second.
   */
  private readonly resets = new FloodGuard(256, 33);
  private readonly refused = new FloodGuard(100, 20); // streams beyond the concurrency limit
  private readonly invalid = new FloodGuard(100, 20); // streams reset for malformed requests
  private readonly pingPolicy: PingPolicy | undefined;
  /** Streams opened in the chunk being read, not yet given to `onStream` (see afterRead). */
  private opened: ServerStream[] = [];
  /** The first GOAWAY of a graceful shutdown is sent; the final one waits for its PING's ACK. */
  private draining = false;
  private drainTimer: NodeJS.Timeout | undefined;
  private ageTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(
    socket: Socket,
    private readonly onStream: (stream: ServerStream) => void,
    options: ServerConnectionOptions = {},
  ) {
    super(socket, options, [[SettingId.MAX_CONCURRENT_STREAMS, options.maxConcurrentStreams ?? 1000]]);
    this.maxConcurrentStreams = options.maxConcurrentStreams ?? 1000;
    this.pingPolicy = options.pingPolicy && new PingPolicy(options.pingPolicy);
    if (options.maxAgeMs !== undefined) this.limitAge(options.maxAgeMs, options.maxAgeGraceMs);
  }

  /** At `ageMs`, a graceful close; `graceMs` later, whatever is still open is cut. */
  private limitAge(ageMs: number, graceMs: number | undefined): void {
    this.ageTimer = setTimeout(() => {
      this.close();
      if (graceMs !== undefined) this.graceTimer = setTimeout(() => this.destroy(), graceMs).unref();
    }, ageMs).unref();
  }

  /**
   * Graceful shutdown in two phases (as grpc-go and nghttp2 do): a GOAWAY naming the largest stream id tells the
   * client to open no more streams while every stream already on its way is still taken; a PING follows it, and its
   * ACK, which the client sends after it has read the GOAWAY, means no stream can be on its way any more. Then the
   * final GOAWAY names the last stream actually taken; the open ones finish and the connection closes. If the ACK
   * never comes, the final GOAWAY goes after a second anyway.
   */
  override close(): void {
    if (this.draining || this.closing || this.destroyed) return;
    this.draining = true;
    this.goawayLastId = MAX_STREAM_ID;
    this.writer.goaway(MAX_STREAM_ID, ErrorCode.NO_ERROR, "");
    const final = () => {
      clearTimeout(this.drainTimer);
      super.close();
    };
    this.ping(final);
    this.drainTimer = setTimeout(final, DRAIN_PING_TIMEOUT_MS).unref();
  }

  protected override onPeerPing(): void {
    const policy = this.pingPolicy;
    if (!policy) return;
    const sent = this.sentSincePeerPing;
    this.sentSincePeerPing = false;
    if (!policy.allows(Date.now(), this.streams.size, sent)) throw new Http2Error(ErrorCode.ENHANCE_YOUR_CALM, "too_many_pings");
  }

  protected override onSocketClose(code?: ErrorCode): void {
    clearTimeout(this.drainTimer);
    clearTimeout(this.ageTimer);
    clearTimeout(this.graceTimer);
    super.onSocketClose(code);
  }

  protected override readPreface(chunk: Buffer): Buffer {
    if (this.preface >= CLIENT_PREFACE.length) return chunk;
    const n = Math.min(CLIENT_PREFACE.length - this.preface, chunk.length);
    if (!chunk.subarray(0, n).equals(CLIENT_PREFACE.subarray(this.preface, this.preface + n))) {
      throw new Http2Error(ErrorCode.PROTOCOL_ERROR, "the connection did not start with the HTTP/2 client preface");
    }
    this.preface += n;
    return chunk.subarray(n);
  }

  protected isIdle(id: number): boolean {
    return id > this.lastStreamId;
  }

  /** A stream reset before we answered it cost us a handler: a peer that does that without end is an attack. */
  /**
   * A rapid reset (CVE-2023-44487) is a stream reset before we answered and right after it was opened: that frees a
   * concurrency slot for the next stream at no cost to the client. A reset after the response began, or of a stream
   * that lived a while (a client giving up on a slow call: its deadline, a cancel), is an ordinary end of a call and
   * does not count against the budget.
   */
  protected override onPeerReset(stream: ServerStream): void {
    if (stream.headersSent || performance.now() - stream.openedAt > RAPID_RESET_WINDOW_MS) return;
    if (!this.resets.take()) throw new Http2Error(ErrorCode.ENHANCE_YOUR_CALM, "too many streams reset by the client");
  }

  /** The client opens no more streams; the open ones finish. Close once they have. */
  protected onPeerGoaway(): void {
    this.closing = true;
    if (this.streams.size === 0) this.socket.end();
  }

  protected onHeaderBlock(id: number, endStream: boolean, block: Buffer): void {
    // Decoded first, whatever becomes of the stream: the HPACK table must stay in step with the peer's.
    const { fields, tooLarge } = this.decoder.decode(block, this.maxHeaderListSize);
    const stream = this.streams.get(id);
    if (stream) {
      // Trailers.
      if (stream.remoteEnded) throw new Http2Error(ErrorCode.STREAM_CLOSED, `HEADERS after the end of stream ${id}`, id);
      if (!endStream) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, `trailers without END_STREAM on stream ${id}`, id);
      trailerHeaders(fields, id);
      stream.receiveEnd();
      return this.closeIfDone(stream);
    }
    if (id <= this.lastStreamId) {
      if (this.recentlyReset.has(id)) return;
      // A lower id the peer never used is an unexpected stream id (RFC 9113 5.1.1); one it used is a closed stream.
      if (!this.recentlyClosed.has(id)) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, `HEADERS on stream ${id}, below the last stream ${this.lastStreamId}`);
      throw new Http2Error(ErrorCode.STREAM_CLOSED, `HEADERS on closed stream ${id}`);
    }
    if (id % 2 === 0) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, `a client opened even-numbered stream ${id}`);
    this.lastStreamId = id;
    if (this.goawayLastId !== undefined && id > this.goawayLastId) return; // streams above our GOAWAY's id are ignored (RFC 9113 6.8)
    if (this.streams.size >= this.maxConcurrentStreams) {
      if (!this.refused.take()) throw new Http2Error(ErrorCode.ENHANCE_YOUR_CALM, "too many streams beyond the concurrency limit");
      throw new Http2Error(ErrorCode.REFUSED_STREAM, `more than ${this.maxConcurrentStreams} concurrent streams`, id);
    }
    if (tooLarge) {
      this.writer.headers(id, this.encoder.encodeView([":status", "431"]), true, this.peerMaxFrameSize);
      if (!endStream) this.rst(id, ErrorCode.NO_ERROR);
      return;
    }
    let headers;
    try {
      headers = requestHeaders(fields, id);
    } catch (e) {
      if (!this.invalid.take()) throw new Http2Error(ErrorCode.ENHANCE_YOUR_CALM, "too many malformed requests");
      throw e;
    }
    const created = new ServerStream(id, headers, this, this.peerInitialWindow, this.initialWindowSize);
    this.streams.set(id, created);
    this.clearIdleTimer();
    // The end is recorded before the handler sees the stream: a handler that answers at once (the no-handler fallback)
    // then closes it as done, and later frames on it are STREAM_CLOSED errors, rather than resetting it with NO_ERROR
    // as if the request were still coming (after which its frames would be ignored).
    if (endStream) created.receiveEnd();
    this.opened.push(created);
  }

  /**
   * The streams opened in what was just read go to `onStream` now, in order, once every frame of the read has been
   * handled: a stream the client reset in the same read (rapid reset, CVE-2023-44487, sends HEADERS and RST_STREAM
   * together) is closed by then and never costs a handler. Its DATA and end, if any came, wait in the stream.
   */
  protected override afterRead(): void {
    if (this.opened.length === 0) return;
    const opened = this.opened;
    this.opened = [];
    for (const stream of opened) {
      if (stream.closed) continue;
      this.onStream(stream);
      if (stream.remoteEnded) this.closeIfDone(stream);
    }
  }
}
