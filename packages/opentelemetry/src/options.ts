import { createNoopMeter, metrics, propagation, ProxyTracerProvider, trace, type Meter, type MeterProvider, type TextMapPropagator, type Tracer, type TracerProvider } from "@opentelemetry/api";

export interface OpenTelemetryOptions {
  /** Where the gRFC A66 metrics go. Without one (and without `useGlobal`), no metric is recorded. */
  meterProvider?: MeterProvider;
  /** Where the RPC spans go. Without one (and without `useGlobal`), no span is made. */
  tracerProvider?: TracerProvider;
  /**
   * Carries the trace context in metadata (W3C `traceparent` and `tracestate` with @opentelemetry/core's
   * W3CTraceContextPropagator). Without one (and without `useGlobal`), nothing is injected or extracted.
   */
  propagator?: TextMapPropagator;
  /** Use the global MeterProvider, TracerProvider and propagator of @opentelemetry/api for those not given here. */
  useGlobal?: boolean;
  /**
   * The server's methods that it does not serve are recorded as "other" (gRFC A66) and `_OTHER` (the RPC semantic
   * conventions), so that a scanner cannot blow up the metrics' cardinality; this says which ones to name anyway.
   */
  unregisteredMethodFilter?: (method: string) => boolean;
}

/** The library's name and version, as A66 asks of the meter (and the tracer). */
export const INSTRUMENTATION_SCOPE = { name: "tsgrpc", version: "0.1.0" } as const;

/** What the options resolve to: a meter, a tracer and a propagator, each only when asked for. */
export interface Telemetry {
  readonly meter: Meter | undefined;
  readonly tracer: Tracer | undefined;
  /** Whether spans record now (checked per call): false while the tracer is the API's global proxy with no SDK behind it. */
  readonly tracing: () => boolean;
  readonly propagator: TextMapPropagator | undefined;
  readonly unregisteredMethodFilter: ((method: string) => boolean) | undefined;
}

/**
 * The API's no-op meter (the global one while no SDK is registered): its instruments record nothing, and the global
 * MeterProvider has no proxy that a later SDK would fill in, so the metrics are skipped altogether.
 */
const NoopMeter = createNoopMeter().constructor;

/** What the global TracerProvider (a proxy) hands spans to until an SDK registers one. */
const NOOP_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();

function tracingCheck(provider: TracerProvider | undefined): () => boolean {
  if (!provider) return () => false;
  if (provider instanceof ProxyTracerProvider) return () => provider.getDelegate() !== NOOP_TRACER_PROVIDER;
  return () => true;
}

export function resolveTelemetry(options: OpenTelemetryOptions): Telemetry {
  const { name, version } = INSTRUMENTATION_SCOPE;
  const global = options.useGlobal === true;
  const meterProvider = options.meterProvider ?? (global ? metrics.getMeterProvider() : undefined);
  const tracerProvider = options.tracerProvider ?? (global ? trace.getTracerProvider() : undefined);
  const meter = meterProvider?.getMeter(name, version);
  return {
    meter: meter instanceof NoopMeter ? undefined : meter,
    tracer: tracerProvider?.getTracer(name, version),
    tracing: tracingCheck(tracerProvider),
    propagator: options.propagator ?? (global ? propagation : undefined),
    unregisteredMethodFilter: options.unregisteredMethodFilter,
  };
}
