import type { Socket } from "node:net";
import type { ServerStream } from "@tsgrpc/http2";
import type { CallExchange, HeaderMap } from "./call-exchange.js";

/** A gRPC call on a stream of tsgrpc's own HTTP/2 engine: the status goes in HTTP/2 trailers. */
export class EngineExchange implements CallExchange {
  constructor(private readonly stream: ServerStream) {}

  get socket(): Socket | undefined {
    return this.stream.socket;
  }

  get closed(): boolean {
    return this.stream.closed || this.stream.localEnded;
  }

  get needsDrain(): boolean {
    return this.stream.needsDrain;
  }

  drained(): Promise<void> {
    return new Promise((resolve) => this.stream.drained(resolve));
  }

  readRequest(onData: (chunk: Uint8Array) => void, onEnd: () => void, onClose: () => void): void {
    this.stream.read(onData, onEnd, onClose);
  }

  pauseRequest(): void {
    this.stream.pause();
  }

  resumeRequest(): void {
    this.stream.resume();
  }

  sendHeaders(headers: HeaderMap): void {
    this.stream.respond({ ":status": 200, "content-type": "application/grpc", ...headers });
  }

  write(bytes: Uint8Array): void {
    this.stream.write(bytes);
  }

  end(trailers: HeaderMap, last?: Uint8Array): void {
    this.stream.end(last, trailers);
  }

  endTrailersOnly(headers: HeaderMap): void {
    this.stream.respond({ ":status": 200, "content-type": "application/grpc", ...headers }, true);
  }

  discardRest(): void {
    this.stream.discardRest();
  }
}
