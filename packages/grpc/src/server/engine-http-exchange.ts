import type { Socket } from "node:net";
import type { ServerStream } from "@tsgrpc/http2";
import type { HeaderMap } from "./call-exchange.js";
import { bytesOf, type BodyChunk, type HttpExchange } from "./http-exchange.js";

/** An HttpExchange straight over a stream of tsgrpc's HTTP/2 engine: nothing in between (a class: no closures per request). */
export class EngineHttpExchange implements HttpExchange {
  constructor(private readonly stream: ServerStream) {}

  get socket(): Socket {
    return this.stream.socket;
  }

  get closed(): boolean {
    return this.stream.closed || this.stream.writableEnded;
  }

  get headersSent(): boolean {
    return this.stream.headersSent;
  }

  get needsDrain(): boolean {
    return this.stream.needsDrain;
  }

  drained(): Promise<void> {
    return new Promise((resolve) => this.stream.drained(resolve));
  }

  read(onData: (chunk: Uint8Array) => void, onEnd: () => void, onClose: () => void): void {
    this.stream.read(onData, onEnd, onClose);
  }

  pause(): void {
    this.stream.pause();
  }

  resume(): void {
    this.stream.resume();
  }

  respond(status: number, headers: HeaderMap, end: boolean): void {
    this.stream.respond({ ":status": status, ...headers }, end);
  }

  write(chunk: BodyChunk): void {
    this.stream.write(bytesOf(chunk));
  }

  end(chunk?: BodyChunk): void {
    this.stream.end(chunk === undefined ? undefined : bytesOf(chunk));
  }

  discardRest(): void {
    this.stream.discardRest();
  }

  reset(): void {
    this.stream.reset();
  }
}
