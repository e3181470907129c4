import { SpanStatusCode, type Attributes, type Span } from "@opentelemetry/api";
import { Status } from "@tsgrpc/grpc/web";
import { statusName } from "./status-name.js";

// The OpenTelemetry RPC semantic conventions for gRPC spans (docs/rpc/grpc.md, rpc-spans.md): what both sides share.

/** `rpc.method` of a method the server does not serve. */
export const OTHER_RPC_METHOD = "_OTHER";

/** The attributes known when the span starts (those samplers may look at). */
export function startAttributes(rpcMethod: string, originalMethod: string, address: { address: string; port?: number } | undefined): Attributes {
  const attributes: Attributes = { "rpc.system.name": "grpc", "rpc.method": rpcMethod };
  if (rpcMethod !== originalMethod) attributes["rpc.method_original"] = originalMethod;
  if (address) {
    attributes["server.address"] = address.address;
    if (address.port !== undefined) attributes["server.port"] = address.port;
  }
  return attributes;
}

/** The span name: `rpc.method`, or `rpc.system.name` when that is `_OTHER`. */
export function spanName(rpcMethod: string): string {
  return rpcMethod === OTHER_RPC_METHOD ? "grpc" : rpcMethod;
}

/** The codes a server's span counts as errors (grpc.md: the others are the client's doing, not the server's). */
const SERVER_ERRORS: ReadonlySet<Status> = new Set([Status.UNKNOWN, Status.DEADLINE_EXCEEDED, Status.UNIMPLEMENTED, Status.INTERNAL, Status.UNAVAILABLE, Status.DATA_LOSS]);

/**
 * Ends an RPC span with its status: `rpc.status_code` always; for an error (any code but OK on the client, the codes
 * above on the server), `error.type` (the code, or `errorType` when the call failed without one) and status ERROR.
 */
export function endRpcSpan(span: Span, side: "client" | "server", code: Status, message: string, errorType?: string): void {
  span.setAttribute("rpc.status_code", statusName(code));
  if (code !== Status.OK && (side === "client" || SERVER_ERRORS.has(code))) {
    span.setAttribute("error.type", errorType ?? statusName(code));
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  }
  span.end();
}
