import type { MethodDefinition, MessageInit } from "@tsgrpc/protobuf";
import type { CallOptions } from "./call-options.js";

export type Requests<T> = AsyncIterable<MessageInit<T>> | Iterable<MessageInit<T>>;

/**
 * How a client's calls reach a server: a Channel (gRPC over HTTP/2, on Node) or a gRPC-Web transport (fetch, in
 * browsers). `createClient` takes either.
 */
export interface Transport {
  /** The target in gRPC's canonical form, for a transport that has one (a Channel); interceptors see it as `target`. */
  readonly canonicalTarget?: string;
  /** Starts a call with any number of requests; its responses are read as a stream that ends with the status. */
  stream<I extends object, O extends object>(method: MethodDefinition<I, O>, requests: Requests<I>, options: CallOptions): AsyncIterable<O>;
  /** One request, one response: the path of unary calls that no interceptor sees. */
  unary<I extends object, O extends object>(method: MethodDefinition<I, O>, request: MessageInit<I>, options: CallOptions): Promise<O>;
}
