import { Duplex } from "node:stream";
import type { ServerStream } from "@tsgrpc/http2";

/**
 * A stream of the HTTP/2 engine as a node Duplex (request body in, response body out), for the paths that want node's
 * stream API: gRPC-Web and the `httpHandler`. gRPC itself uses the stream directly.
 */
export class EngineDuplex extends Duplex {
  constructor(readonly stream: ServerStream) {
    super({ allowHalfOpen: true });
    stream.read(
      (chunk) => {
        if (!this.push(Buffer.from(chunk))) stream.pause();
      },
      () => this.push(null),
      () => {
        if (!this.writableFinished || !this.readableEnded) this.destroy();
      },
    );
    stream.pause();
  }

  override _read(): void {
    this.stream.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.stream.write(chunk)) callback();
    else this.stream.drained(() => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.stream.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // A response that has ended may still wait for the peer's window: only an unfinished one is abandoned.
    if (!this.stream.closed && !this.stream.writableEnded) this.stream.reset();
    callback(error);
  }
}
