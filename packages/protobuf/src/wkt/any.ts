import type { MessageInit } from "../message/message-shape.js";
import type { MessageType } from "../message/message-type.js";
import type { Any } from "./gen/google/protobuf/any_pb.js";
import { Any as AnyType } from "./gen/google/protobuf/any_pb.js";


/** The full name an Any's type URL names: what follows its last `/`. */
function typeNameOf(any: { typeUrl?: string | undefined }): string {
  const url = any.typeUrl ?? "";
  return url.slice(url.lastIndexOf("/") + 1);
}

/** Packs a message into a google.protobuf.Any. */
export function anyPack<T extends object>(type: MessageType<T>, message: MessageInit<T>): Any {
  return AnyType.create({ typeUrl: `type.googleapis.com/${type.typeName}`, value: type.encode(message) });
}

/** Whether the Any holds a message of `type` (or of the type named `typeName`). */
export function anyIs(any: { typeUrl?: string | undefined }, type: { readonly typeName: string } | string): boolean {
  return typeNameOf(any) === (typeof type === "string" ? type : type.typeName);
}

/** The message the Any holds, decoded as `type`; undefined when it holds another type. */
export function anyUnpack<T extends object>(any: { typeUrl?: string | undefined; value?: Uint8Array | undefined }, type: MessageType<T>): T | undefined {
  return anyIs(any, type) ? type.decode(any.value ?? new Uint8Array(0)) : undefined;
}
