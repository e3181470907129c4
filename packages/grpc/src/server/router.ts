import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse, IncomingHttpHeaders } from "node:http2";
import { grpcWebFormat } from "../protocol/grpc-web.js";
import { Status } from "../status.js";
import type { CallExchange } from "./call-exchange.js";
import { type Route, statusOnly } from "./call-runner.js";
import { connectFormat } from "./connect/connect-format.js";
import type { ConnectAdapter } from "./connect/connect-adapter.js";
import type { CorsPolicy } from "./cors.js";
import { detectProtocol, type EnabledProtocols } from "./detect-protocol.js";
import type { ServerCallTracerFactory } from "./call-tracer.js";
import { GrpcWebExchange } from "./grpc-web-exchange.js";
import type { RestAdapter } from "./rest/rest-adapter.js";
import { splitTarget } from "./request-target.js";
import { TracedExchange } from "./traced-exchange.js";
import type { HttpExchange } from "./http-exchange.js";
import type { ServerStats } from "./server-stats.js";

export type HttpHandler = (request: IncomingMessage | Http2ServerRequest, response: ServerResponse | Http2ServerResponse) => void;

/** One request as a listener (node:http2, tsgrpc's HTTP/2 engine, node:http) hands it to the router, before any of its body is read. */
export interface IncomingRequest {
  readonly method: string;
  /** The request target: path and any query. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The client's "ip:port". */
  readonly peer: string;
  /** The request as a gRPC call's exchange; undefined over HTTP/1.1, which cannot carry gRPC. Call at most once, and not with `http`. */
  grpcExchange(): CallExchange | undefined;
  /** The request and its response with node's stream API. Call at most once. */
  http(): HttpExchange;
  /** Hands the request to the server's httpHandler. */
  handOver(handler: HttpHandler): void;
}

/** Starts a call the router has resolved (the server files it, to cancel it at shutdown). */
export type StartCall = (exchange: CallExchange, route: Route, headers: IncomingHttpHeaders, peer: string) => void;

export interface RouterOptions extends EnabledProtocols {
  cors: CorsPolicy;
  secure: boolean;
  httpHandler?: HttpHandler;
  /** Sees every call the router takes, before any refusal (so that unknown methods are counted too). */
  callTracer?: ServerCallTracerFactory;
  /** Counts the calls the router refuses itself (the server counts those it runs). */
  stats: ServerStats;
}

/** Connect's GET: unary methods marked NO_SIDE_EFFECTS. */
function takesGet(route: Route): boolean {
  return route.noSideEffects === true && route.method.kind === "unary";
}

/**
 * The server's one router, which every listener calls: it finds the route of a request's path, tells its protocol
 * from the method and content-type, and hands it to that protocol's adapter (gRPC, gRPC-Web, Connect; then REST, for
 * a request to a google.api.http route's path), each of which runs it as the same call (interceptors, deadlines,
 * limits, compression). What no adapter takes goes to the server's httpHandler, or gets one HTTP refusal policy,
 * whichever listener it came on:
 *   - a path that is no method: 404;
 *   - a method's path with an HTTP method it does not take: 405 with Allow (POST; GET too for Connect's
 *     NO_SIDE_EFFECTS methods);
 *   - a method's path with a POST of another (or no) content-type: 415;
 *   - gRPC over HTTP/1.1: 505.
 * Every refusal drops the rest of the request body, so that the client is not left stuck on flow control.
 */
export class Router {
  constructor(
    private readonly routes: ReadonlyMap<string, Route>,
    private readonly options: RouterOptions,
    private readonly connect: ConnectAdapter,
    private readonly rest: RestAdapter,
    private readonly startCall: StartCall,
  ) {}

  dispatch(request: IncomingRequest): void {
    const { options } = this;
    const { path, query } = splitTarget(request.path);
    const route = this.routes.get(path);
    switch (detectProtocol(request.method, request.headers["content-type"] ?? "", options)) {
      case "grpc":
        return this.serveGrpc(request);
      case "grpc-web":
        return this.serveGrpcWeb(request);
      case "preflight":
        return this.preflight(request);
      case "connect":
        if (route) return this.serveConnect(request, path, route, false);
        break;
      case "connect-get":
        if (route && takesGet(route)) return this.serveConnect(request, path, route, true);
        break;
    }
    if (this.serveRest(request, path, query)) return;
    // A method's path is the RPC server's, whatever came to it: the httpHandler gets only the paths that are no method.
    if (options.httpHandler && !route) return request.handOver(options.httpHandler);
    this.refuse(request, route);
  }

  /** A REST route's request (google.api.http): true when a route's path took it. */
  private serveRest(request: IncomingRequest, path: string, query: string): boolean {
    return this.rest.serve(request, path, query, {
      traced: (exchange, grpcPath) => this.traced(exchange, grpcPath, request.headers),
      start: (exchange, route, headers) => this.startCall(exchange, route, headers, request.peer),
    });
  }

  /** The HTTP answer to a request no protocol takes (see the class comment). */
  private refuse(request: IncomingRequest, route: Route | undefined): void {
    const http = request.http();
    // An allowed page's script may read why (a cross-origin refusal without CORS headers is a bare network error).
    const cors = this.options.cors.grant(request.headers, this.options.secure) ?? {};
    if (!route) http.respond(404, cors, true);
    else if (request.method !== "POST") http.respond(405, { ...cors, allow: this.options.connect && takesGet(route) ? "GET, POST" : "POST" }, true);
    else http.respond(415, cors, true);
    http.discardRest();
  }

  private serveGrpc(request: IncomingRequest): void {
    const exchange = request.grpcExchange();
    if (!exchange) {
      const http = request.http();
      http.respond(505, { "content-type": "text/plain" }, false);
      http.end("gRPC needs HTTP/2 (gRPC-Web works over HTTP/1.1)\n");
      http.discardRest();
      return;
    }
    this.runOrRefuse(exchange, request);
  }

  private serveGrpcWeb(request: IncomingRequest): void {
    const { headers } = request;
    const http = request.http();
    const cors = this.options.cors.grant(headers, this.options.secure);
    const format = grpcWebFormat(headers["content-type"] ?? "");
    if (cors === undefined || format === "unsupported" || format === undefined) {
      // Refused before it runs: an origin that is not allowed (the browser would hide the answer anyway), or a codec
      // other than proto.
      const [status, code, message] = cors === undefined
        ? [403, Status.PERMISSION_DENIED, `Origin ${headers.origin} is not allowed to call this server`]
        : [415, Status.UNIMPLEMENTED, `Unsupported content-type "${headers["content-type"]}"`];
      http.respond(status, { ...cors, "content-type": "text/plain", ...statusOnly(code, message) }, true);
      http.discardRest();
      return;
    }
    this.runOrRefuse(new GrpcWebExchange(http, format, cors), request);
  }

  /**
   * A gRPC or gRPC-Web call: an unknown method is refused with a gRPC status. gRPC-Web takes every kind: a browser
   * sends a request body whole (its client-streaming calls are half-duplex), but other gRPC-Web clients (buf curl,
   * connect-go's) stream requests over HTTP/2 or HTTP/1.1, server reflection among them.
   */
  private runOrRefuse(exchange: CallExchange, request: IncomingRequest): void {
    exchange = this.traced(exchange, request.path, request.headers);
    // No refusal for shutting down: a call that arrives now raced the GOAWAY (which took it), and is served.
    const route = this.routes.get(request.path);
    const refuse = (status: Status, message: string) => {
      this.options.stats.refused(route?.stats, status);
      exchange.endTrailersOnly(statusOnly(status, message));
      exchange.discardRest();
    };
    if (!route) return refuse(Status.UNIMPLEMENTED, `Method not found: ${request.path}`);
    this.startCall(exchange, route, request.headers, request.peer);
  }

  private serveConnect(request: IncomingRequest, path: string, route: Route, get: boolean): void {
    const format = get ? undefined : connectFormat(request.headers["content-type"] ?? "");
    this.connect.serve(request.http(), request, route, format, {
      // The tracer sees the call before any refusal, with the request's own headers (as for gRPC).
      traced: (exchange) => this.traced(exchange, path, request.headers),
      start: (exchange, headers) => this.startCall(exchange, route, headers, request.peer),
    });
  }

  /** The exchange as the server's call tracer sees it (the exchange itself without a tracer, or when it skips the call). */
  private traced(exchange: CallExchange, path: string, headers: IncomingHttpHeaders): CallExchange {
    const tracer = this.options.callTracer?.({ path, registered: this.routes.has(path), headers });
    return tracer ? new TracedExchange(exchange, tracer) : exchange;
  }

  /** The CORS preflight (OPTIONS) a browser sends before a cross-origin gRPC-Web, Connect or REST call. */
  private preflight(request: IncomingRequest): void {
    const methods = new Set(["POST", ...(this.options.connect ? ["GET"] : []), ...this.rest.methods()]);
    const answer = this.options.cors.preflight(request.headers, this.options.secure, [...methods].sort());
    const http = request.http();
    http.respond(answer.status, answer.headers, true);
    http.discardRest();
  }
}
