// tsgrpc with @tsgrpc/opentelemetry recording into the OpenTelemetry SDK as a service would run it: A66 metrics
// aggregated (exported every 10 s, to nowhere), every call's span sampled and batched (exported to nowhere), W3C trace
// context extracted, AsyncLocalStorage as the context manager (bench/otel.mjs).
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { createOpenTelemetry } from "@tsgrpc/opentelemetry";
import { start as startTsgrpc } from "./tsgrpc.mjs";

/** An exporter that drops what it is given (the cost measured is the recording, not a collector's network). */
const discard = { export: (_items, done) => done({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };

export function start(port) {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const meterProvider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: discard, exportIntervalMillis: 10_000 })] });
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(discard)] });
  const otel = createOpenTelemetry({ meterProvider, tracerProvider, propagator: new W3CTraceContextPropagator() });
  return startTsgrpc(port, "tsgrpc", {}, { callTracer: otel.serverCallTracer });
}
