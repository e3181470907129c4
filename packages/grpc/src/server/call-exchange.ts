import type { Socket } from "node:net";
import type { ByteSink } from "../protocol/message-batcher.js";
import type { Status } from "../status.js";

/** Response headers or trailers: lower-case names, string values (binary metadata already in base64). */
export type HeaderMap = Record<string, string | string[]>;

/**
 * What a call needs of the HTTP exchange it runs on, whatever carries it: gRPC on an HTTP/2 stream, or gRPC-Web on an
 * HTTP/2 stream or an HTTP/1.1 request. The exchange owns the framing of the status (HTTP/2 trailers, or the gRPC-Web
 * trailers frame) and of the body (bytes or base64 text); the call owns everything gRPC.
 */
export interface CallExchange extends ByteSink {
  /** The connection, for the peer's address and TLS certificate. */
  readonly socket: Socket | undefined;
  /**
   * Reads the request body: its chunks (already unwrapped from any text encoding), its end, and the close of the
   * exchange (after the response, or early when the client goes away); `onError` for a body the exchange cannot
   * unwrap.
   */
  readRequest(onData: (chunk: Uint8Array) => void, onEnd: () => void, onClose: () => void, onError: (e: unknown) => void): void;
  pauseRequest(): void;
  resumeRequest(): void;
  /** Starts the response (HTTP 200) with these headers; the exchange adds content-type. */
  sendHeaders(headers: HeaderMap): void;
  /** Ends the response with the status trailers, after `last` (a message envelope) when given. */
  end(trailers: HeaderMap, last?: Uint8Array): void;
  /** A response that is only a status: no body, the trailers' fields in the headers. */
  endTrailersOnly(headers: HeaderMap): void;
  /** The status went out while the request is still arriving: read and drop the rest, then close. */
  discardRest(): void;
  /**
   * An exchange that makes the request message itself (REST, transcoding it from JSON, a query and a path) may hand it
   * over as an object, instead of in an envelope the runner would decode again; bytes then never come through
   * `readRequest`. Its size limit is the exchange's to apply.
   */
  readMessages?(onMessage: (message: object) => void, onEnd: () => void, onClose: () => void, onError: (e: unknown) => void): void;
  /**
   * An exchange that turns the response into something other than protobuf bytes may take a unary call's response as
   * the handler's object (before `end`, which then comes without `last`), instead of an envelope it would decode again.
   * It throws for a message it cannot convert, which fails the call.
   */
  takeResponse?(message: object): void;
  /**
   * The status of a request message that does not parse: INTERNAL when unset, as gRPC answers (grpc-go, grpc-java);
   * Connect's exchanges say INVALID_ARGUMENT, as connect-go does.
   */
  readonly unparsableRequest?: Status;
  /** Runs the handler's code, when a call tracer wants it run in a context of its own (see TracedExchange). */
  readonly runHandler?: <T>(fn: () => T) => T;
}
