// @tsgrpc/grpc/web: the browser side of tsgrpc. Typed clients over gRPC-Web (fetch + ReadableStream), with nothing
// from Node: the same createClient, errors and metadata as on the server side.
export { Status } from "./status.js";
export { GrpcError, type GrpcErrorOptions } from "./grpc-error.js";
export { Metadata, type MetadataValue } from "./metadata.js";
export { createClient, type Client, type ClientMethod, type ClientInterceptor, type ClientCallHandler, type ClientCallInfo, type ClientOptions } from "./client/client.js";
export type { CallOptions } from "./client/call-options.js";
export type { Transport } from "./client/transport.js";
export type { GrpcWebTransport, GrpcWebTransportOptions } from "./client/grpc-web-transport.js";
export type { ConnectTransport, ConnectTransportOptions } from "./client/connect-transport.js";
export * from "./error-details.js";
export type { StatusDetail } from "./protocol/status-details.js";

import { GrpcWebTransport, type GrpcWebTransportOptions } from "./client/grpc-web-transport.js";
import { ConnectTransport, type ConnectTransportOptions } from "./client/connect-transport.js";

/** A gRPC-Web transport for `createClient`: `createClient(UserService, createGrpcWebTransport({ baseUrl: "" }))`. */
export function createGrpcWebTransport(options: GrpcWebTransportOptions): GrpcWebTransport {
  return new GrpcWebTransport(options);
}

/**
 * A Connect protocol transport for `createClient`, over fetch (browsers and Node):
 * `createClient(UserService, createConnectTransport({ baseUrl: "", useBinaryFormat: true, useHttpGet: true }))`.
 */
export function createConnectTransport(options: ConnectTransportOptions): ConnectTransport {
  return new ConnectTransport(options);
}

// grpc.health.v1, so that a page can show whether the server is serving (Health.Watch is server streaming).
export { Health, HealthCheckResponse_ServingStatus as ServingStatus } from "./gen/grpc/health/v1/health_pb.js";

// tsgrpc.admin.v1, so that a page can show a server's call counts (Admin.GetServerStats), and the latency quantiles
// of its histograms.
export { Admin } from "./gen/tsgrpc/admin/v1/admin_pb.js";
export { serverStatsSnapshot } from "./admin/stats-message.js";
export type { ServerStatsSnapshot, MethodStatsSnapshot } from "./server/server-stats.js";
export type { CallCountsSnapshot } from "./stats/call-counts.js";
export { LATENCY_BUCKETS, latencyQuantile } from "./stats/latency-histogram.js";
