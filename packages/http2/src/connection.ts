import type { Socket } from "node:net";
import { ErrorCode, Http2Error } from "./errors.js";
import { DEFAULT_MAX_FRAME_SIZE, DEFAULT_WINDOW_SIZE, Flag, FrameType, MAX_ALLOWED_FRAME_SIZE, MAX_WINDOW_SIZE, SettingId } from "./frame.js";
import { FloodGuard } from "./flood-guard.js";
import { FrameParser } from "./frame-parser.js";
import { FrameWriter } from "./frame-writer.js";
import { HpackDecoder } from "./hpack/decoder.js";
import { HpackEncoder } from "./hpack/encoder.js";
import { IdMap } from "./id-map.js";
import { RecentIds } from "./recent-ids.js";
import { toFields } from "./request-headers.js";
import type { Http2Stream, OutgoingHeaders, StreamHost } from "./stream.js";

export interface ConnectionOptions {
  /** Largest header list we accept, HPACK-decoded (SETTINGS_MAX_HEADER_LIST_SIZE; default 16 KiB). */
  maxHeaderListSize?: number;
  /** Our receive window per stream (SETTINGS_INITIAL_WINDOW_SIZE; default 256 KiB). */
  initialWindowSize?: number;
  /** Our receive window for the whole connection (default 16 MiB): what the peer may have sent that is not yet read. */
  connectionWindowSize?: number;
  /** How long the peer has to acknowledge our SETTINGS (default 10 s). */
  settingsTimeoutMs?: number;
  /** Send a PING this often to check that the peer is there (gRPC's keepalive; default off). */
  keepaliveTimeMs?: number;
  /** How long a keepalive PING may go unanswered before the connection is closed (default 20 s). */
  keepaliveTimeoutMs?: number;
  /** Close the connection (GOAWAY) after this long with no open stream (gRPC's max connection idle; default off). */
  idleTimeoutMs?: number;
}

/** Output beyond which we stop sending data and stop reading the peer until it reads (slow or zero-read peers). */
const OUTPUT_HIGH_WATER = 256 * 1024;
/**
 * Frames gathered beyond this go to the socket at once instead of at the end of the tick: a handler that produces
 * without ever yielding to the event loop then meets the socket's backpressure instead of filling memory.
 */
const FLUSH_THRESHOLD = 64 * 1024;
/** A header block (HEADERS and its CONTINUATIONs) larger than this many times the list limit is a flood. */
const HEADER_BLOCK_FACTOR = 4;
/**
 * Streams we reset, remembered so that the frames the peer had already sent on them are ignored, and streams that
 * closed, so that a frame on one is told from a frame on a stream id the peer skipped.
 */
const REMEMBERED_STREAMS = 1024;
/** The first bytes of our PINGs' payloads; a counter follows, so that each ACK finds the PING it answers. */
const PING_TAG = "tsgr";

/**
 * What both ends of an HTTP/2 connection (RFC 9113) do on a socket: SETTINGS, the streams and their states, HPACK,
 * flow control both ways, PING, RST_STREAM, GOAWAY, keepalive and idle timeouts, and the defences against the known
 * floods. ServerConnection and ClientConnection add how streams begin.
 */
export abstract class Http2Connection<S extends Http2Stream> implements StreamHost {
  /** Which end this is: some rules differ (who may enable push). */
  protected abstract readonly isClient: boolean;
  protected readonly parser: FrameParser;
  protected readonly writer = new FrameWriter();
  protected readonly decoder = new HpackDecoder();
  protected readonly encoder = new HpackEncoder();
  /** The fields of the header block being encoded (one array for every block: see toFields). */
  private readonly fields: string[] = [];
  /** Open streams by id (an IdMap, not a Map: see IdMap). */
  protected readonly streams = new IdMap<S>();
  /**
   * Streams that had data waiting for flow-control window or for the socket, in the order they began to wait, each once
   * (its `blocked` flag); an array, not a Set (see IdMap). One that sent or closed meanwhile has nothing to do on its turn.
   */
  protected blocked: S[] = [];
  protected readonly recentlyReset = new RecentIds(REMEMBERED_STREAMS);
  protected readonly recentlyClosed = new RecentIds(REMEMBERED_STREAMS);
  protected readonly maxHeaderListSize: number;
  protected readonly initialWindowSize: number;
  protected readonly connectionWindowSize: number;

  protected settingsSeen = false;
  protected settingsTimer: NodeJS.Timeout | undefined;
  protected headerBlock: { streamId: number; endStream: boolean; fragments: Buffer[]; size: number } | undefined;
  /** The highest stream id the peer has opened. */
  protected lastStreamId = 0;
  protected goawayLastId: number | undefined;
  /** The peer's SETTINGS_MAX_CONCURRENT_STREAMS: how many streams we may open. */
  protected peerMaxConcurrentStreams = Infinity;
  protected closing = false;
  protected destroyed = false;

  // The peer's settings that shape what we send.
  protected peerInitialWindow = DEFAULT_WINDOW_SIZE;
  protected peerMaxFrameSize = DEFAULT_MAX_FRAME_SIZE;
  protected sendWindow = DEFAULT_WINDOW_SIZE;
  protected receiveWindow = DEFAULT_WINDOW_SIZE;
  /** Connection-level bytes consumed and not yet given back in a WINDOW_UPDATE. */
  protected unacked = 0;
  protected flushScheduled = false;
  protected outputBacked = false;
  protected readonly idleTimeoutMs: number | undefined;
  protected idleTimer: NodeJS.Timeout | undefined;
  protected keepaliveTimer: NodeJS.Timeout | undefined;
  protected keepaliveDeadline: NodeJS.Timeout | undefined;
  /** Our PINGs not yet acknowledged, by payload: what to do when the ACK comes. */
  private readonly pings = new Map<string, () => void>();
  private pingsSent = 0;
  /**
   * Whether we sent DATA or HEADERS since the peer's last PING: a server's ping policy forgives a PING that follows
   * them (an answer to our activity, as gRPC's BDP pings are).
   */
  protected sentSincePeerPing = false;

  /** Empty DATA/HEADERS/CONTINUATION frames, CVE-2019-9518: 100 at once, 10 a second after that. */
  protected readonly empty = new FloodGuard(100, 10);
  /**
   * SETTINGS, PING, PRIORITY: CVE-2019-9512, 9515, 9513. 1,000 at once (nghttp2, under node:http2, allows 1,000 queued
   * answers; grpc-go stops reading at 50 queued), 100 a second after that: a gRPC client sends a few a second at most.
   */
  protected readonly control = new FloodGuard(1_000, 100);
  /** SETTINGS, within `control`: a peer sends one or two in a connection's life; each costs us an ACK. */
  protected readonly settingsGuard = new FloodGuard(100, 10);

  onClose: (() => void) | undefined;

  /**
   * Starts the connection: `preface` (a client's) first, then our SETTINGS (`settings` beside the window and list
   * size every side sends) and a connection WINDOW_UPDATE.
   */
  constructor(
    readonly socket: Socket,
    options: ConnectionOptions,
    settings: (readonly [id: number, value: number])[],
    preface?: Buffer,
  ) {
    this.maxHeaderListSize = options.maxHeaderListSize ?? 16 * 1024;
    this.initialWindowSize = options.initialWindowSize ?? 256 * 1024;
    this.connectionWindowSize = options.connectionWindowSize ?? 16 * 1024 * 1024;
    this.parser = new FrameParser(DEFAULT_MAX_FRAME_SIZE);
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("drain", () => this.onDrain());
    socket.on("error", () => {});
    socket.on("close", () => this.onSocketClose());
    socket.resume(); // a listener that looked at the first bytes may have paused it
    if (preface) this.writer.bytes(preface);
    this.writer.settings([...settings, [SettingId.INITIAL_WINDOW_SIZE, this.initialWindowSize], [SettingId.MAX_HEADER_LIST_SIZE, this.maxHeaderListSize]]);
    if (this.connectionWindowSize > DEFAULT_WINDOW_SIZE) this.writer.windowUpdate(0, this.connectionWindowSize - DEFAULT_WINDOW_SIZE);
    this.receiveWindow = Math.max(this.connectionWindowSize, DEFAULT_WINDOW_SIZE);
    this.settingsTimer = setTimeout(() => this.fail(new Http2Error(ErrorCode.SETTINGS_TIMEOUT, "SETTINGS not acknowledged")), options.settingsTimeoutMs ?? 10_000);
    this.settingsTimer.unref();
    this.idleTimeoutMs = options.idleTimeoutMs;
    this.startIdleTimer();
    if (options.keepaliveTimeMs) this.startKeepalive(options.keepaliveTimeMs, options.keepaliveTimeoutMs ?? 20_000);
    this.flush();
  }

  protected clearIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  protected startIdleTimer(): void {
    if (this.idleTimeoutMs === undefined || this.idleTimer) return;
    this.idleTimer = setTimeout(() => this.close(), this.idleTimeoutMs);
    this.idleTimer.unref();
  }

  /** A PING every `timeMs`; an answer must come within `timeoutMs`, or the peer is gone and the connection closes. */
  protected startKeepalive(timeMs: number, timeoutMs: number): void {
    this.keepaliveTimer = setInterval(() => {
      if (this.keepaliveDeadline || this.destroyed) return;
      this.ping(() => {
        clearTimeout(this.keepaliveDeadline);
        this.keepaliveDeadline = undefined;
      });
      this.keepaliveDeadline = setTimeout(() => this.destroy(), timeoutMs);
      this.keepaliveDeadline.unref();
    }, timeMs);
    this.keepaliveTimer.unref();
  }

  /**
   * Sends a PING now; `onAck` runs when the peer acknowledges it, and never if the connection closes first (the caller
   * keeps its own timeout: what a missing ACK means is its business).
   */
  ping(onAck: () => void): void {
    if (this.destroyed) return;
    const payload = Buffer.alloc(8);
    payload.write(PING_TAG, 0, "latin1");
    payload.writeUInt32BE(++this.pingsSent >>> 0, 4);
    this.pings.set(payload.toString("latin1"), onAck);
    this.writer.ping(payload, false);
    this.flush();
  }

  /** Whether the connection is closed (or failed). */
  get isClosed(): boolean {
    return this.destroyed;
  }

  /** Open streams. */
  get streamCount(): number {
    return this.streams.size;
  }

  /**
   * Graceful shutdown (RFC 9113 6.8): GOAWAY with the last peer stream we will process; the open ones finish. (A server
   * first announces it: see ServerConnection.close.)
   */
  close(): void {
    if (this.closing || this.destroyed) return;
    this.closing = true;
    this.goawayLastId = this.lastStreamId;
    this.writer.goaway(this.lastStreamId, ErrorCode.NO_ERROR, "");
    this.flush();
    if (this.streams.size === 0) this.socket.end();
  }

  /** Closes at once: every open stream is cancelled. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.socket.destroy();
    this.onSocketClose();
  }

  // ---- Reading.

  protected onData(chunk: Buffer): void {
    if (this.destroyed) return;
    try {
      chunk = this.readPreface(chunk);
      if (chunk.length > 0) this.parser.push(chunk, this.onFrame);
      if (!this.destroyed) this.afterRead();
    } catch (e) {
      this.fail(e);
    }
    this.scheduleFlush();
  }

  /** Every frame of a chunk read from the socket has been handled (a server starts the streams it opened here). */
  protected afterRead(): void {}

  protected readonly onFrame = (type: number, flags: number, streamId: number, payload: Buffer): void => {
    if (!this.settingsSeen) {
      if (type !== FrameType.SETTINGS || flags & Flag.ACK) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, "the first frame must be SETTINGS");
      this.settingsSeen = true;
    }
    if (this.headerBlock && type !== FrameType.CONTINUATION) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, "a frame other than CONTINUATION inside a header block");
    try {
      switch (type) {
        case FrameType.DATA:
          return this.onDataFrame(flags, streamId, payload);
        case FrameType.HEADERS:
          return this.onHeadersFrame(flags, streamId, payload);
        case FrameType.CONTINUATION:
          return this.onContinuation(flags, streamId, payload);
        case FrameType.PRIORITY:
          return this.onPriority(streamId, payload);
        case FrameType.RST_STREAM:
          return this.onRstStream(streamId, payload);
        case FrameType.SETTINGS:
          return this.onSettings(flags, streamId, payload);
        case FrameType.PUSH_PROMISE:
          throw new Http2Error(ErrorCode.PROTOCOL_ERROR, "PUSH_PROMISE (push is not enabled)");
        case FrameType.PING:
          return this.onPing(flags, streamId, payload);
        case FrameType.GOAWAY:
          return this.onGoaway(streamId, payload);
        case FrameType.WINDOW_UPDATE:
          return this.onWindowUpdate(streamId, payload);
        default:
          return; // unknown frame types are ignored (RFC 9113 4.1)
      }
    } catch (e) {
      if (e instanceof Http2Error && e.streamId !== undefined) this.streamError(e.streamId, e.code);
      else throw e;
    }
  };

  protected onDataFrame(flags: number, id: number, payload: Buffer): void {
    if (id === 0) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, "DATA on stream 0");
    // The whole frame counts against both windows, padding included (RFC 9113 6.9.1).
    this.receiveWindow -= payload.length;
    if (this.receiveWindow < 0) throw new Http2Error(ErrorCode.FLOW_CONTROL_ERROR, "the peer sent more than the connection window");
    const data = this.unpad(flags, id, payload);
    const padding = payload.length - data.length;
    const stream = this.streams.get(id);
    if (!stream) {
      this.giveBack(payload.length);
      if (this.isIdle(id)) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, `DATA on idle stream ${id}`);
      if (!this.recentlyReset.has(id)) throw new Http2Error(ErrorCode.STREAM_CLOSED, `DATA on closed stream ${id}`, id);
      return;
    }
    if (stream.remoteEnded) {
      this.giveBack(payload.length);
      throw new Http2Error(ErrorCode.STREAM_CLOSED, `DATA after the end of stream ${id}`, id);
    }
    stream.receiveWindow -= payload.length;
    if (stream.receiveWindow < 0) {
      this.giveBack(payload.length);
      throw new Http2Error(ErrorCode.FLOW_CONTROL_ERROR, `the peer sent more than stream ${id}'s window`, id);
    }
    if (padding > 0) this.consumed(stream, padding);
    const endStream = (flags & Flag.END_STREAM) !== 0;
    if (data.length === 0 && !endStream && !this.empty.take()) throw new Http2Error(ErrorCode.ENHANCE_YOUR_CALM, "too many empty DATA frames");
    stream.receivedBytes += data.length;
    const declared = stream.declaredLength;
    if (declared !== undefined && (stream.receivedBytes > declared || (endStream && stream.receivedBytes !== declared))) {
      throw new Http2Error(ErrorCode.PROTOCOL_ERROR, `stream ${id}'s body does not match its content-length`, id);
    }
    if (data.length > 0) stream.receive(data);
    if (endStream) {
      stream.receiveEnd();
      this.closeIfDone(stream);
    }
  }

  protected onHeadersFrame(flags: number, id: number, payload: Buffer): void {
    if (id === 0) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, "HEADERS on stream 0");
    let fragment = this.unpad(flags, id, payload);
    if (flags & Flag.PRIORITY) {
      if (fragment.length < 5) throw new Http2Error(ErrorCode.FRAME_SIZE_ERROR, "HEADERS too short for its priority");
      if ((fragment.readUInt32BE(0) & 0x7fffffff) === id) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, `stream ${id} depends on itself`, id);
      fragment = fragment.subarray(5);
    }
    const endStream = (flags & Flag.END_STREAM) !== 0;
    if (flags & Flag.END_HEADERS) return this.onHeaderBlock(id, endStream, fragment);
    if (fragment.length === 0 && !this.empty.take()) throw new Http2Error(ErrorCode.ENHANCE_YOUR_CALM, "too many empty header fragments");
    this.headerBlock = { streamId: id, endStream, fragments: [Buffer.from(fragment)], size: fragment.length };
  }

  protected onContinuation(flags: number, id: number, payload: Buffer): void {
    const block = this.headerBlock;
    if (!block || block.streamId !== id) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, "CONTINUATION without a header block to continue");
    block.size += payload.length;
    const limit = HEADER_BLOCK_FACTOR * this.maxHeaderListSize;
    if (block.size > limit) throw new Http2Error(ErrorCode.ENHANCE_YOUR_CALM, `a header block of more than ${limit} bytes`);
    if (payload.length === 0 && !(flags & Flag.END_HEADERS) && !this.empty.take()) throw new Http2Error(ErrorCode.ENHANCE_YOUR_CALM, "too many empty CONTINUATION frames");
    block.fragments.push(Buffer.from(payload));
    if (!(flags & Flag.END_HEADERS)) return;
    this.headerBlock = undefined;
    this.onHeaderBlock(id, block.endStream, Buffer.concat(block.fragments));
  }

  /** A whole header block on stream `id`: a new stream, response headers or trailers, as the side decides. */
  protected abstract onHeaderBlock(id: number, endStream: boolean, block: Buffer): void;

  /** Whether `id` names a stream that has not begun (frames other than HEADERS on one are a PROTOCOL_ERROR). */
  protected abstract isIdle(id: number): boolean;

  /** The connection's first bytes from the peer: a server checks the client preface and returns what follows it. */
  protected readPreface(chunk: Buffer): Buffer {
    return chunk;
  }

  /** The peer reset a stream we had not finished. */
  protected onPeerReset(_stream: S): void {}

  /** The peer sent GOAWAY: it processes no stream above `lastStreamId`; `code` and `debug` say why. */
  protected abstract onPeerGoaway(lastStreamId: number, code: number, debug: string): void;

  protected onPriority(id: number, payload: Buffer): void {
    if (id === 0) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, "PRIORITY on stream 0");
    if (payload.length !== 5) throw new Http2Error(ErrorCode.FRAME_SIZE_ERROR, "PRIORITY frame not 5 bytes", id);
    if (!this.control.take()) throw new Http2Error(ErrorCode.ENHANCE_YOUR_CALM, "PRIORITY flood");
    if ((payload.readUInt32BE(0) & 0x7fffffff) === id) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, `stream ${id} depends on itself`, id);
    // Otherwise ignored: RFC 9113 deprecates the priority scheme (5.3.2).
  }

  protected onRstStream(id: number, payload: Buffer): void {
    if (id === 0) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, "RST_STREAM on stream 0");
    if (payload.length !== 4) throw new Http2Error(ErrorCode.FRAME_SIZE_ERROR, "RST_STREAM frame not 4 bytes");
    if (this.isIdle(id)) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, `RST_STREAM on idle stream ${id}`);
    const stream = this.streams.get(id);
    if (!stream) return;
    if (!stream.localEnded) this.onPeerReset(stream);
    this.closeStream(stream, payload.readUInt32BE(0));
  }

  protected onSettings(flags: number, id: number, payload: Buffer): void {
    if (id !== 0) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, "SETTINGS on a stream");
    if (flags & Flag.ACK) {
      if (payload.length !== 0) throw new Http2Error(ErrorCode.FRAME_SIZE_ERROR, "SETTINGS ACK with a payload");
      clearTimeout(this.settingsTimer);
      return;
    }
    if (payload.length % 6 !== 0) throw new Http2Error(ErrorCode.FRAME_SIZE_ERROR, "SETTINGS length not a multiple of 6");
    if (!this.control.take() || !this.settingsGuard.take()) throw new Http2Error(ErrorCode.ENHANCE_YOUR_CALM, "SETTINGS flood");
    for (let i = 0; i < payload.length; i += 6) this.applySetting(payload.readUInt16BE(i), payload.readUInt32BE(i + 2));
    this.writer.settingsAck();
  }

  protected applySetting(id: number, value: number): void {
    switch (id) {
      case SettingId.HEADER_TABLE_SIZE:
        this.encoder.setMaxTableSize(Math.min(value, 4096));
        break;
      case SettingId.ENABLE_PUSH:
        // A server may not ask for push (RFC 9113 6.5.2): only a client may send 1.
        if (value > 1 || (value === 1 && this.isClient)) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, `SETTINGS_ENABLE_PUSH ${value}`);
        break;
      case SettingId.MAX_CONCURRENT_STREAMS:
        this.peerMaxConcurrentStreams = value;
        break;
      case SettingId.INITIAL_WINDOW_SIZE: {
        if (value > MAX_WINDOW_SIZE) throw new Http2Error(ErrorCode.FLOW_CONTROL_ERROR, `SETTINGS_INITIAL_WINDOW_SIZE ${value}`);
        const delta = value - this.peerInitialWindow;
        this.peerInitialWindow = value;
        for (const stream of this.streams.values()) {
          stream.sendWindow += delta;
          if (stream.sendWindow > MAX_WINDOW_SIZE) throw new Http2Error(ErrorCode.FLOW_CONTROL_ERROR, `stream ${stream.id}'s window overflows`);
        }
        if (delta > 0) this.sendBlocked();
        break;
      }
      case SettingId.MAX_FRAME_SIZE:
        if (value < DEFAULT_MAX_FRAME_SIZE || value > MAX_ALLOWED_FRAME_SIZE) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, `SETTINGS_MAX_FRAME_SIZE ${value}`);
        this.peerMaxFrameSize = value;
        break;
      default:
      // MAX_HEADER_LIST_SIZE is advice; unknown settings are ignored (RFC 9113 6.5.2).
    }
  }

  protected onPing(flags: number, id: number, payload: Buffer): void {
    if (id !== 0) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, "PING on a stream");
    if (payload.length !== 8) throw new Http2Error(ErrorCode.FRAME_SIZE_ERROR, "PING frame not 8 bytes");
    if (flags & Flag.ACK) {
      // An ACK of no PING of ours (an unknown payload) is ignored.
      const key = payload.toString("latin1");
      const onAck = this.pings.get(key);
      if (onAck) {
        this.pings.delete(key);
        onAck();
      }
      return;
    }
    if (!this.control.take()) throw new Http2Error(ErrorCode.ENHANCE_YOUR_CALM, "PING flood");
    this.onPeerPing();
    this.writer.ping(payload, true);
  }

  /** The peer sent a PING (not an ACK): a server checks it against its ping policy. */
  protected onPeerPing(): void {}

  protected onGoaway(id: number, payload: Buffer): void {
    if (id !== 0) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, "GOAWAY on a stream");
    if (payload.length < 8) throw new Http2Error(ErrorCode.FRAME_SIZE_ERROR, "GOAWAY frame shorter than 8 bytes");
    this.onPeerGoaway(payload.readUInt32BE(0) & 0x7fffffff, payload.readUInt32BE(4), payload.subarray(8).toString("latin1"));
  }

  protected onWindowUpdate(id: number, payload: Buffer): void {
    if (payload.length !== 4) throw new Http2Error(ErrorCode.FRAME_SIZE_ERROR, "WINDOW_UPDATE frame not 4 bytes");
    const increment = payload.readUInt32BE(0) & 0x7fffffff;
    if (id === 0) {
      if (increment === 0) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE of 0 on the connection");
      this.sendWindow += increment;
      if (this.sendWindow > MAX_WINDOW_SIZE) throw new Http2Error(ErrorCode.FLOW_CONTROL_ERROR, "the connection window overflows");
      return this.sendBlocked();
    }
    if (this.isIdle(id)) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, `WINDOW_UPDATE on idle stream ${id}`);
    const stream = this.streams.get(id);
    if (increment === 0) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, `WINDOW_UPDATE of 0 on stream ${id}`, id);
    if (!stream) return;
    stream.sendWindow += increment;
    if (stream.sendWindow > MAX_WINDOW_SIZE) throw new Http2Error(ErrorCode.FLOW_CONTROL_ERROR, `stream ${id}'s window overflows`, id);
    this.sendQueued(stream);
  }

  /** A frame's payload without its padding (RFC 9113 6.1). */
  protected unpad(flags: number, id: number, payload: Buffer): Buffer {
    if (!(flags & Flag.PADDED)) return payload;
    if (payload.length < 1) throw new Http2Error(ErrorCode.FRAME_SIZE_ERROR, "a PADDED frame with no pad length");
    const padLength = payload[0]!;
    if (padLength >= payload.length) throw new Http2Error(ErrorCode.PROTOCOL_ERROR, `padding longer than the frame on stream ${id}`);
    return payload.subarray(1, payload.length - padLength);
  }

  // ---- StreamHost: what streams ask of the connection.

  sendHeaders(stream: S, headers: OutgoingHeaders, endStream: boolean): void {
    this.sentSincePeerPing = true;
    this.writer.headers(stream.id, this.encodeHeaders(headers), endStream, this.peerMaxFrameSize);
    this.scheduleFlush();
    if (endStream) {
      stream.localEnded = true;
      this.closeIfDone(stream);
    }
  }

  sendQueued(stream: S): void {
    if (stream.closed) return;
    if (stream.localEnded) return this.closeIfDone(stream);
    if (stream.queue.length === 0 && !stream.endQueued) return; // nothing to send (a WINDOW_UPDATE came early)
    if (!stream.headersSent) stream.ensureHeaders();
    this.sentSincePeerPing = true;
    const queue = stream.queue;
    while (queue.length > 0) {
      const allowed = Math.min(stream.sendWindow, this.sendWindow, this.peerMaxFrameSize);
      if (allowed <= 0 || this.outputBacked) {
        if (!stream.blocked) this.block(stream);
        return this.scheduleFlush();
      }
      const chunk = queue[0]!;
      const n = Math.min(chunk.length, allowed);
      const last = n === chunk.length && queue.length === 1 && stream.endQueued && !stream.trailers;
      this.writer.data(stream.id, n === chunk.length ? chunk : chunk.subarray(0, n), last);
      stream.sendWindow -= n;
      this.sendWindow -= n;
      stream.queuedBytes -= n;
      if (n === chunk.length) queue.shift();
      else queue[0] = chunk.subarray(n);
      if (last) stream.localEnded = true;
      if (this.writer.pending >= FLUSH_THRESHOLD) this.flush();
    }
    if (stream.endQueued && !stream.localEnded) {
      if (stream.trailers) this.writer.headers(stream.id, this.encodeHeaders(stream.trailers), true, this.peerMaxFrameSize);
      else this.writer.data(stream.id, new Uint8Array(0), true);
      stream.localEnded = true;
    }
    this.scheduleFlush();
    stream.sent();
    if (stream.localEnded) this.closeIfDone(stream);
  }

  /** `headers` HPACK-encoded, as a view of the encoder's buffer (see HpackEncoder.encodeView). */
  private encodeHeaders(headers: OutgoingHeaders): Uint8Array {
    return this.encoder.encodeView(this.fields, toFields(headers, this.fields));
  }

  consumed(stream: S, n: number): void {
    this.giveBack(n);
    if (stream.remoteEnded || stream.closed) return;
    // Window goes back in batches: once half of it has been consumed.
    stream.unacked += n;
    if (stream.unacked >= this.initialWindowSize / 2) {
      this.writer.windowUpdate(stream.id, stream.unacked);
      stream.receiveWindow += stream.unacked;
      stream.unacked = 0;
      this.scheduleFlush();
    }
  }

  reset(stream: S, code: ErrorCode): void {
    this.streamError(stream.id, code);
    this.scheduleFlush();
  }

  /** Connection-level window given back for `n` bytes read. */
  protected giveBack(n: number): void {
    this.unacked += n;
    if (this.unacked >= this.connectionWindowSize / 2) {
      this.writer.windowUpdate(0, this.unacked);
      this.receiveWindow += this.unacked;
      this.unacked = 0;
      this.scheduleFlush();
    }
  }

  // ---- Stream and connection ends.

  protected closeIfDone(stream: S): void {
    if (stream.closed || !stream.localEnded) return;
    if (stream.remoteEnded) this.closeStream(stream, ErrorCode.NO_ERROR);
    else if (stream.resetAfterEnd) this.streamError(stream.id, ErrorCode.NO_ERROR);
  }

  protected closeStream(stream: S, code: ErrorCode): void {
    this.streams.delete(stream.id);
    this.recentlyClosed.add(stream.id);
    stream.close(code);
    if (this.streams.size === 0) this.startIdleTimer();
    if (this.closing && this.streams.size === 0) {
      this.flush();
      this.socket.end();
    }
  }

  protected rst(id: number, code: ErrorCode): void {
    this.writer.rstStream(id, code);
    this.recentlyReset.add(id);
  }

  protected streamError(id: number, code: ErrorCode): void {
    this.rst(id, code);
    const stream = this.streams.get(id);
    if (stream) this.closeStream(stream, code);
  }

  /** A connection error (RFC 9113 5.4.1): GOAWAY with the code, then close. */
  protected fail(error: unknown): void {
    if (this.destroyed) return;
    const code = error instanceof Http2Error ? error.code : ErrorCode.INTERNAL_ERROR;
    const message = error instanceof Error ? error.message : String(error);
    this.writer.goaway(this.lastStreamId, code, message);
    this.flush();
    this.destroyed = true;
    // Read nothing more: a peer that floods after its error (a CONTINUATION flood) would otherwise make us read and
    // discard everything it sends until the socket closes. Paused, the socket stops taking bytes from the kernel once
    // its buffer is full, and TCP flow control stops the peer. The GOAWAY goes out with our FIN; once it has been
    // handed to the kernel the socket is destroyed (a timer covers a peer that does not read it either).
    this.socket.pause();
    const socket = this.socket;
    const timer = setTimeout(() => socket.destroy(), 1000).unref();
    socket.end(() => {
      clearTimeout(timer);
      socket.destroy();
    });
    this.onSocketClose(code);
  }

  protected onSocketClose(code: ErrorCode = ErrorCode.CANCEL): void {
    this.destroyed = true;
    clearTimeout(this.settingsTimer);
    clearTimeout(this.idleTimer);
    clearInterval(this.keepaliveTimer);
    clearTimeout(this.keepaliveDeadline);
    this.pings.clear();
    const open = this.streams.values();
    this.streams.clear();
    this.blocked = [];
    for (const stream of open) stream.close(code === ErrorCode.NO_ERROR ? ErrorCode.CANCEL : code);
    const onClose = this.onClose;
    this.onClose = undefined;
    onClose?.();
  }

  // ---- Writing.

  /** Adds a stream to the waiting list; the closed streams in it are dropped once it outgrows the open ones. */
  private block(stream: S): void {
    stream.blocked = true;
    this.blocked.push(stream);
    if (this.blocked.length > 2 * this.streams.size + 16) this.blocked = this.blocked.filter((s) => !s.closed);
  }

  /** Window or socket room came back: the waiting streams send, in turn, while there is room. */
  protected sendBlocked(): void {
    const waiting = this.blocked;
    this.blocked = [];
    for (let i = 0; i < waiting.length; i++) {
      const stream = waiting[i]!;
      if (this.outputBacked || this.sendWindow <= 0) {
        // No room left: the streams not reached keep their turn, ahead of those that just sent and wait again.
        this.blocked = waiting.slice(i).concat(this.blocked);
        return;
      }
      stream.blocked = false;
      this.sendQueued(stream);
    }
  }

  protected scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  protected flush(): void {
    if (this.writer.empty || this.socket.destroyed) return;
    const chunks = this.writer.take();
    if (chunks.length === 1) this.socket.write(chunks[0]!);
    else {
      this.socket.cork();
      for (const chunk of chunks) this.socket.write(chunk);
      this.socket.uncork();
    }
    if (this.socket.writableLength > OUTPUT_HIGH_WATER && !this.outputBacked) {
      // The peer is not reading: send no more data and read no more of its frames until it does.
      this.outputBacked = true;
      this.socket.pause();
    }
  }

  protected onDrain(): void {
    if (!this.outputBacked || this.destroyed) return;
    this.outputBacked = false;
    this.socket.resume();
    this.sendBlocked();
  }
}
