import type { MessageType } from "@tsgrpc/protobuf";
import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import { compress, type Encoding } from "./compression.js";

/**
 * A response message encoded once, to be sent on many calls without encoding it again: the same change to every
 * watcher of a stream, a line to every member of a chat room, a cached answer (grpc-go's PreparedMsg). A handler
 * returns or yields it where it would return the message. The bytes are the message as it was when prepared.
 */
export class PreparedMessage<T extends object = object> {
  /** The message's protobuf encoding. */
  readonly bytes: Uint8Array;
  private compressed: Map<Encoding, Uint8Array> | undefined;

  constructor(
    readonly type: MessageType<T>,
    readonly message: T,
  ) {
    this.bytes = type.encode(message);
  }

  /** The bytes to send as a response of type `expected` (a prepared message of another type is a server bug). */
  bytesFor(expected: MessageType<object>): Uint8Array {
    if (expected.typeName !== this.type.typeName) {
      throw new GrpcError(Status.INTERNAL, `A ${this.type.typeName} was prepared as the response of a method that returns ${expected.typeName}`);
    }
    return this.bytes;
  }

  /** The bytes compressed with `encoding`, compressed once per encoding however many calls send them. */
  compressedWith(encoding: Encoding): Uint8Array {
    this.compressed ??= new Map();
    let bytes = this.compressed.get(encoding);
    if (bytes === undefined) this.compressed.set(encoding, (bytes = compress(encoding, this.bytes)));
    return bytes;
  }
}

/** Encodes `message` (missing fields take their defaults) once, for sending on many calls. */
export function prepareMessage<T extends object>(type: MessageType<T>, message: Partial<T>): PreparedMessage<T> {
  return new PreparedMessage(type, type.create(message));
}
