// tsgrpc with @tsgrpc/opentelemetry on the OpenTelemetry API's global providers with no SDK registered: the no-op
// meter, tracer and propagator. What instrumenting costs a server whose telemetry is switched off (bench/otel.mjs).
import { createOpenTelemetry } from "@tsgrpc/opentelemetry";
import { start as startTsgrpc } from "./tsgrpc.mjs";

export function start(port) {
  const otel = createOpenTelemetry({ useGlobal: true });
  return startTsgrpc(port, "tsgrpc", {}, { callTracer: otel.serverCallTracer });
}
