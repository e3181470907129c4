import type { MessageInit } from "@tsgrpc/protobuf";
import { type MessageType } from "@tsgrpc/protobuf";
import { BinaryWriter } from "@tsgrpc/protobuf/codegen-support";
import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import { compress, type Encoding } from "./compression.js";
import { isExempt } from "./compressed-flag.js";
import { checkSendSize, encodeEnvelope, HEADER_SIZE, writeEnvelopeHeader } from "./envelope.js";

/**
 * A response message encoded once, to be sent on many calls without encoding it again: the same change to every
 * watcher of a stream, a line to every member of a chat room, a cached answer (grpc-go's PreparedMsg). A handler
 * returns or yields it where it would return the message. The bytes are the message as it was when prepared.
 */
export class PreparedMessage<T extends object = object> {
  /** The message in its gRPC envelope, uncompressed. */
  private readonly plain: Uint8Array;
  /** The envelopes compressed with each encoding a call asked for. */
  private compressed: Map<Encoding, Uint8Array> | undefined;

  constructor(
    readonly type: MessageType<T>,
    readonly message: T,
  ) {
    // Through the writer, whose small results share slabs: a stream cycling through many prepared messages reads
    // them from a few contiguous buffers instead of one allocation each.
    this.plain = BinaryWriter.encodeWith((w) => {
      w.ensure(HEADER_SIZE);
      w.pos = HEADER_SIZE;
      type.encodeTo(message, w);
      writeEnvelopeHeader(w.buf, 0, w.pos - HEADER_SIZE, false);
    });
  }

  /** The message's protobuf encoding. */
  get bytes(): Uint8Array {
    return this.plain.subarray(HEADER_SIZE);
  }

  /**
   * The message as it goes on the wire for a method that responds with `expected` (a prepared message of another type
   * is a server bug) on a call that compresses with `encoding` (unless this message is exempt): its envelope, compressed
   * once however many calls send it, checked against the call's `maxSize`.
   */
  envelope(expected: { readonly typeName: string }, encoding: Encoding, maxSize: number): Uint8Array {
    if ((expected as unknown) !== this.type && expected.typeName !== this.type.typeName) {
      throw new GrpcError(Status.INTERNAL, `A ${this.type.typeName} was prepared as the response of a method that returns ${expected.typeName}`);
    }
    checkSendSize(this.plain.length - HEADER_SIZE, maxSize);
    if (encoding === "identity" || isExempt(this)) return this.plain;
    this.compressed ??= new Map();
    let envelope = this.compressed.get(encoding);
    if (envelope === undefined) this.compressed.set(encoding, (envelope = encodeEnvelope(compress(encoding, this.bytes), true)));
    return envelope;
  }
}

/** Encodes `message` (missing fields take their defaults) once, for sending on many calls. */
export function prepareMessage<T extends object>(type: MessageType<T>, message: MessageInit<T>): PreparedMessage<T> {
  return new PreparedMessage(type, type.create(message));
}
