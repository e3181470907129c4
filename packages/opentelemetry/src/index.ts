import type { ClientInterceptor, ServerCallTracerFactory } from "@tsgrpc/grpc";
import { clientInterceptor } from "./client-interceptor.js";
import { resolveTelemetry, type OpenTelemetryOptions } from "./options.js";
import { serverCallTracer } from "./server-call-tracer.js";

export type { OpenTelemetryOptions } from "./options.js";
export { INSTRUMENTATION_SCOPE } from "./options.js";
export { LATENCY_BUCKETS, SIZE_BUCKETS } from "./a66-instruments.js";

export interface GrpcOpenTelemetry {
  /** For `createClient(..., { interceptors: [clientInterceptor] })`: client spans, trace context out, A66 client metrics. */
  readonly clientInterceptor: ClientInterceptor;
  /** For `createServer({ callTracer: serverCallTracer })`: server spans, trace context in, A66 server metrics. */
  readonly serverCallTracer: ServerCallTracerFactory;
}

/**
 * gRFC A66 metrics and OpenTelemetry RPC spans for tsgrpc's clients and servers, on the providers given (the global
 * ones only with `useGlobal: true`):
 *
 *   const otel = createOpenTelemetry({ meterProvider, tracerProvider, propagator: new W3CTraceContextPropagator() });
 *   const server = createServer({ callTracer: otel.serverCallTracer });
 *   const client = createClient(Service, channel, { interceptors: [otel.clientInterceptor] });
 */
export function createOpenTelemetry(options: OpenTelemetryOptions = {}): GrpcOpenTelemetry {
  const telemetry = resolveTelemetry(options);
  return { clientInterceptor: clientInterceptor(telemetry), serverCallTracer: serverCallTracer(telemetry) };
}
