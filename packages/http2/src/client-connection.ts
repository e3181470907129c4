import type { Socket } from "node:net";
import { Http2Connection, type ConnectionOptions } from "./connection.js";
import { ErrorCode, Http2Error } from "./errors.js";
import { CLIENT_PREFACE, SettingId } from "./frame.js";
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

  /** Whether a new request can start now (not closing, ids left, under the server's concurrency limit). */
  get canRequest(): boolean {
    return !this.closing && !this.destroyed && this.nextStreamId <= MAX_STREAM_ID && this.streams.size < this.peerMaxConcurrentStreams;
  }

  /**
   * Opens a stream with these request headers (`endStream`: and no body). Throws REFUSED_STREAM when the connection
   * cannot take it: closing (GOAWAY), out of stream ids, or at the server's concurrency limit; a new connection, or
   * waiting, is the caller's choice.
   */
  request(headers: OutgoingHeaders, endStream = false): ClientStream {
    if (this.closing || this.destroyed) throw new Http2Error(ErrorCode.REFUSED_STREAM, "the connection is closing");
    if (this.nextStreamId > MAX_STREAM_ID) throw new Http2Error(ErrorCode.REFUSED_STREAM, "the connection has used every stream id: open a new one");
    if (this.streams.size >= this.peerMaxConcurrentStreams) throw new Http2Error(ErrorCode.REFUSED_STREAM, `the server allows ${this.peerMaxConcurrentStreams} concurrent streams`);
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    const stream = new ClientStream(id, this, this.peerInitialWindow, this.initialWindowSize);
    this.streams.set(id, stream);
    this.clearIdleTimer();
    stream.sendRequest(headers, endStream);
    return stream;
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
    for (const stream of this.streams.values()) if (stream.id > lastStreamId) this.closeStream(stream, ErrorCode.REFUSED_STREAM);
    if (this.streams.size === 0) this.socket.end();
  }
}
