import type { Socket } from "node:net";
import { Http2Connection, type ConnectionOptions } from "./connection.js";
import { ErrorCode, Http2Error } from "./errors.js";
import { CLIENT_PREFACE, Flag, SettingId } from "./frame.js";
import { responseHeaders, trailerHeaders } from "./request-headers.js";
import { ClientStream } from "./client-stream.js";
import type { OutgoingHeaders } from "./stream.js";

/** The largest stream id (RFC 9113 5.1.1): past it, a client must open a new connection. */
const MAX_STREAM_ID = 2 ** 31 - 1;

/**
 * The client end of an HTTP/2 connection: it sends the preface, opens streams with odd, increasing ids (`request`), and
 * reads responses: headers (1xx skipped), body, trailers. Push is refused (SETTINGS_ENABLE_PUSH 0).
 */
export class ClientConnection extends Http2Connection<ClientStream> {
  protected readonly isClient = true;
  private nextStreamId = 1;
  /**
   * Called on each GOAWAY from the server: no new request may start here. `code` and `debug` say why (gRPC's
   * ENHANCE_YOUR_CALM "too_many_pings" asks a client to ping less). A misbehaving server may send many.
   */
  onServerGoaway: ((code: number, debug: string) => void) | undefined;

  constructor(socket: Socket, options: ConnectionOptions = {}) {
    super(socket, options, [[SettingId.ENABLE_PUSH, 0]], CLIENT_PREFACE);
  }

  /** Whether a new request can start here (not closing, stream ids left); it may wait for a stream slot. */
  get canRequest(): boolean {
    return !this.closing && !this.destroyed && this.nextStreamId <= MAX_STREAM_ID;
  }

  /**
   * Opens a stream with these request headers (`endStream`: and no body). At the server's concurrency limit
   * (SETTINGS_MAX_CONCURRENT_STREAMS; 100 until its SETTINGS arrive, as nghttp2 assumes) the request waits, in order,
   * for a stream to close: its body may be written meanwhile. Throws REFUSED_STREAM when the connection cannot take
   * it: closing (GOAWAY) or out of stream ids; a waiting request the connection cannot start after all (a GOAWAY, the
   * connection lost) closes with REFUSED_STREAM, having never left the client.
   */
  request(headers: OutgoingHeaders, endStream = false): ClientStream {
    if (this.closing || this.destroyed) throw new Http2Error(ErrorCode.REFUSED_STREAM, "the connection is closing");
    if (this.nextStreamId > MAX_STREAM_ID) throw new Http2Error(ErrorCode.REFUSED_STREAM, "the connection has used every stream id: open a new one");
    const stream = new ClientStream(0, this, this.peerInitialWindow, this.initialWindowSize);
    this.clearIdleTimer();
    if (this.waiting.length === 0 && this.streams.size < this.streamLimit) this.start(stream, headers, endStream);
    else this.waiting.push({ stream, headers, endStream });
    return stream;
  }

  /** Requests waiting for a stream slot, oldest first. */
  private readonly waiting: Array<{ stream: ClientStream; headers: OutgoingHeaders; endStream: boolean }> = [];
  private peerSettingsReceived = false;

  /** How many streams may be open at once: the server's limit, or 100 before it has said. */
  private get streamLimit(): number {
    return this.peerSettingsReceived ? this.peerMaxConcurrentStreams : Math.min(100, this.peerMaxConcurrentStreams);
  }

  /** Gives the stream its id and sends its headers, then whatever it queued while waiting. */
  private start(stream: ClientStream, headers: OutgoingHeaders, endStream: boolean): void {
    if (this.nextStreamId > MAX_STREAM_ID) return stream.close(ErrorCode.REFUSED_STREAM);
    stream.id = this.nextStreamId;
    this.nextStreamId += 2;
    stream.sendWindow = this.peerInitialWindow;
    this.streams.set(stream.id, stream);
    stream.sendRequest(headers, endStream);
    if (stream.queue.length > 0 || stream.endQueued) this.sendQueued(stream);
  }

  /** Starts waiting requests while there are slots. */
  private startWaiting(): void {
    while (this.waiting.length > 0 && this.streams.size < this.streamLimit && !this.closing && !this.destroyed) {
      const { stream, headers, endStream } = this.waiting.shift()!;
      if (!stream.closed) this.start(stream, headers, endStream);
    }
  }

  /** The waiting requests will not start here: refused, so that they can be sent elsewhere. */
  private refuseWaiting(): void {
    for (const { stream } of this.waiting.splice(0)) stream.close(ErrorCode.REFUSED_STREAM);
  }

  override sendQueued(stream: ClientStream): void {
    if (stream.id !== 0) super.sendQueued(stream); // a waiting request's data goes out when it starts
  }

  override reset(stream: ClientStream, code: ErrorCode): void {
    if (stream.id !== 0) return super.reset(stream, code);
    // Never sent: it leaves the queue, with nothing on the wire.
    const i = this.waiting.findIndex((w) => w.stream === stream);
    if (i >= 0) this.waiting.splice(i, 1);
    stream.close(code);
  }

  protected override closeStream(stream: ClientStream, code: ErrorCode): void {
    super.closeStream(stream, code);
    if (this.waiting.length > 0) this.startWaiting();
  }

  protected override onSettings(flags: number, id: number, payload: Buffer): void {
    super.onSettings(flags, id, payload);
    if (id === 0 && !(flags & Flag.ACK)) {
      this.peerSettingsReceived = true;
      this.startWaiting();
    }
  }

  protected override onSocketClose(code?: ErrorCode): void {
    this.refuseWaiting();
    super.onSocketClose(code);
  }

  protected isIdle(id: number): boolean {
    return id % 2 === 0 || id >= this.nextStreamId;
  }

  protected onHeaderBlock(id: number, endStream: boolean, block: Buffer): void {
    const { fields, tooLarge } = this.decoder.decode(block, this.maxHeaderListSize);
    const stream = this.streams.get(id);
    if (!stream) {
      if (this.isIdle(id)) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, `HEADERS on stream ${id}, which this client did not open`);
      if (this.recentlyReset.has(id)) return;
      throw new Http2Error(ErrorCode.STREAM_CLOSED, `HEADERS on closed stream ${id}`);
    }
    if (stream.remoteEnded) throw new Http2Error(ErrorCode.STREAM_CLOSED, `HEADERS after the end of stream ${id}`, id);
    if (tooLarge) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, `response headers on stream ${id} over ${this.maxHeaderListSize} bytes`, id);
    if (!stream.response) {
      const headers = responseHeaders(fields, id);
      if (String(headers[":status"]).startsWith("1")) {
        if (endStream) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, `an informational response ended stream ${id}`, id);
        return; // 100 Continue and the like: the real response follows
      }
      stream.receiveResponse(headers);
    } else {
      if (!endStream) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, `trailers without END_STREAM on stream ${id}`, id);
      stream.responseTrailers = trailerHeaders(fields, id);
    }
    if (endStream) {
      stream.receiveEnd();
      this.closeIfDone(stream);
    }
  }

  /** The server processes no stream above `lastStreamId`: those are refused (safe to retry elsewhere); no new ones. */
  protected onPeerGoaway(lastStreamId: number, code: number, debug: string): void {
    this.closing = true;
    this.onServerGoaway?.(code, debug);
    this.refuseWaiting();
    for (const stream of this.streams.values()) if (stream.id > lastStreamId) this.closeStream(stream, ErrorCode.REFUSED_STREAM);
    if (this.streams.size === 0) this.socket.end();
  }
}
