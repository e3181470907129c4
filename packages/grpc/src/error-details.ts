import type { MessageType, MessageInit } from "@tsgrpc/protobuf";
import { anyIs, anyPack, anyUnpack } from "@tsgrpc/protobuf/wkt";
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


/**
 * A detail for GrpcError's `details` (google.rpc.Status in grpc-status-details-bin):
 *   throw new GrpcError(Status.INVALID_ARGUMENT, "Invalid user", {
 *     details: [packDetail(BadRequest, { fieldViolations: [{ field: "email", description: "not an address" }] })],
 *   });
 */
export function packDetail<T extends object>(type: MessageType<T>, message: MessageInit<T>): StatusDetail {
  return anyPack(type, message);
}

/** The first detail of this type that came with the error, decoded; undefined when there is none. */
export function findDetail<T extends object>(error: GrpcError, type: MessageType<T>): T | undefined {
  const detail = error.details.find((d) => anyIs(d, type));
  return detail ? anyUnpack(detail, type) : undefined;
}
