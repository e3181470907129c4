import type { MethodDefinition, MethodKind, ServiceDefinition, MessageInit } from "@tsgrpc/protobuf";
import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import { Metadata } from "../metadata.js";
import { type CallOptions, toMetadata } from "./call-options.js";
import type { Requests, Transport } from "./transport.js";

export type ClientMethod<M> =
  M extends MethodDefinition<infer I, infer O>
    ? MethodKind extends M["kind"]
      ? (requestOrRequests: any, options?: CallOptions) => any // a service known only at run time
      : M["kind"] extends "unary"
      ? (request: MessageInit<I>, options?: CallOptions) => Promise<O>
      : M["kind"] extends "server_streaming"
        ? (request: MessageInit<I>, options?: CallOptions) => AsyncIterable<O>
        : M["kind"] extends "client_streaming"
          ? (requests: Requests<I>, options?: CallOptions) => Promise<O>
          : (requests: Requests<I>, options?: CallOptions) => AsyncIterable<O>
    : never;

/** A typed stub: one method per RPC of the service, keyed like the ServiceDefinition's methods. */
export type Client<S extends ServiceDefinition> = { [K in keyof S["methods"]]: ClientMethod<S["methods"][K]> };

/** The one response of a unary or client-streaming call. */
async function single<O>(responses: AsyncIterable<O>): Promise<O> {
  let result: O | undefined;
  for await (const r of responses) {
    if (result !== undefined) throw new GrpcError(Status.UNIMPLEMENTED, "Expected one response message, got more");
    result = r;
  }
  if (result === undefined) throw new GrpcError(Status.UNIMPLEMENTED, "Expected one response message, got none");
  return result;
}

/** Every call as client interceptors see it: the method, the requests going out, and the options (metadata). */
export interface ClientCallInfo {
  readonly method: MethodDefinition;
  readonly requests: AsyncIterable<object> | Iterable<object>;
  readonly options: CallOptions & { metadata: Metadata };
  /** The channel's target in gRPC's canonical form (`dns:///localhost:50051`); none on gRPC-Web. */
  readonly target?: string | undefined;
}

export type ClientCallHandler = (call: ClientCallInfo) => AsyncIterable<object>;

/**
 * Middleware around every call a client makes; the same shape as on the server:
 *
 *   const auth: ClientInterceptor = (next) => (call) => {
 *     call.options.metadata.set("authorization", `Bearer ${token}`);
 *     return next(call);
 *   };
 */
export type ClientInterceptor = (next: ClientCallHandler) => ClientCallHandler;

export interface ClientOptions extends CallOptions {
  interceptors?: ClientInterceptor[];
}

/**
 * The metadata of a call that nothing will modify (no interceptors): the client's or the call's as they are when only
 * one has any, merged into a new Metadata when both do, undefined when neither does.
 */
function readOnlyMetadata(client: CallOptions["metadata"], call: CallOptions["metadata"]): CallOptions["metadata"] {
  if (call === undefined) return client;
  if (client === undefined) return call;
  return toMetadata(client).merge(toMetadata(call));
}

/**
 * A typed client of a service over a transport: a Channel (gRPC over HTTP/2) or a gRPC-Web transport (browsers).
 */
export function createClient<S extends ServiceDefinition>(service: S, transport: Transport, clientOptions: ClientOptions = {}): Client<S> {
  const { interceptors = [], ...defaults } = clientOptions;
  const target = transport.canonicalTarget;
  const base: ClientCallHandler = (c) => transport.stream(c.method, c.requests as Requests<object>, c.options);
  const handler = interceptors.reduceRight<ClientCallHandler>((next, interceptor) => interceptor(next), base);
  const client: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(service.methods)) {
    const call = (requests: Requests<object>, options?: CallOptions) => {
      const metadata = toMetadata(defaults.metadata).merge(toMetadata(options?.metadata));
      return handler({ method, requests, options: { ...defaults, ...options, metadata }, target });
    };
    switch (method.kind) {
      case "unary":
        client[name] =
          interceptors.length === 0
            ? // With no interceptor to see the call, a unary call skips the stream machinery: one request out, one promise back.
              (request: object, options?: CallOptions) =>
                transport.unary(method, request, { ...defaults, ...options, metadata: readOnlyMetadata(defaults.metadata, options?.metadata) })
            : (request: object, options?: CallOptions) => single(call([request], options));
        break;
      case "server_streaming":
        client[name] = (request: object, options?: CallOptions) => call([request], options);
        break;
      case "client_streaming":
        client[name] = (requests: Requests<object>, options?: CallOptions) => single(call(requests, options));
        break;
      default:
        client[name] = call;
    }
  }
  return client as Client<S>;
}
