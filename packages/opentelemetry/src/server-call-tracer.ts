import { context, SpanKind, trace, type Context, type Span } from "@opentelemetry/api";
import type { ServerCallInfo, ServerCallTracer, ServerCallTracerFactory } from "@tsgrpc/grpc";
import { METHOD, OTHER_METHOD, serverInstruments, STATUS } from "./a66-instruments.js";
import { headersGetter } from "./metadata-carrier.js";
import type { Telemetry } from "./options.js";
import { endRpcSpan, OTHER_RPC_METHOD, spanName, startAttributes } from "./rpc-span.js";
import { fromAuthority } from "./server-address.js";
import { statusName } from "./status-name.js";

/**
 * The server side, for `ServerOptions.callTracer`: per call, the A66 server metrics, and a SERVER span whose parent
 * is the context the client sent in the metadata; the handler runs with that span active, so that the calls it makes
 * are its children. With nothing to record, it traces no call (the server then keeps its untraced path).
 */
export function serverCallTracer(telemetry: Telemetry): ServerCallTracerFactory {
  const { meter, tracer, propagator, unregisteredMethodFilter } = telemetry;
  const instruments = meter && serverInstruments(meter);
  if (!instruments && !tracer) return () => undefined;
  return ({ path, registered, headers }: ServerCallInfo): ServerCallTracer => {
    const method = path.slice(1);
    const named = registered || (unregisteredMethodFilter?.(method) ?? false);
    const a66Method = named ? method : OTHER_METHOD;
    instruments?.callStarted.add(1, { [METHOD]: a66Method });
    const started = performance.now();
    let sent = 0;
    let received = 0;
    let span: Span | undefined;
    let spanContext: Context | undefined;
    if (tracer) {
      const parent = propagator ? propagator.extract(context.active(), headers, headersGetter) : context.active();
      const rpcMethod = named ? method : OTHER_RPC_METHOD;
      const authority = headers[":authority"] ?? headers.host;
      const attributes = startAttributes(rpcMethod, method, authority ? fromAuthority(authority) : undefined);
      span = tracer.startSpan(spanName(rpcMethod), { kind: SpanKind.SERVER, attributes }, parent);
      spanContext = trace.setSpan(parent, span);
    }
    return {
      messageReceived: (bytes) => void (received += bytes),
      messageSent: (bytes) => void (sent += bytes),
      ended(status, message) {
        if (instruments) {
          const attributes = { [METHOD]: a66Method, [STATUS]: statusName(status) };
          instruments.callDuration.record((performance.now() - started) / 1000, attributes);
          instruments.sentSize.record(sent, attributes);
          instruments.rcvdSize.record(received, attributes);
        }
        if (span) endRpcSpan(span, "server", status, message);
      },
      ...(spanContext && { runHandler: <T>(fn: () => T): T => context.with(spanContext!, fn) }),
    };
  };
}
