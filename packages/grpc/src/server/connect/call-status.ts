import { decodeStatusDetails, type StatusDetail } from "../../protocol/status-details.js";
import { decodeStatusMessage } from "../../protocol/status-message.js";
import { Status } from "../../status.js";
import type { HeaderMap } from "../call-exchange.js";

/** A call's status and metadata, taken apart from the gRPC header fields the call runner writes. */
export interface CallStatus {
  code: Status;
  message: string;
  details: StatusDetail[];
  /** Everything else: the handler's metadata (and the runner's grpc-encoding and grpc-accept-encoding). */
  metadata: HeaderMap;
}

const STATUS_FIELDS = new Set(["grpc-status", "grpc-message", "grpc-status-details-bin"]);

export function callStatus(fields: HeaderMap): CallStatus {
  const metadata: HeaderMap = {};
  for (const [name, value] of Object.entries(fields)) if (!STATUS_FIELDS.has(name)) metadata[name] = value;
  const details = fields["grpc-status-details-bin"];
  return {
    code: Number(fields["grpc-status"] ?? Status.UNKNOWN) as Status,
    message: decodeStatusMessage(String(fields["grpc-message"] ?? "")),
    details: typeof details === "string" ? decodeStatusDetails(details) : [],
    metadata,
  };
}

/** The runner's own header fields, which Connect names differently (or not at all). */
export function withoutGrpcFields(metadata: HeaderMap): HeaderMap {
  const out: HeaderMap = {};
  for (const [name, value] of Object.entries(metadata)) if (!name.startsWith("grpc-")) out[name] = value;
  return out;
}
