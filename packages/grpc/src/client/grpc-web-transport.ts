import type { MessageInit } from "@tsgrpc/protobuf";
import { type MethodDefinition } from "@tsgrpc/protobuf";
import { base64Encode } from "@tsgrpc/protobuf/codegen-support";
import { GrpcError } from "../grpc-error.js";
import { Metadata } from "../metadata.js";
import { encodeEnvelope, EnvelopeReader } from "../protocol/envelope.js";
import { Base64StreamDecoder, grpcWebContentType, parseTrailersBlock, type GrpcWebFormat } from "../protocol/grpc-web.js";
import { statusFromHttp } from "../protocol/http-status.js";
import { statusFromFields } from "../protocol/status-fields.js";
import { encodeTimeout } from "../protocol/timeout.js";
import { Status } from "../status.js";
import { type CallOptions, toMetadata } from "./call-options.js";
import { FetchCall, FetchTransport, type ReadFlow } from "./fetch-call.js";
import type { ResponseSink } from "./response-sink.js";
import type { Requests } from "./transport.js";

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
export class GrpcWebTransport extends FetchTransport {
  private readonly baseUrl: string;
  private readonly format: GrpcWebFormat;
  private readonly maxReceiveMessageSize: number;
  private readonly fetch: typeof globalThis.fetch;

  constructor(private readonly options: GrpcWebTransportOptions) {
    super();
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.format = options.format ?? "binary";
    this.maxReceiveMessageSize = options.maxReceiveMessageSize ?? 4 * 1024 * 1024;
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  protected async run<I extends object, O extends object>(
    method: MethodDefinition<I, O>,
    requests: Requests<I>,
    options: CallOptions,
    sink: ResponseSink<O>,
    streaming: { flow: ReadFlow; abandoned: AbortSignal } | undefined,
  ): Promise<void> {
    const call = new FetchCall(options, streaming?.abandoned);
    try {
      if (method.kind === "client_streaming" || method.kind === "bidi_streaming") {
        throw new GrpcError(Status.UNIMPLEMENTED, `${method.path}: gRPC-Web carries one request per call; client- and bidirectional-streaming methods need gRPC over HTTP/2`);
      }
      call.begin();
      const request = single(requests);
      const headers: Record<string, string> = {
        "content-type": grpcWebContentType(this.format),
        accept: grpcWebContentType(this.format),
        "x-grpc-web": "1",
        "x-user-agent": USER_AGENT,
      };
      if (call.deadline !== undefined) headers["grpc-timeout"] = encodeTimeout(call.deadline - Date.now());
      if (options.metadata !== undefined) toMetadata(options.metadata).toHeaders(headers);
      const envelope = encodeEnvelope(method.input.encode(request as I));
      const body = this.format === "text" ? base64Encode(envelope) : envelope;
      const response = await call.fetch(this.fetch, `${this.baseUrl}${method.path}`, { method: "POST", headers, body, credentials: this.options.credentials, mode: "cors" }, this.baseUrl);
      const status = await this.receive(method, response, sink, streaming?.flow, options);
      call.end(sink, status ?? undefined);
    } catch (e) {
      call.end(sink, e);
    }
  }

  /** Reads the response: its headers, each message into the sink, and the status (null: OK). */
  private async receive<O extends object>(
    method: MethodDefinition<any, O>,
    response: Response,
    sink: ResponseSink<O>,
    flow: ReadFlow | undefined,
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
