import { base64Decode } from "@tsgrpc/protobuf/codegen-support";
import { GrpcError } from "../grpc-error.js";
import type { Metadata } from "../metadata.js";
import { Status } from "../status.js";
import { statusOfConnectCode, statusOfHttp } from "./connect-codes.js";
import type { StatusDetail } from "./status-details.js";

const TYPE_URL_PREFIX = "type.googleapis.com/";

/** One detail of a Connect error JSON ({ type, value: base64 }); undefined for a malformed one, which is dropped. */
function detailOf(json: unknown): StatusDetail | undefined {
  if (typeof json !== "object" || json === null) return undefined;
  const { type, value } = json as { type?: unknown; value?: unknown };
  if (typeof type !== "string" || typeof value !== "string") return undefined;
  const bytes = base64Decode(value);
  return bytes ? { typeUrl: type.includes("/") ? type : TYPE_URL_PREFIX + type, value: bytes } : undefined;
}

/**
 * The error of a Connect response (connectrpc.com/docs/protocol#error-end-stream): from its error JSON when there is
 * one with a known code, otherwise the status the spec gives the HTTP status (`httpStatus`, or UNKNOWN without one).
 */
export function errorFromConnect(json: unknown, httpStatus: number | undefined, metadata: Metadata): GrpcError {
  const fallback = httpStatus === undefined ? Status.UNKNOWN : statusOfHttp(httpStatus);
  if (typeof json !== "object" || json === null) return new GrpcError(fallback, `Received HTTP status ${httpStatus ?? "200"} without a Connect error`, { metadata });
  const { code, message, details } = json as { code?: unknown; message?: unknown; details?: unknown };
  const status = typeof code === "string" ? statusOfConnectCode(code) : undefined;
  const text = typeof message === "string" ? message : "";
  const parsed = Array.isArray(details) ? details.map(detailOf).filter((d): d is StatusDetail => d !== undefined) : [];
  return new GrpcError(status ?? fallback, text, { metadata, details: parsed });
}

/** Parses a JSON body, or undefined when it is not JSON. */
export function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}
