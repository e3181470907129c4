import type { MessageType } from "@tsgrpc/protobuf";
import { GrpcError } from "../../grpc-error.js";
import { Status } from "../../status.js";

/**
 * A Connect request message that does not parse, in either codec, is INVALID_ARGUMENT (HTTP 400), as connect-go
 * answers (protocol_connect.go's unary unmarshaler, envelope.go's envelope reader). gRPC calls keep gRPC's INTERNAL.
 * connect-es differs: since 2024 it answers INTERNAL for binary (serialization.ts), INVALID_ARGUMENT for JSON.
 */
export const UNPARSABLE_REQUEST = Status.INVALID_ARGUMENT;

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
}

const protoCodec: MessageCodec = {
  toBinary: (_type, data) => data,
  fromBinary: (_type, binary) => binary,
};

const jsonCodec: MessageCodec = {
  toBinary(type, data) {
    let message: object;
    try {
      message = type.fromJsonString(utf8.decode(data));
    } catch (e) {
      throw new GrpcError(UNPARSABLE_REQUEST, `Failed to parse the request as JSON: ${(e as Error).message}`);
    }
    return type.encode(message);
  },
  fromBinary: (type, binary) => encoder.encode(type.toJsonString(type.decode(binary))),
};

export function messageCodec(codec: "proto" | "json"): MessageCodec {
  return codec === "json" ? jsonCodec : protoCodec;
}
