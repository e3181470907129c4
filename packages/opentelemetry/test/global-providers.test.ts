import { test } from "node:test";
import assert from "node:assert/strict";
import { metrics, propagation, SpanKind, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { createChannel, createClient, createServer, Metadata } from "@tsgrpc/grpc";
import { createOpenTelemetry } from "../src/index.js";
import { Echo, echoImpl } from "./echo-fixture.js";
import "./telemetry-fixture.js"; // the context manager

// No global provider unless asked; with `useGlobal`, the API's globals, which record nothing until an SDK registers.

test("useGlobal: the no-op globals trace nothing; an SDK registered later gets the spans, the MeterProvider registered before the metrics", async () => {
  class Reader extends MetricReader {
    protected override async onForceFlush(): Promise<void> {}
    protected override async onShutdown(): Promise<void> {}
  }
  const reader = new Reader();
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  const otel = createOpenTelemetry({ useGlobal: true });
  const headers = { ":authority": "127.0.0.1:1" };
  assert.equal(otel.serverCallTracer({ path: "/otel.test.v1.Unserved/Nothing", registered: false, headers }) !== undefined, true, "metrics are on");

  const server = createServer({ callTracer: otel.serverCallTracer });
  server.add(Echo, echoImpl().impl);
  const port = await server.listen("127.0.0.1:0");
  const channel = createChannel(`127.0.0.1:${port}`);
  const client = createClient(Echo, channel, { interceptors: [otel.clientInterceptor] });
  const exporter = new InMemorySpanExporter();
  try {
    await client.unary({ text: "before" });
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    await client.unary({ text: "after" });
  } finally {
    channel.close();
    await server.shutdown(0);
  }
  const spans = exporter.getFinishedSpans();
  assert.deepEqual(spans.map((s) => s.kind).sort(), [SpanKind.SERVER, SpanKind.CLIENT].sort(), "one call's two spans: the one made after the SDK registered");
  const [client_, server_] = [spans.find((s) => s.kind === SpanKind.CLIENT)!, spans.find((s) => s.kind === SpanKind.SERVER)!];
  assert.equal(server_.parentSpanContext?.spanId, client_.spanContext().spanId, "the global propagator carried the context");
  const { resourceMetrics } = await reader.collect();
  const started = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === "grpc.server.call.started")!;
  const unary = started.dataPoints.filter((p) => p.attributes["grpc.method"] === "otel.test.v1.Echo/Unary");
  assert.deepEqual(unary.map((p) => p.value), [2], "both calls counted");
});

test("without providers nothing is traced, though an SDK is registered globally: the server keeps its untraced path, the client adds no metadata", () => {
  assert.equal(trace.getTracerProvider().getTracer("x").startSpan("x").isRecording(), true, "the test before registered an SDK globally");
  const otel = createOpenTelemetry();
  assert.equal(otel.serverCallTracer({ path: "/otel.test.v1.Echo/Unary", registered: true, headers: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" } }), undefined);
  const metadata = new Metadata();
  const next = () => (async function* () {})();
  otel.clientInterceptor(next)({ method: Echo.methods.unary, requests: [], options: { metadata }, target: undefined });
  assert.deepEqual(metadata.keys(), []);
});
