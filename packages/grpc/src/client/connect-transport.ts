import type { MessageInit, MethodDefinition } from "@tsgrpc/protobuf";
import { base64Encode } from "@tsgrpc/protobuf/codegen-support";
import { GrpcError } from "../grpc-error.js";
import { Metadata } from "../metadata.js";
import { concatBytes } from "../protocol/concat-bytes.js";
import { errorFromConnect, parseJson } from "../protocol/connect-error.js";
import { encodeEnvelope, EnvelopeReader } from "../protocol/envelope.js";
import { methodHasNoSideEffects } from "../protocol/no-side-effects.js";
import { Status } from "../status.js";
import { type CallOptions, toMetadata } from "./call-options.js";
import { FetchCall, FetchTransport, type ReadFlow } from "./fetch-call.js";
import { FetchCompression, type FetchCompressionOptions } from "./fetch-compression.js";
import type { ResponseSink } from "./response-sink.js";
import type { Requests } from "./transport.js";

/**
 * Compression (`sendCompression`, `compressMinBytes`, `acceptCompression`) is Connect's: a unary request's body whole
 * (content-encoding; a GET's message in its query, compression=), a stream's messages one by one
 * (connect-content-encoding). A unary response's content-encoding is HTTP's, undone by fetch itself (a browser
 * advertises its own accept-encoding); a stream's messages are decompressed here.
 */
export interface ConnectTransportOptions extends FetchCompressionOptions {
  /** The server's URL: `https://api.example.com`, or a path prefix (`/api`) on the page's own origin. */
  baseUrl: string;
  /** Binary protobuf bodies (`application/proto`) instead of JSON (`application/json`, the default, as connect-es's). */
  useBinaryFormat?: boolean;
  /** Call unary methods marked `idempotency_level = NO_SIDE_EFFECTS` with GET (cacheable), the message in the query. */
  useHttpGet?: boolean;
  /** Send cookies and HTTP credentials cross-origin ("include"), as fetch's `credentials`. */
  credentials?: "omit" | "same-origin" | "include";
  /** Largest response message accepted, in bytes (default 4 MiB). */
  maxReceiveMessageSize?: number;
  /** The fetch to use (default: the global one). */
  fetch?: typeof globalThis.fetch;
}

/** Response headers that are Connect's or HTTP's own, not metadata. */
const PROTOCOL_HEADERS = /^(content-|connect-|accept-encoding$|access-control-|vary$|date$|connection$|keep-alive$|transfer-encoding$)/;

function metadataOf(headers: Headers, trailers: boolean): Metadata {
  const fields: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (trailers !== name.startsWith("trailer-")) return;
    const key = trailers ? name.slice("trailer-".length) : name;
    if (!PROTOCOL_HEADERS.test(key)) fields[key] = value;
  });
  return Metadata.fromHeaders(fields);
}

const COMPRESSED_FLAG = 0x01;
const END_STREAM_FLAG = 0x02;

/**
 * The Connect protocol (connectrpc.com/docs/protocol) over `fetch`, for browsers and Node alike: unary calls as one POST
 * (or a GET, with `useHttpGet`, for NO_SIDE_EFFECTS methods) and streaming calls as envelopes ending in the
 * end-of-stream JSON. fetch sends a request body whole, so client- and bidirectional-streaming calls are half-duplex:
 * every request is sent, then the responses are read. Messages are compressed as the options ask (see
 * ConnectTransportOptions).
 */
export class ConnectTransport extends FetchTransport {
  private readonly baseUrl: string;
  private readonly codec: "proto" | "json";
  private readonly maxReceiveMessageSize: number;
  private readonly fetch: typeof globalThis.fetch;
  private readonly compression: FetchCompression;

  constructor(private readonly options: ConnectTransportOptions) {
    super();
    this.compression = new FetchCompression(options);
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.codec = options.useBinaryFormat ? "proto" : "json";
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
      call.begin();
      const messages: Uint8Array[] = [];
      for await (const request of requests as AsyncIterable<MessageInit<I>>) messages.push(this.encode(method, request));
      const headers: Record<string, string> = {};
      if (options.metadata !== undefined) toMetadata(options.metadata).toHeaders(headers);
      const send = (query: string, init: RequestInit) => {
        // The time left when the request goes (after any compression).
        if (call.deadline !== undefined) headers["connect-timeout-ms"] = String(Math.max(1, Math.ceil(call.deadline - Date.now())));
        return call.fetch(this.fetch, `${this.baseUrl}${method.path}${query}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) }, credentials: this.options.credentials, mode: "cors" }, this.baseUrl);
      };
      if (method.kind === "unary") {
        if (messages.length !== 1) throw new GrpcError(Status.INTERNAL, `A unary call needs one request message, got ${messages.length}`);
        const [query, init] = await this.unaryRequest(method, messages[0]!);
        sink.push(await this.receiveUnary(method, await send(query, init), options));
      } else {
        await this.receiveStream(method, await send("", await this.streamRequest(messages)), sink, streaming?.flow, options);
      }
      call.end(sink);
    } catch (e) {
      call.end(sink, e);
    }
  }

  /** A unary call's request: a POST of the message (compressed whole), or a GET with it in the query. */
  private async unaryRequest(method: MethodDefinition<any, any>, message: Uint8Array): Promise<[query: string, init: RequestInit]> {
    const { data, compressed } = await this.compression.message(message);
    const encoding = compressed ? this.compression.send : undefined;
    if (this.options.useHttpGet && methodHasNoSideEffects(method)) return [`?${this.getQuery(data, encoding)}`, { method: "GET" }];
    const headers: Record<string, string> = { "content-type": `application/${this.codec}`, "connect-protocol-version": "1" };
    if (encoding) headers["content-encoding"] = encoding;
    if (this.compression.accept) headers["accept-encoding"] = this.compression.accept;
    return ["", { method: "POST", headers, body: data }];
  }

  /** A streaming call's request: every message in its envelope, each compressed on its own. */
  private async streamRequest(messages: Uint8Array[]): Promise<RequestInit> {
    const envelopes = await Promise.all(messages.map(async (message) => {
      const { data, compressed } = await this.compression.message(message);
      return encodeEnvelope(data, compressed);
    }));
    const headers: Record<string, string> = { "content-type": `application/connect+${this.codec}`, "connect-protocol-version": "1" };
    if (this.compression.send) headers["connect-content-encoding"] = this.compression.send;
    if (this.compression.accept) headers["connect-accept-encoding"] = this.compression.accept;
    return { method: "POST", headers, body: concatBytes(envelopes) };
  }

  private encode<I extends object>(method: MethodDefinition<I, any>, request: MessageInit<I>): Uint8Array {
    return this.codec === "proto" ? method.input.encode(request) : new TextEncoder().encode(method.input.toJsonString(request));
  }

  private decode<O extends object>(method: MethodDefinition<any, O>, data: Uint8Array): O {
    try {
      return this.codec === "proto" ? method.output.decode(data) : method.output.fromJsonString(new TextDecoder().decode(data), { ignoreUnknownFields: true });
    } catch (e) {
      throw new GrpcError(Status.INTERNAL, `Failed to parse the response: ${(e as Error).message}`);
    }
  }

  /** The query of a Connect GET: binary or compressed messages in unpadded base64url, JSON ones percent-encoded. */
  private getQuery(message: Uint8Array, compression: string | undefined): string {
    const query = `connect=v1&encoding=${this.codec}${compression ? `&compression=${compression}` : ""}`;
    if (this.codec === "json" && !compression) return `${query}&message=${encodeURIComponent(new TextDecoder().decode(message))}`;
    const base64url = base64Encode(message).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    return `${query}&base64=1&message=${base64url}`;
  }

  private async body(response: Response): Promise<Uint8Array> {
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length > this.maxReceiveMessageSize) throw new GrpcError(Status.RESOURCE_EXHAUSTED, `Received message larger than max (${bytes.length} vs. ${this.maxReceiveMessageSize})`);
    return bytes;
  }

  private async receiveUnary<O extends object>(method: MethodDefinition<any, O>, response: Response, options: CallOptions): Promise<O> {
    const body = await this.body(response);
    if (response.status !== 200) throw errorFromConnect(parseJson(body), response.status, metadataOf(response.headers, false));
    options.onHeader?.(metadataOf(response.headers, false));
    options.onTrailer?.(metadataOf(response.headers, true));
    return this.decode(method, body);
  }

  private async receiveStream<O extends object>(method: MethodDefinition<any, O>, response: Response, sink: ResponseSink<O>, flow: ReadFlow | undefined, options: CallOptions): Promise<void> {
    if (response.status !== 200) throw errorFromConnect(parseJson(await this.body(response)), response.status, metadataOf(response.headers, false));
    options.onHeader?.(metadataOf(response.headers, false));
    const reader = new EnvelopeReader(this.maxReceiveMessageSize);
    const encoding = response.headers.get("connect-content-encoding");
    const body = response.body?.getReader();
    if (!body) throw new GrpcError(Status.INTERNAL, "The response has no body and no end-of-stream message");
    for (;;) {
      if (flow?.paused) await flow.paused;
      const { done, value } = await body.read();
      if (done) break;
      for (const envelope of reader.push(value)) {
        if ((envelope.flags & ~(COMPRESSED_FLAG | END_STREAM_FLAG)) !== 0) throw new GrpcError(Status.INTERNAL, `Received a message with unexpected flags 0x${envelope.flags.toString(16)}`);
        // The end-of-stream message may come compressed too, as connect-go and connect-es read it.
        const data = envelope.compressed ? await this.compression.decompress(encoding, envelope.data, this.maxReceiveMessageSize) : envelope.data;
        if ((envelope.flags & END_STREAM_FLAG) !== 0) {
          void body.cancel().catch(() => {});
          return this.endOfStream(data, options);
        }
        sink.push(this.decode(method, data));
      }
    }
    throw new GrpcError(Status.INTERNAL, reader.pending > 0 ? "The response ended in the middle of a message" : "The response ended without an end-of-stream message");
  }

  /** The end-of-stream JSON: its metadata are the trailers; an error in it is the call's status. */
  private endOfStream(data: Uint8Array, options: CallOptions): void {
    const json = parseJson(data) as { error?: unknown; metadata?: Record<string, unknown> } | undefined;
    if (typeof json !== "object" || json === null) throw new GrpcError(Status.INTERNAL, "The end-of-stream message is not JSON");
    const fields: Record<string, string[]> = {};
    for (const [name, values] of Object.entries(json.metadata ?? {})) if (Array.isArray(values)) fields[name] = values.map(String);
    const trailers = Metadata.fromHeaders(fields);
    options.onTrailer?.(trailers);
    if (json.error !== undefined && json.error !== null) throw errorFromConnect(json.error, undefined, trailers);
  }
}
