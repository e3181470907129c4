import { Http2Stream, type OutgoingHeaders, type StreamHost } from "./stream.js";
import type { HeaderObject } from "./request-headers.js";

/**
 * A request as the server's application sees it: its headers, its body (see Http2Stream's `read`), and the response,
 * started with `respond` and sent with `write` and `end(data, trailers)`.
 */
export class ServerStream extends Http2Stream {
  /** When the request's HEADERS arrived (performance.now()): how long it lived tells a rapid reset from a client giving up. */
  readonly openedAt = performance.now();

  constructor(
    id: number,
    /** The request's headers, pseudo-headers included. */
    readonly headers: HeaderObject,
    host: StreamHost,
    initialSendWindow: number,
    initialReceiveWindow: number,
  ) {
    super(id, host, initialSendWindow, initialReceiveWindow);
    const length = headers["content-length"];
    if (typeof length === "string") this.declaredLength = Number(length);
  }

  /** Starts the response (and ends it when `endStream`: a response of headers only). */
  respond(headers: OutgoingHeaders, endStream = false): void {
    this.sendHeadersOnce(headers, endStream);
  }

  override ensureHeaders(): void {
    this.respond({ ":status": 200 });
  }
}
