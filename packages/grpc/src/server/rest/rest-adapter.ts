import type { IncomingHttpHeaders } from "node:http2";
import { Status } from "../../status.js";
import type { CallExchange } from "../call-exchange.js";
import { statusOnly, type Route } from "../call-runner.js";
import type { CorsPolicy } from "../cors.js";
import type { HttpExchange } from "../http-exchange.js";
import { RestExchange } from "./rest-exchange.js";
import type { RestRoutes } from "./rest-routes.js";

/** How the router takes a REST call: the exchange as its call tracer sees it, and the start of the call. */
export interface RestCallSink {
  traced(exchange: CallExchange, grpcPath: string): CallExchange;
  start(exchange: CallExchange, route: Route, headers: IncomingHttpHeaders): void;
}

/** The request headers a REST call's handler sees as metadata: not the body's framing, not gRPC's fields (but grpc-timeout, a deadline). */
function callHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers))
    if ((!name.startsWith("grpc-") || name === "grpc-timeout") && name !== "content-length" && name !== "content-encoding" && name !== "accept-encoding") out[name] = value;
  return out;
}

/**
 * REST transcoding over the router: a request whose method and path match a google.api.http route runs that method's
 * call (interceptors, deadlines, limits as for every protocol), mapped by RestExchange; a path a route has for other
 * HTTP methods gets 405 with Allow.
 */
export class RestAdapter {
  constructor(
    private readonly routes: RestRoutes,
    private readonly options: { cors: CorsPolicy; secure: boolean; maxReceiveMessageSize: number },
  ) {}

  /** Takes the request if a route's path matches `path` (false: no route has it); `query` is the target's query. */
  serve(request: { method: string; headers: IncomingHttpHeaders; http(): HttpExchange }, path: string, query: string, sink: RestCallSink): boolean {
    if (this.routes.size === 0) return false;
    const match = this.routes.match(request.method, path);
    if (!match) return false;
    const http = request.http();
    const cors = this.options.cors.grant(request.headers, this.options.secure);
    if (match.kind === "method") {
      http.respond(405, { ...cors, allow: match.allow.join(", ") }, true);
      http.discardRest();
      return true;
    }
    const { served, bindings } = match;
    const contentType = request.headers["content-type"];
    const exchange = sink.traced(new RestExchange(http, served.route.method, { route: served.rest, bindings, query, contentType, head: request.method === "HEAD" }, cors ?? {}, this.options.maxReceiveMessageSize), served.route.method.path);
    if (cors === undefined) {
      exchange.endTrailersOnly(statusOnly(Status.PERMISSION_DENIED, `Origin ${request.headers.origin} is not allowed to call this server`));
      exchange.discardRest();
      return true;
    }
    sink.start(exchange, served.route, callHeaders(request.headers));
    return true;
  }

  /** The HTTP methods REST routes take, for CORS preflights. */
  methods(): string[] {
    return this.routes.methods();
  }
}
