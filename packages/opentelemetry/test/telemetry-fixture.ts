import assert from "node:assert/strict";
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { AggregationTemporality, DataPointType, MeterProvider, MetricReader, type HistogramMetricData, type MetricData, type SumMetricData } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { createChannel, createClient, createServer, type Channel, type ChannelOptions, type Server } from "@tsgrpc/grpc";
import { createOpenTelemetry, type GrpcOpenTelemetry, type OpenTelemetryOptions } from "../src/index.js";
import { Echo, echoImpl, Unserved } from "./echo-fixture.js";

// The real OpenTelemetry SDK around an Echo server and client that use @tsgrpc/opentelemetry: a MeterProvider with a
// reader the tests collect from, a tracer provider that keeps its spans in memory, and W3C trace context.

// Context flows through async code only with a context manager (an SDK's job, not the instrumentation's).
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

/** A reader that exports nothing: the test collects what the SDK aggregated, when it wants. */
class CollectingReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface Recording {
  readonly otel: GrpcOpenTelemetry;
  /** Every metric the SDK has now, by name. */
  metrics(): Promise<Map<string, MetricData>>;
  /** The spans ended so far. */
  spans(): ReadableSpan[];
}

export function recording(options: Pick<OpenTelemetryOptions, "unregisteredMethodFilter"> = {}): Recording {
  const reader = new CollectingReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const otel = createOpenTelemetry({ meterProvider, tracerProvider, propagator: new W3CTraceContextPropagator(), ...options });
  return {
    otel,
    async metrics() {
      const { resourceMetrics, errors } = await reader.collect();
      assert.deepEqual(errors, []);
      const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
      return new Map(all.map((m) => [m.descriptor.name, m]));
    },
    spans: () => exporter.getFinishedSpans(),
  };
}

/** An Echo server (its tracer from `rec`) and a client to it (with `rec`'s interceptor), closed by `stop`. */
export async function echoPair(rec: Recording, channelOptions: ChannelOptions = {}, nestedCalls = false) {
  let nested: ((text: string) => Promise<string>) | undefined;
  const { impl, events } = echoImpl(nestedCalls ? (text) => nested!(text) : undefined);
  const server: Server = createServer({ callTracer: rec.otel.serverCallTracer });
  server.add(Echo, impl);
  const port = await server.listen("127.0.0.1:0");
  const channel: Channel = createChannel(`127.0.0.1:${port}`, channelOptions);
  const interceptors = [rec.otel.clientInterceptor];
  const client = createClient(Echo, channel, { interceptors });
  const unserved = createClient(Unserved, channel, { interceptors });
  nested = async (text) => (await client.unary({ text: text.slice("fanout".length) || "inner" })).text;
  return {
    port,
    events,
    client,
    unserved,
    channel,
    async stop() {
      channel.close();
      await server.shutdown(0);
    },
  };
}

export interface PointSummary {
  attributes: Record<string, unknown>;
  /** Counter: the sum. Histogram: how many values were recorded. */
  count: number;
  /** Histogram only. */
  sum?: number;
  boundaries?: number[];
  bucketCounts?: number[];
}

/** A metric's data points, each by its attributes, sorted for stable comparisons. */
export function points(metric: MetricData | undefined): PointSummary[] {
  assert.ok(metric, "metric recorded");
  const out: PointSummary[] =
    metric.dataPointType === DataPointType.HISTOGRAM
      ? (metric as HistogramMetricData).dataPoints.map((p) => ({
          attributes: { ...p.attributes },
          count: p.value.count,
          sum: p.value.sum,
          boundaries: p.value.buckets.boundaries,
          bucketCounts: p.value.buckets.counts,
        }))
      : (metric as SumMetricData).dataPoints.map((p) => ({ attributes: { ...p.attributes }, count: p.value }));
  return out.sort((a, b) => JSON.stringify(a.attributes).localeCompare(JSON.stringify(b.attributes)));
}

/** What kind of instrument made a metric: a monotonic sum is a counter's. */
export function kindOf(metric: MetricData): "counter" | "histogram" | "other" {
  if (metric.dataPointType === DataPointType.HISTOGRAM) return "histogram";
  return metric.dataPointType === DataPointType.SUM && (metric as SumMetricData).isMonotonic ? "counter" : "other";
}

/** Just the attributes and the count of each data point. */
export function counts(metric: MetricData | undefined): { attributes: Record<string, unknown>; count: number }[] {
  return points(metric).map(({ attributes, count }) => ({ attributes, count }));
}
