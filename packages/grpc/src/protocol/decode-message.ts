import type { MessageType } from "@tsgrpc/protobuf";
import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import { markArrivedCompressed } from "./compressed-flag.js";
import { decompress, type Encoding } from "./compression.js";
import type { Envelope } from "./envelope.js";

/**
 * One received envelope as a message: decompressed (within `limit`) when flagged, decoded, and marked as having
 * arrived compressed. A message that does not decode is `unparsable`: INTERNAL unless the caller says otherwise, as
 * gRPC's spec asks of both sides (a Connect exchange says INVALID_ARGUMENT: see CallExchange.unparsableRequest).
 */
export function decodeMessage<T extends object>(type: MessageType<T>, envelope: Envelope, encoding: Encoding, limit: number, what: "request" | "response", unparsable = Status.INTERNAL): T {
  // A message's flag byte is 0 or 1 (compressed). Anything else (0x80, a gRPC-Web trailers frame, is one only in a
  // gRPC-Web response and is taken apart before it gets here) is not a message: INTERNAL, as grpc-go answers, rather
  // than a guess at what the peer meant.
  if (envelope.flags > 1) throw new GrpcError(Status.INTERNAL, `Received a message with an unexpected payload format (flags 0x${envelope.flags.toString(16)})`);
  const data = envelope.compressed ? decompress(encoding, envelope.data, limit) : envelope.data;
  let message: T;
  try {
    message = type.decode(data);
  } catch (e) {
    throw new GrpcError(unparsable, `Failed to parse the ${what}: ${(e as Error).message}`);
  }
  if (envelope.compressed) markArrivedCompressed(message);
  return message;
}
