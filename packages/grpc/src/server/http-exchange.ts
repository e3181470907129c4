import type { Socket } from "node:net";
import type { HeaderMap } from "./call-exchange.js";

/** A body chunk as an exchange takes it: REST's JSON goes out as text, everything else as bytes. */
export type BodyChunk = Uint8Array | string;

/**
 * An HTTP request and its response, the same shape over every listener (tsgrpc's HTTP/1.1 and HTTP/2 engines,
 * node:http2, node:http): what the router's refusals, the gRPC-Web, Connect and REST exchanges and the httpHandler's
 * compatibility layer need. It is shaped like the engine's own streams, so that on tsgrpc's engines nothing wraps
 * them in node's stream machinery.
 */
export interface HttpExchange {
  readonly socket: Socket | undefined;
  /** The response has ended, or the exchange was torn down (the client went away). */
  readonly closed: boolean;
  readonly headersSent: boolean;
  /** The writer should wait for `drained` before writing more. */
  readonly needsDrain: boolean;
  /** Settles once the response's buffered bytes are below the high-water mark, or the exchange closed. */
  drained(): Promise<void>;
  /**
   * Reads the request body: its chunks, its end, and the close of the exchange (the response done, or the client
   * gone), which comes last and once. Call at most once.
   */
  read(onData: (chunk: Uint8Array) => void, onEnd: () => void, onClose: () => void): void;
  pause(): void;
  resume(): void;
  /** Sends the response status and headers; `end`: and no body. */
  respond(status: number, headers: HeaderMap, end: boolean): void;
  write(chunk: BodyChunk): void;
  /** Ends the response, after `chunk` when given. */
  end(chunk?: BodyChunk): void;
  /** The status is out but the request is still arriving: drop the rest. */
  discardRest(): void;
  /** Abandons a response half-way, so that the client cannot take it for whole (a reset stream, or a closed connection). */
  reset(): void;
}

export function bytesOf(chunk: BodyChunk): Uint8Array {
  return typeof chunk === "string" ? Buffer.from(chunk) : chunk;
}
