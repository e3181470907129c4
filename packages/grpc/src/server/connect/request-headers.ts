import type { IncomingHttpHeaders } from "node:http2";
import { GrpcError } from "../../grpc-error.js";
import { Status } from "../../status.js";

/** Connect's request headers that the call sees in their gRPC form (or not at all), never as metadata. */
const CONNECT_HEADERS = ["connect-protocol-version", "connect-timeout-ms", "connect-content-encoding", "connect-accept-encoding", "content-encoding", "accept-encoding", "content-length"];

/** What the call runner reads from a Connect request's headers, named as gRPC names them. */
export interface CallEncodings {
  /** The encoding of the request messages the runner decodes (a unary body is decompressed before it). */
  request?: string;
  /** The encodings the client accepts for responses. */
  accept?: string;
}

/** connect-timeout-ms: at most 10 digits (connectrpc.com/docs/protocol#unary-request). */
const TIMEOUT_MS = /^\d{1,10}$/;

/**
 * The request's headers as the call runner reads them: connect-timeout-ms as grpc-timeout, the encodings as
 * grpc-encoding and grpc-accept-encoding, Connect's own headers removed (they are not metadata). A wrong
 * connect-protocol-version or timeout is INVALID_ARGUMENT.
 */
export function callHeaders(headers: IncomingHttpHeaders, encodings: CallEncodings, protocolVersion: string | undefined): IncomingHttpHeaders {
  if (protocolVersion !== undefined && protocolVersion !== "1") {
    throw new GrpcError(Status.INVALID_ARGUMENT, `Unsupported connect-protocol-version "${protocolVersion}" (this server speaks version 1)`);
  }
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!CONNECT_HEADERS.includes(name) && !name.startsWith("grpc-")) out[name] = value;
  const timeout = headers["connect-timeout-ms"];
  if (timeout !== undefined) {
    if (typeof timeout !== "string" || !TIMEOUT_MS.test(timeout)) throw new GrpcError(Status.INVALID_ARGUMENT, `Invalid connect-timeout-ms "${timeout}"`);
    // grpc-timeout takes at most 8 digits: longer timeouts go in whole seconds (rounded up, never shorter).
    out["grpc-timeout"] = timeout.length <= 8 ? `${timeout}m` : `${Math.ceil(Number(timeout) / 1000)}S`;
  }
  if (encodings.request && encodings.request !== "identity") out["grpc-encoding"] = encodings.request;
  if (encodings.accept) out["grpc-accept-encoding"] = encodings.accept;
  return out;
}
