import { createSecureServer, createServer as createHttp2Server } from "node:http2";
import type { Http2SecureServer, Http2Server, IncomingHttpHeaders, SecureServerOptions, ServerHttp2Session, ServerHttp2Stream } from "node:http2";
import type { AddressInfo } from "node:net";
import type { MethodDefinition, ServiceDefinition } from "@tsgrpc/protobuf";
import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import { type CallLimits, closeAfterStatus, type Route, RunningCall, trailersOnly } from "./call-runner.js";
import type { ServerCall, ServerCallHandler, ServerInterceptor, ServiceImplementation } from "./handler-types.js";
import type { ServerContext } from "./server-context.js";
import type { HealthService } from "../health/health-service.js";

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
  /** Where unexpected handler errors are reported (they reach the client only as UNKNOWN). Default: console.error. */
  logError?: (message: string, error: unknown) => void;
}

const DEFAULT_MAX_RECEIVE = 4 * 1024 * 1024;

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
        yield* bound(await singleRequest(call.requests), call.ctx) as AsyncIterable<object>;
      };
    case "client_streaming":
      return async function* (call: ServerCall) {
        yield (await bound(call.requests, call.ctx)) as object;
      };
    default:
      return (call: ServerCall) => bound(call.requests, call.ctx) as AsyncIterable<object>;
  }
}

/** A gRPC server over node:http2: add services, listen, shut down. */
export class Server {
  private readonly routes = new Map<string, Route>();
  private readonly calls = new Set<RunningCall>();
  private readonly sessions = new Set<ServerHttp2Session>();
  private readonly peers = new WeakMap<object, string>(); // session -> "ip:port"
  private readonly http2: Http2Server | Http2SecureServer;
  private readonly limits: CallLimits;
  private shuttingDown = false;

  private readonly callDone = (call: RunningCall) => this.calls.delete(call);
  private readonly logError: (message: string, error: unknown) => void;

  constructor(private readonly options: ServerOptions = {}) {
    this.logError = options.logError ?? ((m, e) => console.error(m, e));
    this.limits = {
      maxReceiveMessageSize: options.maxReceiveMessageSize ?? DEFAULT_MAX_RECEIVE,
      maxSendMessageSize: options.maxSendMessageSize ?? Infinity,
    };
    const settings = { maxConcurrentStreams: options.maxConcurrentStreams ?? 1000, maxHeaderListSize: options.maxMetadataSize ?? 16 * 1024 };
    const http2Options = { settings, maxSessionMemory: 64 };
    this.http2 = options.tls ? createSecureServer({ ...options.tls, ...http2Options, allowHTTP1: false }) : createHttp2Server(http2Options);
    this.http2.on("session", (session: ServerHttp2Session) => {
      this.sessions.add(session);
      // Read once per connection, while the socket is open: a call's log line may need it after a disconnect.
      const socket = session.socket;
      this.peers.set(session, socket ? `${socket.remoteAddress}:${socket.remotePort}` : "unknown");
      session.on("close", () => this.sessions.delete(session));
      session.on("error", () => {});
    });
    this.http2.on("stream", (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => this.onStream(stream, headers));
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
      this.routes.set(method.path, direct ? { method, handler, direct: bound as (r: object, c: ServerContext) => unknown } : { method, handler });
    }
    return this;
  }

  /** Starts listening on "host:port" (":port" or a bare port for every interface); resolves with the port. */
  listen(address: string | number): Promise<number> {
    const text = String(address);
    const colon = text.lastIndexOf(":");
    const port = Number(colon >= 0 ? text.slice(colon + 1) : text);
    const host = colon > 0 ? text.slice(0, colon).replace(/^\[|\]$/g, "") : undefined;
    return new Promise((resolve, reject) => {
      this.http2.once("error", reject);
      this.http2.listen(port, host, () => {
        this.http2.off("error", reject);
        resolve((this.http2.address() as AddressInfo).port);
      });
    });
  }

  private onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    stream.on("error", () => {});
    if (headers[":method"] !== "POST") {
      stream.respond({ ":status": 405, allow: "POST" }, { endStream: true });
      return;
    }
    const contentType = headers["content-type"] ?? "";
    if (!contentType.startsWith("application/grpc")) {
      // Not gRPC: an HTTP error, so that a plain HTTP/2 client does not mistake a 200 for success.
      stream.respond({ ":status": 415, "grpc-status": String(Status.INTERNAL), "grpc-message": encodeURIComponent(`Unsupported content-type "${contentType}"`) }, { endStream: true });
      return;
    }
    if (this.shuttingDown) {
      stream.respond(trailersOnly(Status.UNAVAILABLE, "The server is shutting down"), { endStream: true });
      return;
    }
    const path = headers[":path"] ?? "";
    const route = this.routes.get(path);
    if (!route) {
      stream.respond(trailersOnly(Status.UNIMPLEMENTED, `Method not found: ${path}`), { endStream: true });
      closeAfterStatus(stream);
      return;
    }
    const peer = (stream.session && this.peers.get(stream.session)) ?? "unknown";
    const call = new RunningCall(stream, headers, peer, route, this.limits, this.callDone, this.logError);
    this.calls.add(call);
  }

  /**
   * Stops taking calls (GOAWAY), lets the calls in flight finish for up to `graceMs`, then cancels what is left and
   * closes every connection.
   */
  async shutdown(graceMs = 10_000): Promise<void> {
    this.shuttingDown = true;
    this.options.health?.shutdown();
    const closed = new Promise<void>((resolve) => this.http2.close(() => resolve()));
    for (const s of this.sessions) s.close();
    const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([closed, grace]);
    this.forceShutdown();
    await closed;
  }

  /** Cancels every call and closes every connection now. */
  forceShutdown(): void {
    this.shuttingDown = true;
    this.options.health?.shutdown();
    for (const call of [...this.calls]) call.cancel();
    for (const s of this.sessions) s.destroy();
    this.http2.close();
  }
}

export function createServer(options?: ServerOptions): Server {
  return new Server(options);
}
