import { ErrorCode } from "./errors.js";

/** What a stream needs of its connection. */
export interface StreamHost {
  readonly socket: import("node:net").Socket;
  /** Sends response headers (and ends the stream when `endStream`). */
  sendHeaders(stream: Http2Stream, headers: Record<string, string | number | readonly string[] | undefined>, endStream: boolean): void;
  /** Data (and the end, and trailers) were queued on the stream: send what the windows allow. */
  sendQueued(stream: Http2Stream): void;
  /** The application consumed `n` bytes of what the peer sent on the stream: give the peer that much window again. */
  consumed(stream: Http2Stream, n: number): void;
  reset(stream: Http2Stream, code: ErrorCode): void;
}

export type OutgoingHeaders = Record<string, string | number | readonly string[] | undefined>;

/** Bytes queued on a stream beyond which `write` asks the writer to wait for drain (node streams' default). */
const HIGH_WATER_MARK = 16 * 1024;

/**
 * One stream of a connection (RFC 9113 5.1), either side: what the peer sends, as chunks with pause/resume (flow
 * control follows what is consumed), and what we send, headers, data and trailers, waiting for window as needed.
 * ServerStream and ClientStream add the request and response ends.
 */
export class Http2Stream {
  /** Peer's window for our data on this stream. */
  sendWindow: number;
  /** Our window for the peer's data. */
  receiveWindow: number;
  /** Bytes the application consumed that are not yet given back to the peer in a WINDOW_UPDATE. */
  unacked = 0;
  /** Body bytes received, and the length the peer's content-length header declared, if any. */
  receivedBytes = 0;
  declaredLength: number | undefined;
  /** The peer ended its side (END_STREAM), or it was reset. */
  remoteEnded = false;
  /** We ended ours: END_STREAM is written (or queued behind data). */
  localEnded = false;
  headersSent = false;
  closed = false;
  /** In the connection's list of streams that waited for flow-control window or for the socket. */
  blocked = false;
  /** Once our side has ended, reset the stream (NO_ERROR) if the peer is still sending: its data is not wanted. */
  resetAfterEnd = false;
  /** Data waiting for window, then (when `endQueued`) the end, with `trailers` when there are some. */
  readonly queue: Uint8Array[] = [];
  queuedBytes = 0;
  endQueued = false;
  trailers: OutgoingHeaders | undefined;

  private onData: ((chunk: Buffer) => void) | undefined;
  private onEnd: (() => void) | undefined;
  private onClose: ((code: ErrorCode) => void) | undefined;
  /** Writers waiting for the queued data to drain. */
  private drainWaiters: (() => void)[] = [];
  private paused = false;
  /** Data received while paused or before anyone reads. */
  private buffered: Buffer[] = [];
  private endPending = false;

  constructor(
    /** The stream id; 0 for a client's request still waiting for a stream slot (see ClientConnection.request). */
    public id: number,
    protected readonly host: StreamHost,
    initialSendWindow: number,
    initialReceiveWindow: number,
  ) {
    this.sendWindow = initialSendWindow;
    this.receiveWindow = initialReceiveWindow;
  }

  get socket(): import("node:net").Socket {
    return this.host.socket;
  }

  /** Our side is over: END_STREAM is written, or queued behind data that waits for the peer's window. */
  get writableEnded(): boolean {
    return this.endQueued || this.localEnded;
  }

  /** Whether the writer should wait for `drained` before writing more. */
  get needsDrain(): boolean {
    return this.queuedBytes > HIGH_WATER_MARK;
  }

  /** Reads what the peer sends; `onClose` comes last, once, however the stream ends (with the reset code, or NO_ERROR). */
  read(onData: (chunk: Buffer) => void, onEnd: () => void, onClose: (code: ErrorCode) => void): void {
    this.onData = onData;
    this.onEnd = onEnd;
    this.onClose = onClose;
    if (!this.paused) this.flushBuffered();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.flushBuffered();
  }

  /** Calls `callback` once the queued response data is under the high-water mark (at once if it is). */
  drained(callback: () => void): void {
    if (!this.needsDrain || this.closed) return callback();
    this.drainWaiters.push(callback);
  }

  /** Sends our headers, once; `endStream`: and nothing else. */
  protected sendHeadersOnce(headers: OutgoingHeaders, endStream: boolean): void {
    if (this.headersSent || this.closed) return;
    this.headersSent = true;
    if (endStream) this.localEnded = true;
    this.host.sendHeaders(this, headers, endStream);
  }

  /** Data is about to go out before any headers: send the headers that must precede it. */
  ensureHeaders(): void {}

  /** Queues data to send; false when the writer should wait for `drained` (or stop: the stream is `closed`). */
  write(data: Uint8Array): boolean {
    if (this.closed || this.endQueued) return false;
    if (data.length > 0) {
      this.queue.push(data);
      this.queuedBytes += data.length;
    }
    this.host.sendQueued(this);
    return !this.needsDrain;
  }

  /** Ends our side: `data` last, then `trailers` (or END_STREAM on the last DATA frame without them). */
  end(data?: Uint8Array, trailers?: OutgoingHeaders): void {
    if (this.closed || this.endQueued) return;
    if (data && data.length > 0) {
      this.queue.push(data);
      this.queuedBytes += data.length;
    }
    this.endQueued = true;
    this.trailers = trailers;
    this.host.sendQueued(this);
  }

  /**
   * What we send is (or will be) complete and the rest of what the peer sends is not wanted: once our side has ended, the
   * stream is reset with NO_ERROR if the peer is still sending (RFC 9113 8.1), after everything queued has gone out.
   */
  discardRest(): void {
    this.resetAfterEnd = true;
    this.paused = false;
    this.onData = undefined;
    this.buffered = [];
    this.host.sendQueued(this);
  }

  /** Resets the stream (RST_STREAM with `code`); the application's onClose follows. */
  reset(code: ErrorCode = ErrorCode.CANCEL): void {
    if (!this.closed) this.host.reset(this, code);
  }

  // ---- Called by the connection.

  /** Bytes from a DATA frame. */
  receive(chunk: Buffer): void {
    if (this.resetAfterEnd) return this.host.consumed(this, chunk.length);
    if (this.paused || !this.onData) {
      this.buffered.push(Buffer.from(chunk)); // the frame's bytes are a view of the socket's chunk: keep a copy
      return;
    }
    this.onData(chunk);
    this.host.consumed(this, chunk.length);
  }

  /** The peer ended its side. */
  receiveEnd(): void {
    this.remoteEnded = true;
    if (this.paused || !this.onEnd || this.buffered.length > 0) this.endPending = true;
    else this.onEnd();
  }

  /** Queued data was sent: tell a waiting writer when it is below the high-water mark. */
  sent(): void {
    if (this.drainWaiters.length > 0 && !this.needsDrain) for (const waiter of this.drainWaiters.splice(0)) waiter();
  }

  /**
   * The stream is closed (both sides ended, or reset): tell the application, once. A stream that ended normally while
   * the application was paused still delivers what it received, then its end, then the close.
   */
  close(code: ErrorCode): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.queuedBytes = 0;
    for (const waiter of this.drainWaiters.splice(0)) waiter();
    if (code === ErrorCode.NO_ERROR && (this.buffered.length > 0 || this.endPending)) {
      this.closePending = true;
      return;
    }
    this.buffered = [];
    this.onClose?.(code);
  }

  private closePending = false;

  private flushBuffered(): void {
    while (this.buffered.length > 0 && !this.paused && this.onData) {
      const chunk = this.buffered.shift()!;
      this.onData(chunk);
      this.host.consumed(this, chunk.length);
    }
    if (this.endPending && this.buffered.length === 0 && !this.paused && this.onEnd) {
      this.endPending = false;
      this.onEnd();
    }
    if (this.closePending && this.buffered.length === 0 && !this.endPending) {
      this.closePending = false;
      this.onClose?.(ErrorCode.NO_ERROR);
    }
  }
}
