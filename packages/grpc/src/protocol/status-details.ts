import { base64Decode, base64Encode } from "@tsgrpc/protobuf/codegen-support";
import { Status as RpcStatus } from "../gen/google/rpc/status_pb.js";
import type { Status } from "../status.js";

export interface StatusDetail {
  typeUrl: string;
  value: Uint8Array;
}

/** grpc-status-details-bin: a google.rpc.Status (code, message, details as Any), base64 without padding. */
export function encodeStatusDetails(code: Status, message: string, details: StatusDetail[]): string {
  return base64Encode(RpcStatus.encode({ code, message, details })).replace(/=+$/, "");
}

/** The details of a grpc-status-details-bin header; an undecodable header gives none rather than an error. */
export function decodeStatusDetails(header: string): StatusDetail[] {
  const bytes = base64Decode(header);
  if (!bytes) return [];
  try {
    return RpcStatus.decode(bytes).details;
  } catch {
    return [];
  }
}
