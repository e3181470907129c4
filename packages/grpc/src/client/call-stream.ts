import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http2";
import type { CallCounts } from "../stats/call-counts.js";

/** What a call hears from its HTTP/2 stream. */
export interface CallStreamEvents {
  onResponse(headers: IncomingHttpHeaders): void;
  onData(chunk: Uint8Array): void;
  onTrailers(trailers: IncomingHttpHeaders): void;
  /**
   * The stream is over: `rstCode` is the RST_STREAM code when it was reset (0 or undefined when it ended normally);
   * `connectionLost` when the connection failed under it, with `connectionError` when the connection knows why.
   */
  onClose(rstCode: number | undefined, connectionLost: boolean, connectionError?: Error): void;
}

/**
 * A client call's HTTP/2 stream, whichever HTTP/2 implementation carries it (node:http2, or tsgrpc's own engine): the
 * client's counterpart of the server's CallExchange.
 */
export interface CallStream {
  /** Request bytes; false when the caller should wait for `drained()`. */
  write(bytes: Uint8Array): boolean;
  /** Settles when the request buffer drains, or the stream closes. */
  drained(): Promise<void>;
  /** No more request bytes (END_STREAM). */
  end(): void;
  readonly writableEnded: boolean;
  readonly destroyed: boolean;
  /** Resets the stream with this HTTP/2 error code. */
  close(code: number): void;
  pause(): void;
  resume(): void;
}

/** One connection of a channel, whichever HTTP/2 implementation it is. */
export interface CallConnection {
  /** Whether new calls may start on it (connected, not closing). */
  readonly usable: boolean;
  /** The counts of the subchannel it belongs to, which the attempts on it add to (set by the subchannel). */
  subchannelCalls: CallCounts | undefined;
  /** Opens a stream for a call; throws when the connection cannot take one. */
  open(headers: OutgoingHttpHeaders, events: CallStreamEvents): CallStream;
  /** One more call in flight / one fewer: the connection keeps the process alive while any is, and lets it exit
   * when idle (as it is when it opens). */
  callStarted(): void;
  callEnded(): void;
  /** Calls in flight finish; no new ones. */
  close(): void;
  /** Called once, when the connection stops taking calls (GOAWAY) or closes. */
  onGone(callback: () => void): void;
}
