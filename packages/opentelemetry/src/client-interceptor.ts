import { context, SpanKind, trace, type Span } from "@opentelemetry/api";
import type { ClientInterceptor } from "@tsgrpc/grpc";
import { clientInstruments } from "./a66-instruments.js";
import { AttributeCache } from "./attribute-cache.js";
import { ClientMetrics } from "./attempt-metrics.js";
import { bothTracers } from "./both-tracers.js";
import { metadataSetter } from "./metadata-carrier.js";
import type { Telemetry } from "./options.js";
import { type CallEnd, watchEnd } from "./response-end.js";
import { endRpcSpan, spanName, startAttributes } from "./rpc-span.js";
import { fromTarget } from "./server-address.js";

/** grpc.target for a transport without a target (gRPC-Web). */
const NO_TARGET = "unknown";

/**
 * The client side: per call, a CLIENT span (the active context its parent) whose context goes into the metadata, and
 * grpc.client.call.duration as the call's responses end; per attempt, the A66 attempt metrics (through the call's
 * tracer, which the channel calls for each attempt). With nothing to record (no meter, no SDK behind the tracer) it
 * only injects the active context, if it has a propagator.
 */
export function clientInterceptor(telemetry: Telemetry): ClientInterceptor {
  const { meter, tracer, tracing, propagator } = telemetry;
  const metrics = meter && new ClientMetrics(clientInstruments(meter));
  if (!metrics && !tracer && !propagator) return (next) => next;
  const spanAttributes = new AttributeCache();
  return (next) => (call) => {
    const live = tracer !== undefined && tracing();
    if (!metrics && !live) {
      propagator?.inject(context.active(), call.options.metadata, metadataSetter);
      return next(call);
    }
    const method = call.method.path.slice(1);
    const target = call.target ?? NO_TARGET;
    const started = performance.now();
    const parent = context.active();
    let span: Span | undefined;
    if (live) {
      const attributes = spanAttributes.get(`${method} ${target}`, () => startAttributes(method, method, call.target === undefined ? undefined : fromTarget(call.target)));
      span = tracer!.startSpan(spanName(method), { kind: SpanKind.CLIENT, attributes }, parent);
    }
    propagator?.inject(span ? trace.setSpan(parent, span) : parent, call.options.metadata, metadataSetter);
    const options = metrics ? { ...call.options, tracer: bothTracers(call.options.tracer, metrics.attempts(method)) } : call.options;
    const ended = ({ code, message, errorType }: CallEnd) => {
      metrics?.callEnded(method, target, code, (performance.now() - started) / 1000);
      if (span) endRpcSpan(span, "client", code, message, errorType);
    };
    return watchEnd(next({ ...call, options }), ended);
  };
}
