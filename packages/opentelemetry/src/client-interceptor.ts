import { context, SpanKind, trace, type Span } from "@opentelemetry/api";
import type { ClientInterceptor } from "@tsgrpc/grpc";
import { clientInstruments, METHOD, STATUS, TARGET } from "./a66-instruments.js";
import { attemptMetrics } from "./attempt-metrics.js";
import { bothTracers } from "./both-tracers.js";
import { metadataSetter } from "./metadata-carrier.js";
import type { Telemetry } from "./options.js";
import { type CallEnd, watchEnd } from "./response-end.js";
import { endRpcSpan, spanName, startAttributes } from "./rpc-span.js";
import { fromTarget } from "./server-address.js";
import { statusName } from "./status-name.js";

/** grpc.target for a transport without a target (gRPC-Web). */
const NO_TARGET = "unknown";

/**
 * The client side: per call, a CLIENT span (the active context its parent) whose context goes into the metadata, and
 * grpc.client.call.duration as the call's responses end; per attempt, the A66 attempt metrics (through the call's
 * tracer, which the channel calls for each attempt). With nothing to record, the interceptor is a pass-through.
 */
export function clientInterceptor(telemetry: Telemetry): ClientInterceptor {
  const { meter, tracer, propagator } = telemetry;
  const instruments = meter && clientInstruments(meter);
  if (!instruments && !tracer && !propagator) return (next) => next;
  return (next) => (call) => {
    const method = call.method.path.slice(1);
    const started = performance.now();
    const parent = context.active();
    let span: Span | undefined;
    if (tracer) {
      const attributes = startAttributes(method, method, call.target === undefined ? undefined : fromTarget(call.target));
      span = tracer.startSpan(spanName(method), { kind: SpanKind.CLIENT, attributes }, parent);
    }
    propagator?.inject(span ? trace.setSpan(parent, span) : parent, call.options.metadata, metadataSetter);
    const options = instruments ? { ...call.options, tracer: bothTracers(call.options.tracer, attemptMetrics(instruments, method)) } : call.options;
    const ended = ({ code, message, errorType }: CallEnd) => {
      if (instruments) {
        const attributes = { [METHOD]: method, [TARGET]: call.target ?? NO_TARGET, [STATUS]: statusName(code) };
        instruments.callDuration.record((performance.now() - started) / 1000, attributes);
      }
      if (span) endRpcSpan(span, "client", code, message, errorType);
    };
    return watchEnd(next({ ...call, options }), ended);
  };
}
