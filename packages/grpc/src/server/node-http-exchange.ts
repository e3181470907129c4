import type { IncomingMessage, ServerResponse } from "node:http";
import { constants, type ServerHttp2Stream } from "node:http2";
import type { Socket } from "node:net";
import type { Readable, Writable } from "node:stream";
import { waitForDrain } from "../protocol/write-message.js";
import type { HeaderMap } from "./call-exchange.js";
import { closeAfterStatus } from "./http2-exchange.js";
import type { BodyChunk, HttpExchange } from "./http-exchange.js";

/** An HttpExchange over node's request and response streams (node:http2's one stream, or node:http's two). */
abstract class NodeStreamsExchange implements HttpExchange {
  constructor(
    private readonly body: Readable,
    private readonly out: Writable & { readonly headersSent: boolean },
    readonly socket: Socket | undefined,
  ) {}

  abstract respond(status: number, headers: HeaderMap, end: boolean): void;
  abstract discardRest(): void;
  abstract reset(): void;

  get closed(): boolean {
    return this.out.destroyed || this.out.writableEnded;
  }

  get headersSent(): boolean {
    return this.out.headersSent;
  }

  get needsDrain(): boolean {
    return this.out.writableNeedDrain;
  }

  drained(): Promise<void> {
    return waitForDrain(this.out);
  }

  read(onData: (chunk: Uint8Array) => void, onEnd: () => void, onClose: () => void): void {
    this.body.on("data", onData);
    this.body.on("end", onEnd);
    this.body.on("error", () => {});
    this.out.on("close", onClose);
  }

  pause(): void {
    this.body.pause();
  }

  resume(): void {
    this.body.resume();
  }

  write(chunk: BodyChunk): void {
    this.out.write(chunk);
  }

  end(chunk?: BodyChunk): void {
    if (chunk === undefined) this.out.end();
    else this.out.end(chunk);
  }
}

export class NodeHttp2Exchange extends NodeStreamsExchange {
  constructor(private readonly stream: ServerHttp2Stream) {
    super(stream, stream, stream.session?.socket as Socket | undefined);
  }

  respond(status: number, headers: HeaderMap, end: boolean): void {
    this.stream.respond({ ":status": status, ...headers }, { endStream: end });
  }

  discardRest(): void {
    closeAfterStatus(this.stream);
  }

  reset(): void {
    this.stream.close(constants.NGHTTP2_CANCEL);
  }
}

export class NodeHttp1Exchange extends NodeStreamsExchange {
  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    super(req, res, req.socket);
  }

  respond(status: number, headers: HeaderMap, end: boolean): void {
    this.res.writeHead(status, headers);
    if (end) this.res.end();
  }

  discardRest(): void {
    this.req.resume();
  }

  reset(): void {
    this.res.destroy();
  }
}
