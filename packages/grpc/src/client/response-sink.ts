import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";

/** Where a call's responses go: each message, then the end (an error for any status but OK). */
export interface ResponseSink<O> {
  push(message: O): void;
  end(error?: unknown): void;
}

/**
 * The sink of a unary call: one response message, delivered as a promise. Zero or several messages with an OK status
 * break the unary contract (UNIMPLEMENTED, as grpc-js and the other implementations report it).
 */
export class SingleResponse<O> implements ResponseSink<O> {
  readonly promise: Promise<O>;
  private resolve!: (message: O) => void;
  private reject!: (error: unknown) => void;
  private message: O | undefined;
  private count = 0;

  constructor() {
    this.promise = new Promise<O>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  push(message: O): void {
    if (this.count++ === 0) this.message = message;
  }

  end(error?: unknown): void {
    if (error !== undefined) this.reject(error);
    else if (this.count === 1) this.resolve(this.message!);
    else this.reject(new GrpcError(Status.UNIMPLEMENTED, `Expected one response message, got ${this.count === 0 ? "none" : "more"}`));
  }
}
