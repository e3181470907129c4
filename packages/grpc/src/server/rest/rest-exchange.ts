import type { Socket } from "node:net";
import type { JsonValue, MethodDefinition } from "@tsgrpc/protobuf";
import { HttpBody } from "../../gen/google/api/httpbody_pb.js";
import { GrpcError } from "../../grpc-error.js";
import { httpStatusOf } from "../../protocol/connect-codes.js";
import { encodeEnvelope, EnvelopeReader } from "../../protocol/envelope.js";
import { restRequestJson, restResponseJson } from "../../rest/request-mapping.js";
import type { RestRoute } from "../../rest/http-rule.js";
import { Status } from "../../status.js";
import type { CallExchange, HeaderMap } from "../call-exchange.js";
import { callStatus, withoutGrpcFields } from "../connect/call-status.js";
import { withExposedHeaders } from "../cors.js";
import type { HttpExchange } from "../http-exchange.js";
import { readWholeBody } from "../read-whole-body.js";
import { restStatusJson } from "./rest-status-json.js";

const NDJSON = "application/x-ndjson";
const JSON_TYPE = "application/json";
const NO_QUERY = new URLSearchParams();
const EMPTY_BODY: HttpBody = { contentType: "", data: new Uint8Array(0), extensions: [] };

/** A response sent as it is: a google.api.HttpBody, whole or as the response_body field. */
function httpBodyOf(route: RestRoute, response: object): HttpBody | undefined {
  const field = route.responseBody;
  if (!field) return route.method.output.typeName === HttpBody.typeName ? (response as HttpBody) : undefined;
  if (field.message?.typeName !== HttpBody.typeName) return undefined;
  return ((response as Record<string, unknown>)[field.localName] as HttpBody | undefined) ?? EMPTY_BODY;
}

/** What a REST request brought besides its body: the route it matched, what the path bound, and the query. */
export interface RestRequest {
  route: RestRoute;
  bindings: Map<string, string>;
  /** The target's query, undecoded ("" for none). */
  query: string;
  /** A HEAD request (served by a GET route): the response's headers without its body (RFC 9110 9.3.2). */
  head: boolean;
  contentType: string | undefined;
}

/**
 * A REST call transcoded from a google.api.http route: the body, the query and the path become the request message
 * (protobuf's JSON mapping, then binary for the call runner); the response is the message (or its response_body
 * field) as JSON with HTTP 200, a server stream one `{"result": ...}` line per message (newline-delimited JSON, as
 * grpc-gateway writes it) and an error as google.rpc.Status JSON with the HTTP status of its code, or as a last
 * `{"error": ...}` line once the stream has begun.
 */
export class RestExchange implements CallExchange {
  private headers: HeaderMap = {};
  private readonly responses = new EnvelopeReader(Infinity);
  private started = false;
  /** A unary call's response body, kept until the status says it may go. */
  private single: { contentType: string; body: Uint8Array } | undefined;

  constructor(
    private readonly http: HttpExchange,
    private readonly method: MethodDefinition,
    private readonly request: RestRequest,
    private readonly cors: HeaderMap,
    private readonly limit: number,
  ) {}

  get socket(): Socket | undefined {
    return this.http.socket;
  }

  get closed(): boolean {
    return this.http.closed;
  }

  get needsDrain(): boolean {
    return this.http.needsDrain;
  }

  drained(): Promise<void> {
    return this.http.drained();
  }

  private get streaming(): boolean {
    return this.method.kind === "server_streaming";
  }

  /** The request message, made from the body, the query and the path once the body has arrived. */
  readMessages(onMessage: (message: object) => void, onEnd: () => void, onClose: () => void, onError: (e: unknown) => void): void {
    const onBody = (body: Uint8Array | undefined) => {
      let message: object;
      try {
        const { route, bindings, query, contentType } = this.request;
        message = this.fromJson(restRequestJson(route, bindings, query ? new URLSearchParams(query) : NO_QUERY, body ? { bytes: body, contentType } : undefined));
      } catch (e) {
        return onError(e);
      }
      onMessage(message);
      onEnd();
    };
    readWholeBody(this.http, this.limit, onBody, onError, onClose);
  }

  /** The request in an envelope, for a call runner that reads bytes (through a call tracer). */
  readRequest(onData: (chunk: Uint8Array) => void, onEnd: () => void, onClose: () => void, onError: (e: unknown) => void): void {
    this.readMessages((message) => onData(encodeEnvelope(this.method.input.encode(message))), onEnd, onClose, onError);
  }

  /** The request message from its JSON; a field of the wrong type is INVALID_ARGUMENT, naming it. */
  private fromJson(json: JsonValue): object {
    try {
      return this.method.input.fromJson(json);
    } catch (e) {
      throw new GrpcError(Status.INVALID_ARGUMENT, `Failed to parse the request: ${(e as Error).message}`);
    }
  }

  pauseRequest(): void {
    this.http.pause();
  }

  resumeRequest(): void {
    this.http.resume();
  }

  sendHeaders(headers: HeaderMap): void {
    this.headers = headers;
    if (!this.streaming) return;
    this.start(NDJSON);
    // HEAD of a stream: its headers are all there is to send (and the close cancels the call's handler).
    if (this.request.head) this.http.end();
  }

  private start(contentType: string, status = 200, extra: HeaderMap = {}): void {
    this.started = true;
    const metadata = withoutGrpcFields(this.headers);
    this.http.respond(status, withExposedHeaders({ "content-type": contentType, ...metadata, ...extra, ...this.cors }, this.cors, metadata, []), false);
  }

  /** The runner's response envelopes (never compressed: a REST call accepts no gRPC encoding), decoded. */
  private messages(bytes: Uint8Array): object[] {
    return this.responses.push(bytes).map((e) => this.method.output.decode(e.data));
  }

  private json(message: object): JsonValue {
    return restResponseJson(this.request.route, this.method.output.toJson(message));
  }

  /** A unary response, converted now (so that a message that cannot be fails the call): the body `end` sends. */
  takeResponse(message: object): void {
    const raw = httpBodyOf(this.request.route, message);
    this.single = raw
      ? { contentType: raw.contentType || "application/octet-stream", body: raw.data }
      : { contentType: JSON_TYPE, body: Buffer.from(JSON.stringify(this.json(message))) };
  }

  write(bytes: Uint8Array): void {
    const messages = this.messages(bytes);
    if (!this.streaming) {
      if (messages.length) this.takeResponse(messages.at(-1)!);
      return;
    }
    if (messages.length && !this.request.head) this.http.write(messages.map((m) => JSON.stringify({ result: this.json(m) }) + "\n").join(""));
  }

  end(trailers: HeaderMap, last?: Uint8Array): void {
    if (last) this.write(last);
    const status = callStatus(trailers);
    if (this.streaming) {
      if (!this.started) return this.endTrailersOnly(trailers);
      const tail = status.code === Status.OK ? "" : JSON.stringify({ error: restStatusJson(status.code, status.message, status.details) }) + "\n";
      this.finishBody(tail);
      return;
    }
    if (status.code !== Status.OK) return this.endTrailersOnly({ ...this.headers, ...trailers });
    if (this.single === undefined) return this.endTrailersOnly({ ...this.headers, "grpc-status": String(Status.INTERNAL), "grpc-message": "The handler sent no response message" });
    const { contentType, body } = this.single;
    this.start(contentType, 200, { "content-length": String(body.length) });
    this.finishBody(body);
  }

  /** A status before any response: the error as google.rpc.Status JSON, with the HTTP status of its code. */
  endTrailersOnly(fields: HeaderMap): void {
    const status = callStatus(fields);
    this.headers = { ...this.headers, ...status.metadata };
    if (status.code === Status.OK) {
      this.start(this.streaming ? NDJSON : JSON_TYPE);
      this.finishBody(this.streaming ? "" : "{}");
      return;
    }
    const body = Buffer.from(JSON.stringify(restStatusJson(status.code, status.message, status.details)));
    this.start(JSON_TYPE, httpStatusOf(status.code), { "content-length": String(body.length) });
    this.finishBody(body);
  }

  /** Ends the response with its last bytes, or without them for HEAD (whose headers are GET's, content-length too). */
  private finishBody(last: Uint8Array | string): void {
    this.http.end(this.request.head ? undefined : last);
  }

  discardRest(): void {
    this.http.discardRest();
  }
}
