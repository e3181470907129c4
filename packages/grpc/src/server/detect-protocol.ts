import { grpcWebFormat } from "../protocol/grpc-web.js";
import { connectFormat } from "./connect/connect-format.js";

/** The protocols the server's router tells apart, and the CORS preflight a browser sends before a cross-origin call. */
export type Protocol = "grpc" | "grpc-web" | "connect" | "connect-get" | "preflight";

export interface EnabledProtocols {
  grpcWeb: boolean;
  connect: boolean;
}

const GRPC_CONTENT_TYPE = /^application\/grpc(\+proto)?\s*(;|$)/i;

/**
 * Which protocol a request speaks, from its method and content-type alone (nothing of it is read): undefined for a
 * request that is none of them (a web page, a probe, a wrong content-type).
 */
export function detectProtocol(method: string, contentType: string, enabled: EnabledProtocols): Protocol | undefined {
  if (method === "POST") {
    if (GRPC_CONTENT_TYPE.test(contentType)) return "grpc";
    if (enabled.grpcWeb && grpcWebFormat(contentType) !== undefined) return "grpc-web";
    if (enabled.connect && connectFormat(contentType) !== undefined) return "connect";
    return undefined;
  }
  if (method === "OPTIONS" && (enabled.grpcWeb || enabled.connect)) return "preflight";
  if (method === "GET" && enabled.connect) return "connect-get";
  return undefined;
}
