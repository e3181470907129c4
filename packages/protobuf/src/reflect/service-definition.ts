import type { FileDescriptorProto } from "../descriptor/descriptor-types.js";
import type { MessageType } from "../message/message-type.js";
import type { Registry } from "./registry.js";

export type MethodKind = "unary" | "server_streaming" | "client_streaming" | "bidi_streaming";

/** One RPC of a service: what routing, client stubs, reflection and the CLI need to know about it. */
export interface MethodDefinition<I extends object = any, O extends object = any> {
  /** As in the .proto: `GetUser`. */
  readonly name: string;
  /** The HTTP/2 path: `/userservice.UserService/GetUser`. */
  readonly path: string;
  readonly kind: MethodKind;
  readonly input: MessageType<I>;
  readonly output: MessageType<O>;
  /** Marked `option idempotency_level = NO_SIDE_EFFECTS` or `IDEMPOTENT` in the .proto. */
  readonly idempotent?: boolean;
}

/** A service: its full name and its methods, keyed by their lowerCamelCase names. */
export interface ServiceDefinition<M extends Record<string, MethodDefinition> = Record<string, MethodDefinition>> {
  readonly typeName: string;
  readonly methods: M;
  /** The .proto file that defines the service, and the registry holding it and its imports (for reflection). */
  readonly file?: { readonly proto: FileDescriptorProto; readonly registry: Registry };
}

export function methodKind(clientStreaming: boolean, serverStreaming: boolean): MethodKind {
  if (clientStreaming) return serverStreaming ? "bidi_streaming" : "client_streaming";
  return serverStreaming ? "server_streaming" : "unary";
}
