import type { MessageType } from "@tsgrpc/protobuf";
import { GrpcError } from "../../grpc-error.js";
import { decompress, type Encoding } from "../../protocol/compression.js";
import { Status } from "../../status.js";

/**
 * A Connect request message that does not parse, in either codec, is INVALID_ARGUMENT (HTTP 400), as connect-go
 * answers (protocol_connect.go's unary unmarshaler, envelope.go's envelope reader). gRPC calls keep gRPC's INTERNAL.
 * connect-es differs: since 2024 it answers INTERNAL for binary (serialization.ts), INVALID_ARGUMENT for JSON.
 */
export const UNPARSABLE_REQUEST = Status.INVALID_ARGUMENT;

/**
 * A request message's bytes decompressed: bytes that are not what their encoding says are a request that does not
 * parse (INVALID_ARGUMENT, as connect-go answers), not the server's INTERNAL; too large stays RESOURCE_EXHAUSTED.
 */
export function decompressRequest(encoding: Encoding, data: Uint8Array, limit: number): Uint8Array {
  try {
    return decompress(encoding, data, limit);
  } catch (e) {
    if (e instanceof GrpcError && e.code === Status.INTERNAL) throw new GrpcError(UNPARSABLE_REQUEST, e.rawMessage);
    throw e;
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/**
 * A Connect request or response message between its wire codec and the binary form the call runner reads and writes.
 * "proto" is the binary form itself; "json" is proto3's canonical JSON (the project's codec, which matches protoc's).
 */
export interface MessageCodec {
  /** The request message's bytes as binary; a message that does not parse is INVALID_ARGUMENT, naming the field. */
  toBinary(type: MessageType<object>, data: Uint8Array): Uint8Array;
  fromBinary(type: MessageType<object>, binary: Uint8Array): Uint8Array;
  /** The request message itself (for a call runner that takes objects); INVALID_ARGUMENT as toBinary. */
  decode(type: MessageType<object>, data: Uint8Array): object;
  /** A response message in the codec's bytes. */
  encode(type: MessageType<object>, message: object): Uint8Array;
}

const protoCodec: MessageCodec = {
  toBinary: (_type, data) => data,
  fromBinary: (_type, binary) => binary,
  decode(type, data) {
    try {
      return type.decode(data);
    } catch (e) {
      throw new GrpcError(UNPARSABLE_REQUEST, `Failed to parse the request: ${(e as Error).message}`);
    }
  },
  encode: (type, message) => type.encode(message),
};

const jsonCodec: MessageCodec = {
  toBinary: (type, data) => type.encode(jsonCodec.decode(type, data)),
  fromBinary: (type, binary) => jsonCodec.encode(type, type.decode(binary)),
  decode(type, data) {
    try {
      return type.fromJsonString(utf8.decode(data));
    } catch (e) {
      throw new GrpcError(UNPARSABLE_REQUEST, `Failed to parse the request as JSON: ${(e as Error).message}`);
    }
  },
  encode: (type, message) => encoder.encode(type.toJsonString(message)),
};

export function messageCodec(codec: "proto" | "json"): MessageCodec {
  return codec === "json" ? jsonCodec : protoCodec;
}
