import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer as createHttp2Server, Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { Http2Server, IncomingHttpHeaders, SecureServerOptions, ServerHttp2Session, ServerHttp2Stream } from "node:http2";
import type { AddressInfo, Server as NetServer, Socket } from "node:net";
import type { MethodDefinition, ServiceDefinition } from "@tsgrpc/protobuf";
import { IdMap, ServerConnection, type ServerStream } from "@tsgrpc/http2";
import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import type { CallExchange } from "./call-exchange.js";
import { type CallLimits, type Route, RunningCall } from "./call-runner.js";
import { CorsPolicy, type CorsOptions } from "./cors.js";
import { NodeHttp1Exchange, NodeHttp2Exchange } from "./node-http-exchange.js";
import { EngineHttpExchange } from "./engine-http-exchange.js";
import { Router, type HttpHandler } from "./router.js";
import { ConnectAdapter } from "./connect/connect-adapter.js";
import { hasNoSideEffects } from "../protocol/no-side-effects.js";
import { EngineExchange } from "./engine-exchange.js";
import { compatRequestResponse } from "./http-compat.js";
import { Http2Exchange } from "./http2-exchange.js";
import { createListener } from "./listener.js";
import { Http1Engine } from "./http1/http1-engine.js";
import type { Http1Exchange } from "./http1/http1-exchange.js";
import type { Http1Listener } from "./http1/http1-listener.js";
import { NodeHttp1 } from "./http1/node-http1.js";
import { limitConnections, type ConnectionLimits } from "./connection-limits.js";
import { jitteredAge } from "./connection-age.js";
import { limitSessionAge } from "./node-session-lifecycle.js";
import type { ServerCall, ServerCallHandler, ServerInterceptor, ServiceImplementation } from "./handler-types.js";
import type { ServerContext } from "./server-context.js";
import type { HealthService } from "../health/health-service.js";
import type { ServerCallTracerFactory } from "./call-tracer.js";
import { parseHttpRules, type RestRuleJson } from "../rest/http-rule.js";
import { RestAdapter } from "./rest/rest-adapter.js";
import { RestRoutes } from "./rest/rest-routes.js";
import { ServerStats, type ServerStatsSnapshot } from "./server-stats.js";

export interface ServerOptions {
  interceptors?: ServerInterceptor[];
  /** Largest request message accepted, in bytes (default 4 MiB); larger ones end the call with RESOURCE_EXHAUSTED. */
  maxReceiveMessageSize?: number;
  /** Largest response message sent (default unlimited). */
  maxSendMessageSize?: number;
  /** Concurrent calls per connection (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS; default 1000). */
  maxConcurrentStreams?: number;
  /** Largest request header block, metadata included, in bytes (default 16 KiB). */
  maxMetadataSize?: number;
  /** TLS: certificate and key, and for mutual TLS `ca` with `requestCert: true`. Without it the server speaks h2c. */
  tls?: SecureServerOptions;
  /** A health service to mark NOT_SERVING when the server shuts down (serve it with `server.add(Health, health.implementation)`). */
  health?: HealthService;
  /**
   * Serve gRPC-Web (browsers, over HTTP/1.1 or HTTP/2) on the same port as gRPC (default true). Cross-origin callers
   * need `cors`.
   */
  grpcWeb?: boolean;
  /**
   * Serve the Connect protocol (connectrpc.com/docs/protocol: unary POST and GET with proto or JSON bodies, streaming
   * with envelopes) on the same port, over HTTP/1.1 and HTTP/2 (default true, as gRPC-Web here and every protocol in
   * connect-es's server). It takes only requests to a method's path, so an `httpHandler`'s own JSON routes are never
   * claimed; GET only for unary methods marked `idempotency_level = NO_SIDE_EFFECTS`.
   */
  connect?: boolean;
  /**
   * REST/JSON transcoding (google/api/http.proto) on the same port: the routes that methods' `(google.api.http)`
   * options declare (default true), plus `rules` in google.api.Http's service-config form (`{ selector:
   * "pkg.Service.Method", get: "/v1/things/{id}", body, responseBody, additionalBindings }`), which add routes to
   * methods without the option and replace the option's where both name a method. A rule that cannot work (a path
   * variable that names a message field, a repeated message field left to the query) makes `add` throw a
   * RestRouteError. `false` serves no REST route.
   */
  rest?: boolean | { rules?: RestRuleJson[] };
  /** Which other origins' pages may call over gRPC-Web and Connect (default: only the server's own origin). */
  cors?: CorsOptions;
  /**
   * Serves the requests that no protocol takes (a web page, a probe), with node's HTTP request and response API over
   * either HTTP version. Without it they get 404 (on a method's path: 405 for another HTTP method, 415 for a POST of
   * another content-type).
   */
  httpHandler?: HttpHandler;
  /** Which HTTP/2 implementation serves gRPC: "tsgrpc", the engine of @tsgrpc/http2 (the default), or "node", node:http2. */
  http2Engine?: "tsgrpc" | "node";
  /**
   * Which HTTP/1.1 implementation serves gRPC-Web, Connect, REST and the httpHandler over HTTP/1.1: "tsgrpc", its own
   * (the default; the httpHandler gets node's request and response API in the subset http-compat.ts keeps), or
   * "node", node:http (its full API).
   */
  http1Engine?: "tsgrpc" | "node";
  /**
   * tsgrpc's HTTP/1.1 engine: an idle connection is closed after `keepAliveMs` (default 5 s, as node:http); a request
   * head still incomplete `headersMs` after its first bytes gets 408 (default 60 s, as node:http); a client that keeps
   * the server waiting `stalledMs` (default 60 s) for the rest of a request body, or to read what it was sent, loses
   * the connection (slow-body and slow-reader attacks; a handler taking its time is not the client's stall).
   */
  http1Timeouts?: { keepAliveMs?: number; headersMs?: number; stalledMs?: number };
  /**
   * Keepalive (gRPC doc/keepalive.md), on tsgrpc's engine. Our PINGs: one every `timeMs` (default off), and the
   * connection is closed when one goes unanswered for `timeoutMs` (default 20 s). The client's PINGs (enforcement, as
   * grpc-core and grpc-go do it): at most one per `minPingIntervalMs` (default 5 minutes) while calls are in flight,
   * and with none in flight only if `permitWithoutCalls` (default false; otherwise one per 2 hours); more than two
   * PINGs too early, with no response data sent in between, get GOAWAY ENHANCE_YOUR_CALM "too_many_pings" and the
   * connection closes.
   */
  keepalive?: { timeMs?: number; timeoutMs?: number; minPingIntervalMs?: number; permitWithoutCalls?: boolean };
  /** Shut down (gracefully) connections that have had no call for this long (gRPC's max connection idle; tsgrpc's engine). */
  maxConnectionIdleMs?: number;
  /**
   * Shut down (gracefully) each connection once it is this old, give or take 10% (gRPC's max connection age; default
   * never): clients reconnect, and so see new servers behind a load balancer or DNS name.
   */
  maxConnectionAgeMs?: number;
  /** After a connection's max age, how long its calls in flight have before it is closed at once (default: no limit). */
  maxConnectionAgeGraceMs?: number;
  /**
   * Per-remote-address limits on connections (default: none): `perAddressRate` new connections a second (that many at
   * once, refilled at that rate) and `perAddressConcurrent` open at once. A connection over either is closed as it is
   * accepted, before anything of it is read. An IPv6 client counts by its /64 (`ipv6PrefixLength`). Mind clients behind
   * one NAT or proxy: they share an address.
   */
  connectionLimits?: ConnectionLimits;
  /**
   * gRFC A66's stats hook (see ServerCallTracer): called for every call the server gets, to follow its messages and
   * status. Set by observability plugins such as @tsgrpc/opentelemetry's `openTelemetryServer(...).callTracer`.
   */
  callTracer?: ServerCallTracerFactory;
  /** Where unexpected handler errors are reported (they reach the client only as UNKNOWN). Default: console.error. */
  logError?: (message: string, error: unknown) => void;
}

const DEFAULT_MAX_RECEIVE = 4 * 1024 * 1024;
/** gRPC's default for how often a client may PING while calls are in flight (doc/keepalive.md). */
const DEFAULT_MIN_PING_INTERVAL_MS = 5 * 60 * 1000;

/** Reads the one request of a unary or server-streaming call; zero or several are a cardinality violation. */
async function singleRequest(requests: AsyncIterable<object>): Promise<object> {
  let first: object | undefined;
  for await (const r of requests) {
    if (first !== undefined) throw new GrpcError(Status.UNIMPLEMENTED, "Expected one request message, got more");
    first = r;
  }
  if (first === undefined) throw new GrpcError(Status.UNIMPLEMENTED, "Expected one request message, got none");
  return first;
}

/** Turns a handler of any kind into the one shape interceptors wrap: requests in, responses out. */
function normalize(method: MethodDefinition, impl: Function): ServerCallHandler {
  const bound = impl as (...args: unknown[]) => unknown;
  switch (method.kind) {
    case "unary":
      return async function* (call: ServerCall) {
        yield (await bound(await singleRequest(call.requests), call.ctx)) as object;
      };
    case "server_streaming":
      return async function* (call: ServerCall) {
        yield* bound(await singleRequest(call.requests), call.ctx) as AsyncIterable<object> | Iterable<object>;
      };
    case "client_streaming":
      return async function* (call: ServerCall) {
        yield (await bound(call.requests, call.ctx)) as object;
      };
    default:
      return (call: ServerCall) => {
        const responses = bound(call.requests, call.ctx) as AsyncIterable<object> | Iterable<object>;
        // Interceptors are promised an async iterable: a handler's sync one is wrapped.
        return Symbol.asyncIterator in responses ? responses : (async function* () { yield* responses; })();
      };
  }
}

function peerAddress(socket: Socket | undefined): string {
  return socket ? `${socket.remoteAddress}:${socket.remotePort}` : "unknown";
}

/**
 * A gRPC server: gRPC over HTTP/2 (h2c, or TLS with ALPN), and gRPC-Web over HTTP/1.1 and HTTP/2, on one port. Add
 * services, listen, shut down.
 */
export class Server {
  private readonly routes = new Map<string, Route>();
  /** Calls in progress by id, to cancel at shutdown (an IdMap, not a Set: see IdMap in @tsgrpc/http2). */
  private readonly calls = new IdMap<RunningCall>();
  private lastCallId = 0;
  private readonly sessions = new Set<ServerHttp2Session>();
  private readonly connections = new Set<ServerConnection>();
  // Read once per connection, while it is open: a call's log line may need it after a disconnect.
  private readonly peers = new WeakMap<object, string>(); // HTTP/2 session or HTTP/1.1 socket -> "ip:port"
  private readonly listener: NetServer;
  private readonly http2: Http2Server;
  private readonly http1: Http1Listener;
  private readonly limits: CallLimits;
  private readonly router: Router;
  /** The google.api.http routes of the services added (undefined with `rest: false`). */
  private readonly restRoutes: RestRoutes | undefined;
  private shuttingDown = false;
  private readonly callStats = new ServerStats();

  private readonly callDone = (call: RunningCall, status: Status) => {
    this.calls.delete(call.id);
    this.callStats.ended(call.route.stats, status, call.startedAt);
  };
  private readonly logError: (message: string, error: unknown) => void;

  constructor(private readonly options: ServerOptions = {}) {
    this.logError = options.logError ?? ((m, e) => console.error(m, e));
    this.limits = {
      maxReceiveMessageSize: options.maxReceiveMessageSize ?? DEFAULT_MAX_RECEIVE,
      maxSendMessageSize: options.maxSendMessageSize ?? Infinity,
    };
    const cors = new CorsPolicy(options.cors);
    const secure = options.tls !== undefined;
    const enabled = { grpcWeb: options.grpcWeb ?? true, connect: options.connect ?? true };
    const connect = new ConnectAdapter({ cors, secure, maxReceiveMessageSize: this.limits.maxReceiveMessageSize });
    const restOptions = options.rest ?? true;
    this.restRoutes = restOptions === false ? undefined : new RestRoutes(parseHttpRules(restOptions === true ? [] : (restOptions.rules ?? [])));
    const rest = new RestAdapter(this.restRoutes ?? new RestRoutes(), { cors, secure, maxReceiveMessageSize: this.limits.maxReceiveMessageSize });
    this.router = new Router(this.routes, { ...enabled, cors, secure, httpHandler: options.httpHandler, callTracer: options.callTracer, stats: this.callStats }, connect, rest, (exchange, route, headers, peer) => this.startCall(exchange, route, headers, peer));
    const settings = { maxConcurrentStreams: options.maxConcurrentStreams ?? 1000, maxHeaderListSize: options.maxMetadataSize ?? 16 * 1024 };
    // Neither node:http2 nor node:http listens itself: the listener hands each of them the connections that speak its protocol.
    this.http2 = createHttp2Server({ settings, maxSessionMemory: 64 });
    this.http2.on("session", (session: ServerHttp2Session) => {
      this.sessions.add(session);
      const age = jitteredAge(options.maxConnectionAgeMs);
      if (age !== undefined) limitSessionAge(session, age, options.maxConnectionAgeGraceMs);
      this.peers.set(session, peerAddress(session.socket));
      session.on("close", () => this.sessions.delete(session));
      session.on("error", () => {});
    });
    this.http2.on("stream", (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, _flags: number, rawHeaders: string[]) => this.onStream(stream, headers, rawHeaders));
    const maxHeadSize = options.maxMetadataSize ?? 16 * 1024;
    this.http1 =
      options.http1Engine === "node"
        ? new NodeHttp1(maxHeadSize, (req, res) => this.onNodeHttp1Request(req, res))
        : new Http1Engine({
            maxHeadSize,
            timeouts: {
              keepAliveMs: options.http1Timeouts?.keepAliveMs ?? 5_000,
              headersMs: options.http1Timeouts?.headersMs ?? 60_000,
              stalledMs: options.http1Timeouts?.stalledMs ?? 60_000,
            },
            onRequest: (exchange, socket) => this.onHttp1Request(exchange, socket),
            logError: (message, error) => this.logError(message, error),
          });
    const engine = options.http2Engine ?? "tsgrpc";
    this.listener = createListener(options.tls, {
      http2: (socket) => (engine === "node" ? this.http2.emit("connection", socket) : this.acceptEngineConnection(socket, settings)),
      http1: (socket) => {
        this.peers.set(socket, peerAddress(socket));
        this.http1.accept(socket);
        if (this.shuttingDown) this.http1.closeWhenDone();
      },
    });
    if (options.connectionLimits) limitConnections(this.listener, options.connectionLimits);
  }

  /** Serves a service with the given handlers (one per method). */
  add<S extends ServiceDefinition>(service: S, implementation: NoInfer<ServiceImplementation<S>>): this {
    const interceptors = this.options.interceptors ?? [];
    for (const [localName, method] of Object.entries(service.methods)) {
      const impl = (implementation as Record<string, Function | undefined>)[localName];
      if (typeof impl !== "function") throw new TypeError(`${service.typeName}: no handler for ${method.name} (expected a function "${localName}")`);
      const bound = impl.bind(implementation);
      const handler = interceptors.reduceRight<ServerCallHandler>((next, interceptor) => interceptor(next), normalize(method, bound));
      // Unary and server-streaming calls with no interceptor to see them skip the stream machinery.
      const direct = (method.kind === "unary" || method.kind === "server_streaming") && interceptors.length === 0;
      const route: Route = { method, handler, noSideEffects: hasNoSideEffects(service, method), stats: this.callStats.forMethod(method.path) };
      if (direct) route.direct = bound as (r: object, c: ServerContext) => unknown;
      this.routes.set(method.path, route);
    }
    this.restRoutes?.add(service, (path) => this.routes.get(path));
    return this;
  }

  /** Starts listening on "host:port" (":port" or a bare port for every interface); resolves with the port. */
  listen(address: string | number): Promise<number> {
    const text = String(address);
    const colon = text.lastIndexOf(":");
    const port = Number(colon >= 0 ? text.slice(colon + 1) : text);
    const host = colon > 0 ? text.slice(0, colon).replace(/^\[|\]$/g, "") : undefined;
    return new Promise((resolve, reject) => {
      this.listener.once("error", reject);
      this.listener.listen(port, host, () => {
        this.listener.off("error", reject);
        resolve((this.listener.address() as AddressInfo).port);
      });
    });
  }

  /** An HTTP/2 connection for tsgrpc's own engine. */
  private acceptEngineConnection(socket: Socket, settings: { maxConcurrentStreams: number; maxHeaderListSize: number }): void {
    const peer = peerAddress(socket);
    const { keepalive, maxConnectionIdleMs, maxConnectionAgeMs, maxConnectionAgeGraceMs } = this.options;
    const connection = new ServerConnection(socket, (stream) => this.onEngineStream(stream, peer), {
      ...settings,
      keepaliveTimeMs: keepalive?.timeMs,
      keepaliveTimeoutMs: keepalive?.timeoutMs,
      pingPolicy: { minIntervalMs: keepalive?.minPingIntervalMs ?? DEFAULT_MIN_PING_INTERVAL_MS, permitWithoutStreams: keepalive?.permitWithoutCalls ?? false },
      idleTimeoutMs: maxConnectionIdleMs,
      maxAgeMs: jitteredAge(maxConnectionAgeMs),
      maxAgeGraceMs: maxConnectionAgeGraceMs,
    });
    this.connections.add(connection);
    connection.onClose = () => this.connections.delete(connection);
    if (this.shuttingDown) connection.close();
  }

  private onEngineStream(stream: ServerStream, peer: string): void {
    const headers = stream.headers as IncomingHttpHeaders;
    const method = headers[":method"] ?? "";
    const path = headers[":path"] ?? "";
    this.router.dispatch({
      method,
      path,
      headers,
      peer,
      grpcExchange: () => new EngineExchange(stream),
      http: () => new EngineHttpExchange(stream),
      handOver: (handler) => handler(...compatRequestResponse(new EngineHttpExchange(stream), { method, url: path, headers, httpVersion: "2.0" })),
    });
  }

  private onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, rawHeaders: string[]): void {
    stream.on("error", () => {});
    this.router.dispatch({
      method: headers[":method"] ?? "",
      path: headers[":path"] ?? "",
      headers,
      peer: (stream.session && this.peers.get(stream.session)) ?? "unknown",
      grpcExchange: () => new Http2Exchange(stream),
      http: () => new NodeHttp2Exchange(stream),
      handOver: (handler) => handler(new Http2ServerRequest(stream, headers, {}, rawHeaders), new Http2ServerResponse(stream)),
    });
  }

  private onHttp1Request(exchange: Http1Exchange, socket: Socket): void {
    const { method, target, headers, version } = exchange.request;
    this.router.dispatch({
      method,
      path: target,
      headers,
      peer: this.peers.get(socket) ?? "unknown",
      grpcExchange: () => undefined,
      http: () => exchange,
      handOver: (handler) => handler(...compatRequestResponse(exchange, { method, url: target, headers, httpVersion: version })),
    });
  }

  private onNodeHttp1Request(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket;
    this.router.dispatch({
      method: req.method ?? "",
      path: req.url ?? "",
      headers: req.headers,
      peer: this.peers.get(socket) ?? "unknown",
      grpcExchange: () => undefined,
      http: () => new NodeHttp1Exchange(req, res),
      handOver: (handler) => handler(req, res),
    });
  }

  private startCall(exchange: CallExchange, route: Route, headers: IncomingHttpHeaders, peer: string): void {
    const call = new RunningCall(this.nextCallId(), exchange, headers, peer, route, this.limits, this.callDone, this.logError);
    this.calls.set(call.id, call);
    this.callStats.started(route.stats, call.startedAt);
    call.start();
  }

  /**
   * The server's call counts now (channelz's CallCounts: started, succeeded, failed, in flight, last call started),
   * in all and per method (with each status's count and a latency histogram), and its open connections and streams.
   */
  stats(): ServerStatsSnapshot {
    return this.callStats.snapshot({ connections: this.sessions.size + this.connections.size + this.http1.size, streams: this.calls.size });
  }

  /** A number no call in progress has (they are 31-bit, and wrap around after 2^31 calls). */
  private nextCallId(): number {
    do this.lastCallId = this.lastCallId === 0x7fffffff ? 1 : this.lastCallId + 1;
    while (this.calls.has(this.lastCallId));
    return this.lastCallId;
  }

  /**
   * Stops taking calls (a graceful GOAWAY; on tsgrpc's engine in two phases, so that the calls the clients sent before
   * they read it are still served), lets the calls in flight finish for up to `graceMs`, then cancels what is left and closes every connection.
   */
  async shutdown(graceMs = 10_000): Promise<void> {
    this.shuttingDown = true;
    this.options.health?.shutdown();
    const closed = new Promise<void>((resolve) => this.listener.close(() => resolve()));
    for (const s of this.sessions) s.close(); // one GOAWAY: see limitSessionAge for why not two
    for (const c of this.connections) c.close();
    this.http1.closeWhenDone();
    const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([closed, grace]);
    this.forceShutdown();
    await closed;
  }

  /** Cancels every call and closes every connection now. */
  forceShutdown(): void {
    this.shuttingDown = true;
    this.options.health?.shutdown();
    for (const call of this.calls.values()) call.cancel();
    for (const s of this.sessions) s.destroy();
    for (const c of this.connections) c.destroy();
    this.http1.destroy();
    if (this.listener.listening) this.listener.close();
  }
}

export function createServer(options?: ServerOptions): Server {
  return new Server(options);
}
