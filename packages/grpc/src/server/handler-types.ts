import type { MethodDefinition, MethodKind, ServiceDefinition, MessageInit } from "@tsgrpc/protobuf";
import type { PreparedMessage } from "../protocol/prepared-message.js";
import type { ServerContext } from "./server-context.js";

/** A response: the message (or part of it), or the message encoded once for many calls (`prepareMessage`). */
export type Response<T> = MessageInit<T> | PreparedMessage<T & object>;

export type UnaryHandler<I, O> = (request: I, ctx: ServerContext) => Promise<Response<O>> | Response<O>;
/**
 * The responses as an async iterable (an `async function*`), or a sync one (a `function*`, an array) when they need no
 * awaiting: the server then sends them without a promise per message.
 */
export type ServerStreamingHandler<I, O> = (request: I, ctx: ServerContext) => AsyncIterable<Response<O>> | Iterable<Response<O>>;
export type ClientStreamingHandler<I, O> = (requests: AsyncIterable<I>, ctx: ServerContext) => Promise<Response<O>>;
export type BidiStreamingHandler<I, O> = (requests: AsyncIterable<I>, ctx: ServerContext) => AsyncIterable<Response<O>> | Iterable<Response<O>>;

export type HandlerFor<M> =
  M extends MethodDefinition<infer I, infer O>
    ? MethodKind extends M["kind"]
      ? (requestOrRequests: any, ctx: ServerContext) => any // a service known only at run time
      : M["kind"] extends "unary"
      ? UnaryHandler<I, O>
      : M["kind"] extends "server_streaming"
        ? ServerStreamingHandler<I, O>
        : M["kind"] extends "client_streaming"
          ? ClientStreamingHandler<I, O>
          : BidiStreamingHandler<I, O>
    : never;

/** An implementation of a service: one handler per method, keyed like the ServiceDefinition's methods. */
export type ServiceImplementation<S extends ServiceDefinition> = { [K in keyof S["methods"]]: HandlerFor<S["methods"][K]> };

/**
 * Every call, whatever its kind, as interceptors see it: a stream of requests in, a stream of responses out.
 * (A unary call is one request and one response.)
 */
export interface ServerCall {
  readonly method: MethodDefinition;
  readonly ctx: ServerContext;
  readonly requests: AsyncIterable<object>;
}

export type ServerCallHandler = (call: ServerCall) => AsyncIterable<object>;

/**
 * Middleware around every call. It can read and add metadata (ctx), refuse the call by throwing a GrpcError, wrap the
 * request or response streams, and see how the call ended:
 *
 *   const logging: ServerInterceptor = (next) => async function* (call) {
 *     const started = Date.now();
 *     try { yield* next(call); console.log(call.method.path, "OK", Date.now() - started); }
 *     catch (e) { console.log(call.method.path, GrpcError.from(e).code); throw e; }
 *   };
 *
 * A response in the stream may be a PreparedMessage (see prepareMessage): its `message` is what it encodes, and an
 * interceptor that changes responses must yield a new message rather than edit that one.
 */
export type ServerInterceptor = (next: ServerCallHandler) => ServerCallHandler;
