import type { MessageType, MessageInit } from "@tsgrpc/protobuf";
import type { GrpcError } from "./grpc-error.js";
import type { StatusDetail } from "./protocol/status-details.js";

export {
  BadRequest,
  BadRequest_FieldViolation,
  DebugInfo,
  ErrorInfo,
  Help,
  LocalizedMessage,
  PreconditionFailure,
  QuotaFailure,
  RequestInfo,
  ResourceInfo,
  RetryInfo,
} from "./gen/google/rpc/error_details_pb.js";

const PREFIX = "type.googleapis.com/";

/**
 * A detail for GrpcError's `details` (google.rpc.Status in grpc-status-details-bin):
 *   throw new GrpcError(Status.INVALID_ARGUMENT, "Invalid user", {
 *     details: [packDetail(BadRequest, { fieldViolations: [{ field: "email", description: "not an address" }] })],
 *   });
 */
export function packDetail<T extends object>(type: MessageType<T>, message: MessageInit<T>): StatusDetail {
  return { typeUrl: PREFIX + type.typeName, value: type.encode(type.create(message)) };
}

/** The first detail of this type that came with the error, decoded; undefined when there is none. */
export function findDetail<T extends object>(error: GrpcError, type: MessageType<T>): T | undefined {
  const detail = error.details.find((d) => d.typeUrl.slice(d.typeUrl.lastIndexOf("/") + 1) === type.typeName);
  return detail ? type.decode(detail.value) : undefined;
}
