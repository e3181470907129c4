import { kMaxLength } from "node:buffer";
import type { Socket } from "node:net";
import type { MethodDefinition } from "@tsgrpc/protobuf";
import { GrpcError } from "../../grpc-error.js";
import { compress, decompress, type Encoding } from "../../protocol/compression.js";
import { isExempt } from "../../protocol/compressed-flag.js";
import { encodeEnvelope, EnvelopeReader } from "../../protocol/envelope.js";
import { Status } from "../../status.js";
import type { CallExchange, HeaderMap } from "../call-exchange.js";
import { withExposedHeaders } from "../cors.js";
import type { HttpExchange } from "../http-exchange.js";
import { readWholeBody } from "../read-whole-body.js";
import { callStatus, withoutGrpcFields } from "./call-status.js";
import { httpStatusOf } from "../../protocol/connect-codes.js";
import { connectErrorJson } from "./connect-error-json.js";
import { connectContentType, type ConnectFormat } from "./connect-format.js";
import { decompressRequest, messageCodec, UNPARSABLE_REQUEST, type MessageCodec } from "./message-codec.js";

/** Where a unary Connect request's message is, and how it is compressed. */
export interface UnaryRequest {
  /** A GET's message, from its query; undefined for a POST, whose body is the message. */
  queryMessage: Uint8Array | undefined;
  /** content-encoding, or the GET's compression parameter (already checked to be one the server speaks). */
  compression: Encoding;
}

/**
 * A unary Connect call (connectrpc.com/docs/protocol#unary-request): the request body (or a GET's query) is the whole
 * message, compressed as a whole; the response is the message with its headers (trailers as `trailer-` headers), or
 * an error as JSON with the HTTP status of its code. The call runner sees one ordinary envelope each way.
 */
export class ConnectUnaryExchange implements CallExchange {
  private headers: HeaderMap = {};
  private readonly written: Uint8Array[] = [];
  /** The response the runner handed over as an object, encoded (see takeResponse). */
  private taken: { data: Uint8Array; exempt: boolean } | undefined;
  private readonly codec: MessageCodec;

  constructor(
    private readonly http: HttpExchange,
    private readonly format: ConnectFormat,
    private readonly method: MethodDefinition,
    private readonly cors: HeaderMap,
    private readonly request: UnaryRequest,
    private readonly limit: number,
  ) {
    this.codec = messageCodec(format.codec);
  }

  get socket(): Socket | undefined {
    return this.http.socket;
  }

  get closed(): boolean {
    return this.http.closed;
  }

  readonly unparsableRequest = UNPARSABLE_REQUEST;

  /** The response is gathered whole: nothing waits for the network. */
  readonly needsDrain = false;

  drained(): Promise<void> {
    return Promise.resolve();
  }

  /** The request message itself, for the call runner (no binary envelope in between). */
  readMessages(onMessage: (message: object) => void, onEnd: () => void, onClose: () => void, onError: (e: unknown) => void): void {
    this.readMessage((plain) => onMessage(this.codec.decode(this.method.input, plain)), onEnd, onClose, onError);
  }

  /** The request in an envelope, for a call runner that reads bytes (through a call tracer): binary passes as it came. */
  readRequest(onData: (chunk: Uint8Array) => void, onEnd: () => void, onClose: () => void, onError: (e: unknown) => void): void {
    this.readMessage((plain) => onData(encodeEnvelope(this.codec.toBinary(this.method.input, plain))), onEnd, onClose, onError);
  }

  /** The request's one message in its codec, uncompressed (the body, or a GET's query), handed to `take` once whole. */
  private readMessage(take: (plain: Uint8Array) => void, onEnd: () => void, onClose: () => void, onError: (e: unknown) => void): void {
    const { queryMessage, compression } = this.request;
    const onBody = (body: Uint8Array | undefined) => {
      try {
        if (queryMessage && body) throw new GrpcError(Status.INVALID_ARGUMENT, "A Connect GET request must not have a body");
        const data = queryMessage ?? body ?? new Uint8Array(0);
        const plain = compression === "identity" ? data : decompressRequest(compression, data, this.limit);
        if (plain.length > this.limit) throw new GrpcError(Status.RESOURCE_EXHAUSTED, `Received message larger than max (${plain.length} vs. ${this.limit})`);
        take(plain);
      } catch (e) {
        return onError(e);
      }
      onEnd();
    };
    readWholeBody(this.http, this.limit, onBody, onError, onClose);
  }

  /** The response in the call's codec, made now (a message that cannot be encoded fails the call); compressed at the end. */
  takeResponse(message: object): void {
    this.taken = { data: this.codec.encode(this.method.output, message), exempt: isExempt(message) };
  }

  pauseRequest(): void {
    this.http.pause();
  }

  resumeRequest(): void {
    this.http.resume();
  }

  sendHeaders(headers: HeaderMap): void {
    this.headers = headers;
  }

  write(bytes: Uint8Array): void {
    this.written.push(bytes);
  }

  end(trailers: HeaderMap, last?: Uint8Array): void {
    if (last) this.written.push(last);
    const status = callStatus(trailers);
    if (status.code !== Status.OK) return this.endTrailersOnly({ ...this.headers, ...trailers });
    const encoding = (this.headers["grpc-encoding"] ?? "identity") as Encoding;
    let body: Uint8Array;
    let compressed: boolean;
    if (this.taken) {
      compressed = encoding !== "identity" && !this.taken.exempt;
      body = compressed ? compress(encoding, this.taken.data) : this.taken.data;
    } else {
      const [message] = new EnvelopeReader(Infinity).push(Buffer.concat(this.written));
      if (!message) return this.endTrailersOnly({ ...this.headers, "grpc-status": String(Status.INTERNAL), "grpc-message": "The handler sent no response message" });
      try {
        body = this.encodeResponse(message.data, message.compressed, encoding);
      } catch (e) {
        return this.endTrailersOnly({ ...this.headers, "grpc-status": String(Status.INTERNAL), "grpc-message": `Failed to encode the response: ${(e as Error).message}` });
      }
      compressed = message.compressed;
    }
    const metadata = withoutGrpcFields(this.headers);
    for (const [name, value] of Object.entries(withoutGrpcFields(status.metadata))) metadata[`trailer-${name}`] = value;
    const headers: HeaderMap = { "content-type": connectContentType(this.format), ...metadata, ...this.cors };
    if (compressed) headers["content-encoding"] = encoding;
    this.respond(200, headers, metadata, body);
  }

  /** The response message in the call's codec (the runner wrote it in binary), compressed as the runner chose. */
  private encodeResponse(data: Uint8Array, compressed: boolean, encoding: Encoding): Uint8Array {
    if (this.format.codec === "proto") return data;
    const binary = compressed ? decompress(encoding, data, kMaxLength) : data;
    const json = this.codec.fromBinary(this.method.output, binary);
    return compressed ? compress(encoding, json) : json;
  }

  /** An error (or, oddly, OK with no message): the status as Connect's error JSON, metadata as headers. */
  endTrailersOnly(fields: HeaderMap): void {
    const status = callStatus(fields);
    const metadata = withoutGrpcFields(status.metadata);
    if (status.code === Status.OK) return this.respond(200, { "content-type": connectContentType(this.format), ...metadata, ...this.cors }, metadata, new Uint8Array(0));
    const json = JSON.stringify(connectErrorJson(status.code, status.message, status.details));
    this.respond(httpStatusOf(status.code), { "content-type": "application/json", ...metadata, ...this.cors }, metadata, Buffer.from(json));
  }

  private respond(status: number, headers: HeaderMap, metadata: HeaderMap, body: Uint8Array): void {
    headers["content-length"] = String(body.length);
    this.http.respond(status, withExposedHeaders(headers, this.cors, metadata, ["content-encoding"]), false);
    this.http.end(body);
  }

  discardRest(): void {
    this.http.discardRest();
  }
}
