import { GrpcError } from "../grpc-error.js";
import { Metadata } from "../metadata.js";
import { Status } from "../status.js";
import { decodeStatusDetails } from "./status-details.js";
import { decodeStatusMessage } from "./status-message.js";

/**
 * The status of a call from the fields that carry it (trailers, or the headers of a trailers-only response): null for
 * OK, otherwise a GrpcError with the message, the trailing metadata and the rich error details.
 */
export function statusFromFields(fields: Record<string, string | string[] | number | undefined>, onTrailer?: (trailers: Metadata) => void): GrpcError | null {
  const raw = fields["grpc-status"];
  const code = raw !== undefined && /^\d+$/.test(String(raw)) ? Number(raw) : Status.UNKNOWN;
  if (code === Status.OK && !onTrailer) return null; // no Metadata built for trailers nobody reads
  const message = decodeStatusMessage(String(fields["grpc-message"] ?? ""));
  const metadata = Metadata.fromHeaders(fields);
  onTrailer?.(metadata);
  const detailsHeader = fields["grpc-status-details-bin"];
  const details = typeof detailsHeader === "string" ? decodeStatusDetails(detailsHeader) : [];
  return code === Status.OK ? null : new GrpcError(code, message, { metadata, details });
}
