import type { IncomingHttpHeaders } from "node:http2";
import { GrpcError } from "../../grpc-error.js";
import { ACCEPT_ENCODING, isSupportedEncoding, type Encoding } from "../../protocol/compression.js";
import { Status } from "../../status.js";
import type { CallExchange } from "../call-exchange.js";
import { statusOnly, type Route } from "../call-runner.js";
import type { CorsPolicy } from "../cors.js";
import type { HttpExchange } from "../http-exchange.js";
import type { ConnectFormat } from "./connect-format.js";
import { parseGetRequest, type GetRequest } from "./get-request.js";
import { callHeaders } from "./request-headers.js";
import { ConnectStreamExchange } from "./stream-exchange.js";
import { ConnectUnaryExchange } from "./unary-exchange.js";

export interface ConnectAdapterOptions {
  cors: CorsPolicy;
  secure: boolean;
  maxReceiveMessageSize: number;
}

/** How the router takes a Connect call: the exchange as its call tracer sees it, and the start of the call (with the headers as the call runner reads them). */
export interface ConnectCallSink {
  traced(exchange: CallExchange): CallExchange;
  start(exchange: CallExchange, headers: IncomingHttpHeaders): void;
}

/** What the adapter needs of the request besides its body. */
export interface ConnectRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

/**
 * The Connect protocol over the router (connectrpc.com/docs/protocol): it checks a request's Connect headers (or a
 * GET's query), picks the unary or streaming exchange, and starts the call as gRPC's would be, so that interceptors,
 * deadlines, limits and compression apply alike. Whatever it refuses before the call runs is answered as Connect
 * answers errors.
 */
export class ConnectAdapter {
  constructor(private readonly options: ConnectAdapterOptions) {}

  /** `format` is the POST's; undefined for a GET (the router sends only GETs of NO_SIDE_EFFECTS unary methods). */
  serve(http: HttpExchange, request: ConnectRequest, route: Route, format: ConnectFormat | undefined, sink: ConnectCallSink): void {
    const { headers } = request;
    const streamingMethod = route.method.kind !== "unary";
    if (format && format.streaming !== streamingMethod) {
      // A unary content-type for a streaming method or the other way round: the wrong media type for this method.
      http.respond(415, { "accept-post": streamingMethod ? "application/connect+proto, application/connect+json" : "application/proto, application/json" }, true);
      http.discardRest();
      return;
    }
    let refusal: GrpcError | undefined;
    let get: GetRequest | undefined;
    if (!format) {
      try {
        get = parseGetRequest(request.path);
      } catch (e) {
        refusal = e as GrpcError;
      }
    }
    const chosen = format ?? get?.format ?? { streaming: false, codec: "json" };
    const encoding = String((chosen.streaming ? headers["connect-content-encoding"] : get ? get.compression : headers["content-encoding"]) ?? "identity");
    const cors = this.options.cors.grant(headers, this.options.secure);
    const supported = isSupportedEncoding(encoding) ? encoding : "identity";
    const limit = this.options.maxReceiveMessageSize;
    const exchange = sink.traced(
      chosen.streaming
        ? new ConnectStreamExchange(http, chosen, route.method, cors ?? {}, supported, limit)
        : new ConnectUnaryExchange(http, chosen, route.method, cors ?? {}, { queryMessage: get?.message, compression: supported }, limit),
    );
    let runnerHeaders: IncomingHttpHeaders | undefined;
    try {
      if (refusal) throw refusal;
      if (cors === undefined) throw new GrpcError(Status.PERMISSION_DENIED, `Origin ${headers.origin} is not allowed to call this server`);
      if (!isSupportedEncoding(encoding)) throw new GrpcError(Status.UNIMPLEMENTED, `Compression "${encoding}" is not supported (supported: ${ACCEPT_ENCODING})`);
      const version = get ? (get.version === undefined ? undefined : get.version.replace(/^v/, "")) : (headers["connect-protocol-version"] as string | undefined);
      const accept = chosen.streaming ? headers["connect-accept-encoding"] : headers["accept-encoding"];
      runnerHeaders = callHeaders(headers, { request: chosen.streaming ? (encoding as Encoding) : undefined, accept: accept as string | undefined }, version);
    } catch (e) {
      const error = GrpcError.from(e, false);
      exchange.endTrailersOnly(statusOnly(error.code, error.rawMessage));
      exchange.discardRest();
      return;
    }
    sink.start(exchange, runnerHeaders);
  }
}
