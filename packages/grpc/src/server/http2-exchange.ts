import { constants, type ServerHttp2Stream } from "node:http2";
import type { Socket } from "node:net";
import { waitForDrain } from "../protocol/write-message.js";
import type { CallExchange, HeaderMap } from "./call-exchange.js";

/**
 * After the status went out while the client is still sending: keep reading (and dropping) so that the client is not
 * stuck on flow control, and reset the stream a little later (RST_STREAM NO_ERROR, as the spec asks). Not at once:
 * a reset submitted right after the trailers makes nghttp2 drop the trailers themselves.
 */
export function closeAfterStatus(stream: ServerHttp2Stream): void {
  stream.resume();
  setTimeout(() => !stream.destroyed && stream.close(constants.NGHTTP2_NO_ERROR), 1000).unref();
}

/** A gRPC call on an HTTP/2 stream: the status goes in HTTP/2 trailers. */
export class Http2Exchange implements CallExchange {
  private trailers: HeaderMap | undefined;

  constructor(private readonly stream: ServerHttp2Stream) {}

  get socket(): Socket | undefined {
    return this.stream.session?.socket as Socket | undefined;
  }

  get closed(): boolean {
    return this.stream.destroyed || this.stream.closed;
  }

  get needsDrain(): boolean {
    return this.stream.writableNeedDrain;
  }

  drained(): Promise<void> {
    return waitForDrain(this.stream);
  }

  readRequest(onData: (chunk: Uint8Array) => void, onEnd: () => void, onClose: () => void): void {
    this.stream.on("data", onData);
    this.stream.on("end", onEnd);
    // Stream errors are reported through "close" (the server's own "error" listener keeps them from throwing).
    this.stream.on("close", onClose);
  }

  pauseRequest(): void {
    this.stream.pause();
  }

  resumeRequest(): void {
    this.stream.resume();
  }

  sendHeaders(headers: HeaderMap): void {
    this.stream.respond({ ":status": 200, "content-type": "application/grpc", ...headers }, { waitForTrailers: true });
    // The trailers follow the last DATA frame, when the stream asks for them.
    this.stream.once("wantTrailers", () => {
      if (!this.stream.destroyed && this.trailers) this.stream.sendTrailers(this.trailers);
    });
  }

  write(bytes: Uint8Array): void {
    this.stream.write(bytes);
  }

  end(trailers: HeaderMap, last?: Uint8Array): void {
    this.trailers = trailers;
    if (last) this.stream.end(last);
    else this.stream.end();
  }

  endTrailersOnly(headers: HeaderMap): void {
    this.stream.respond({ ":status": 200, "content-type": "application/grpc", ...headers }, { endStream: true });
  }

  discardRest(): void {
    closeAfterStatus(this.stream);
  }
}
