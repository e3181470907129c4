import type { MessageInit } from "@tsgrpc/protobuf";
import { type MethodDefinition } from "@tsgrpc/protobuf";
import { base64Encode } from "@tsgrpc/protobuf/codegen-support";
import { AsyncQueue } from "../async-queue.js";
import { GrpcError } from "../grpc-error.js";
import { Metadata } from "../metadata.js";
import { encodeEnvelope, EnvelopeReader } from "../protocol/envelope.js";
import { Base64StreamDecoder, grpcWebContentType, parseTrailersBlock, type GrpcWebFormat } from "../protocol/grpc-web.js";
import { statusFromHttp } from "../protocol/http-status.js";
import { statusFromFields } from "../protocol/status-fields.js";
import { DeadlineTimer } from "../protocol/deadline-timer.js";
import { encodeTimeout } from "../protocol/timeout.js";
import { Status } from "../status.js";
import { type CallOptions, ownDeadline, toMetadata } from "./call-options.js";
import { type ResponseSink, SingleResponse } from "./response-sink.js";
import type { Requests, Transport } from "./transport.js";

export interface GrpcWebTransportOptions {
  /** The server's URL: `https://api.example.com`, or a path prefix (`/api`) on the page's own origin. */
  baseUrl: string;
  /** "binary" (`application/grpc-web+proto`, the default) or "text" (base64, for proxies that mangle bytes). */
  format?: GrpcWebFormat;
  /** Send cookies and HTTP credentials cross-origin ("include"), as fetch's `credentials`. */
  credentials?: "omit" | "same-origin" | "include";
  /** Largest response message accepted, in bytes (default 4 MiB). */
  maxReceiveMessageSize?: number;
  /** The fetch to use (default: the global one). */
  fetch?: typeof globalThis.fetch;
}

const USER_AGENT = "grpc-web-javascript/tsgrpc-0.1.0";

/**
 * gRPC-Web over `fetch` and `ReadableStream` (grpc/grpc doc/PROTOCOL-WEB.md), for browsers and any runtime with fetch:
 * unary and server-streaming calls. A browser cannot stream a request body, so a call carries exactly one request;
 * client and bidirectional streaming are refused with UNIMPLEMENTED before anything is sent.
 */
export class GrpcWebTransport implements Transport {
  private readonly baseUrl: string;
  private readonly format: GrpcWebFormat;
  private readonly maxReceiveMessageSize: number;
  private readonly fetch: typeof globalThis.fetch;

  constructor(private readonly options: GrpcWebTransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.format = options.format ?? "binary";
    this.maxReceiveMessageSize = options.maxReceiveMessageSize ?? 4 * 1024 * 1024;
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  unary<I extends object, O extends object>(method: MethodDefinition<I, O>, request: MessageInit<I>, options: CallOptions): Promise<O> {
    const sink = new SingleResponse<O>();
    void this.run(method, [request], options, sink, undefined);
    return sink.promise;
  }

  stream<I extends object, O extends object>(method: MethodDefinition<I, O>, requests: Requests<I>, options: CallOptions): AsyncIterable<O> {
    // Backpressure: while the reader is behind, the body is not read (and the browser stops reading the socket).
    let resume: (() => void) | undefined;
    const flow = { paused: undefined as Promise<void> | undefined };
    const abandon = new AbortController();
    const queue = new AsyncQueue<O>(
      16,
      () => (flow.paused = new Promise<void>((r) => (resume = r))),
      () => {
        flow.paused = undefined;
        resume?.();
      },
      () => abandon.abort(),
    );
    void this.run(method, requests, options, queue, { flow, abandoned: abandon.signal });
    return queue;
  }

  private async run<I extends object, O extends object>(
    method: MethodDefinition<I, O>,
    requests: Requests<I>,
    options: CallOptions,
    sink: ResponseSink<O>,
    streaming: { flow: { paused: Promise<void> | undefined }; abandoned: AbortSignal } | undefined,
  ): Promise<void> {
    // Aborted by the caller's signal, the deadline or an abandoned stream; the first reason is the call's status.
    const controller = new AbortController();
    const stop = (error: GrpcError) => controller.signal.aborted || controller.abort(error);
    const stoppedWith = () => (controller.signal.aborted ? (controller.signal.reason as GrpcError) : undefined);
    const cleanup: (() => void)[] = [];
    const listen = (signal: AbortSignal | undefined, error: () => GrpcError) => {
      if (!signal) return;
      if (signal.aborted) return stop(error());
      const onAbort = () => stop(error());
      signal.addEventListener("abort", onAbort, { once: true });
      cleanup.push(() => signal.removeEventListener("abort", onAbort));
    };
    listen(options.signal, () => new GrpcError(Status.CANCELLED, "Cancelled by the caller"));
    listen(streaming?.abandoned, () => new GrpcError(Status.CANCELLED, "The response stream was abandoned"));
    const deadline = ownDeadline(options);
    try {
      if (method.kind === "client_streaming" || method.kind === "bidi_streaming") {
        throw new GrpcError(Status.UNIMPLEMENTED, `${method.path}: gRPC-Web carries one request per call; client- and bidirectional-streaming methods need gRPC over HTTP/2`);
      }
      const stopped = stoppedWith();
      if (stopped) throw stopped;
      if (deadline !== undefined) {
        const left = deadline - Date.now();
        if (left <= 0) throw new GrpcError(Status.DEADLINE_EXCEEDED, "Deadline exceeded before the call started");
        const timer = new DeadlineTimer(deadline, () => stop(new GrpcError(Status.DEADLINE_EXCEEDED, "Deadline exceeded")));
        cleanup.push(() => timer.clear());
      }
      const request = single(requests);
      const headers: Record<string, string> = {
        "content-type": grpcWebContentType(this.format),
        accept: grpcWebContentType(this.format),
        "x-grpc-web": "1",
        "x-user-agent": USER_AGENT,
      };
      if (deadline !== undefined) headers["grpc-timeout"] = encodeTimeout(deadline - Date.now());
      if (options.metadata !== undefined) toMetadata(options.metadata).toHeaders(headers);
      const envelope = encodeEnvelope(method.input.encode(request as I));
      let response: Response;
      try {
        response = await this.fetch(`${this.baseUrl}${method.path}`, {
          method: "POST",
          headers,
          body: this.format === "text" ? base64Encode(envelope) : envelope,
          signal: controller.signal,
          credentials: this.options.credentials,
          mode: "cors",
        });
      } catch (e) {
        throw stoppedWith() ?? new GrpcError(Status.UNAVAILABLE, `${this.baseUrl} could not be reached: ${(e as Error).message}`);
      }
      const status = await this.receive(method, response, sink, streaming?.flow, options);
      sink.end(status ?? undefined);
    } catch (e) {
      sink.end(stoppedWith() ?? GrpcError.from(e, false));
    } finally {
      for (const f of cleanup) f();
    }
  }

  /** Reads the response: its headers, each message into the sink, and the status (null: OK). */
  private async receive<O extends object>(
    method: MethodDefinition<any, O>,
    response: Response,
    sink: ResponseSink<O>,
    flow: { paused: Promise<void> | undefined } | undefined,
    options: CallOptions,
  ): Promise<GrpcError | null> {
    const headers = Object.fromEntries(response.headers);
    if (headers["grpc-status"] !== undefined) return statusFromFields(headers, options.onTrailer); // trailers-only
    if (response.status !== 200) throw new GrpcError(statusFromHttp(response.status), `Received HTTP status ${response.status}`);
    const contentType = headers["content-type"] ?? "";
    if (!contentType.startsWith("application/grpc-web")) throw new GrpcError(Status.UNKNOWN, `Received content-type "${contentType}", not gRPC-Web`);
    options.onHeader?.(Metadata.fromHeaders(headers));
    const text = contentType.startsWith("application/grpc-web-text") ? new Base64StreamDecoder() : undefined;
    const reader = new EnvelopeReader(this.maxReceiveMessageSize);
    const body = response.body?.getReader();
    if (!body) throw new GrpcError(Status.INTERNAL, "The response has no body and no status");
    for (;;) {
      if (flow?.paused) await flow.paused;
      const { done, value } = await body.read();
      if (done) break;
      for (const envelope of reader.push(text ? text.push(value) : value)) {
        if (envelope.trailers) {
          void body.cancel().catch(() => {});
          return statusFromFields(parseTrailersBlock(envelope.data), options.onTrailer);
        }
        if (envelope.compressed) throw new GrpcError(Status.INTERNAL, "The server sent a compressed message, but no encoding was negotiated");
        let message: O;
        try {
          message = method.output.decode(envelope.data);
        } catch (e) {
          throw new GrpcError(Status.INTERNAL, `Failed to parse the response: ${(e as Error).message}`);
        }
        sink.push(message);
      }
    }
    throw new GrpcError(Status.INTERNAL, reader.pending > 0 || (text?.pending ?? 0) > 0 ? "The response ended in the middle of a message" : "The response ended without a status");
  }
}

/** The request of a call that must have exactly one. */
function single<T>(requests: Requests<T>): MessageInit<T> {
  if (!Array.isArray(requests) || requests.length !== 1) {
    throw new GrpcError(Status.UNIMPLEMENTED, "gRPC-Web carries exactly one request per call");
  }
  return requests[0] as MessageInit<T>;
}
