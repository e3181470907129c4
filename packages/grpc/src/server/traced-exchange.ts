import type { Socket } from "node:net";
import { EnvelopeSizes } from "../protocol/envelope-sizes.js";
import { decodeStatusMessage } from "../protocol/status-message.js";
import { Status } from "../status.js";
import type { CallExchange, HeaderMap } from "./call-exchange.js";
import type { ServerCallTracer } from "./call-tracer.js";

/**
 * A call's exchange that tells a ServerCallTracer what goes through it: the size of each request and response
 * message, and the status (read from the trailers), or CANCELLED when the exchange closes before one was sent. The
 * call runner does not know it is there, except to run the handler through `runHandler`.
 */
export class TracedExchange implements CallExchange {
  private ended = false;
  private readonly sent: EnvelopeSizes;
  /** The tracer's, when it has one: the call runner runs the handler through it. */
  readonly runHandler: (<T>(fn: () => T) => T) | undefined;

  constructor(
    private readonly inner: CallExchange,
    private readonly tracer: ServerCallTracer,
  ) {
    this.sent = new EnvelopeSizes((n) => tracer.messageSent(n));
    this.runHandler = tracer.runHandler?.bind(tracer);
  }

  get socket(): Socket | undefined {
    return this.inner.socket;
  }

  get closed(): boolean {
    return this.inner.closed;
  }

  get unparsableRequest(): Status | undefined {
    return this.inner.unparsableRequest;
  }

  get needsDrain(): boolean {
    return this.inner.needsDrain;
  }

  drained(): Promise<void> {
    return this.inner.drained();
  }

  readRequest(onData: (chunk: Uint8Array) => void, onEnd: () => void, onClose: () => void, onError: (e: unknown) => void): void {
    const received = new EnvelopeSizes((n) => this.tracer.messageReceived(n));
    this.inner.readRequest(
      (chunk) => {
        received.push(chunk);
        onData(chunk);
      },
      onEnd,
      () => {
        this.finish(Status.CANCELLED, "The client cancelled the call");
        onClose();
      },
      onError,
    );
  }

  pauseRequest(): void {
    this.inner.pauseRequest();
  }

  resumeRequest(): void {
    this.inner.resumeRequest();
  }

  sendHeaders(headers: HeaderMap): void {
    this.inner.sendHeaders(headers);
  }

  write(bytes: Uint8Array): void {
    this.sent.push(bytes);
    this.inner.write(bytes);
  }

  end(trailers: HeaderMap, last?: Uint8Array): void {
    if (last) this.sent.push(last);
    this.endWith(trailers);
    this.inner.end(trailers, last);
  }

  endTrailersOnly(headers: HeaderMap): void {
    this.endWith(headers);
    this.inner.endTrailersOnly(headers);
  }

  discardRest(): void {
    this.inner.discardRest();
  }

  /** The status in the trailers (or trailers-only headers) the call runner hands over. */
  private endWith(trailers: HeaderMap): void {
    const message = trailers["grpc-message"];
    this.finish(Number(trailers["grpc-status"] ?? Status.UNKNOWN) as Status, typeof message === "string" ? decodeStatusMessage(message) : "");
  }

  private finish(status: Status, message: string): void {
    if (this.ended) return;
    this.ended = true;
    this.tracer.ended(status, message);
  }
}
