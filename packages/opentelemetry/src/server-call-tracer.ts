import { context, SpanKind, trace, type Context, type Span } from "@opentelemetry/api";
import type { ServerCallInfo, ServerCallTracer, ServerCallTracerFactory } from "@tsgrpc/grpc";
import type { Status } from "@tsgrpc/grpc/web";
import { METHOD, OTHER_METHOD, serverInstruments, STATUS } from "./a66-instruments.js";
import { AttributeCache } from "./attribute-cache.js";
import { headersGetter } from "./metadata-carrier.js";
import type { Telemetry } from "./options.js";
import { endRpcSpan, OTHER_RPC_METHOD, spanName, startAttributes } from "./rpc-span.js";
import { fromAuthority } from "./server-address.js";
import { statusName } from "./status-name.js";

/** A call tracer that records nothing (the call is traced only to run its handler in the client's trace context). */
const RECORDS_NOTHING = { messageReceived() {}, messageSent() {}, ended() {} };

/**
 * The server side, for `ServerOptions.callTracer`: per call, the A66 server metrics, and a SERVER span whose parent
 * is the context the client sent in the metadata; the handler runs with that span active, so that the calls it makes
 * are its children. A call with nothing to record (no meter, no SDK behind the tracer, no trace context in its
 * metadata) is not traced at all: the server keeps its untraced path for it.
 */
export function serverCallTracer(telemetry: Telemetry): ServerCallTracerFactory {
  const { meter, tracer, tracing, propagator, unregisteredMethodFilter } = telemetry;
  const instruments = meter && serverInstruments(meter);
  if (!instruments && !tracer && !propagator) return () => undefined;
  const metricAttributes = new AttributeCache();
  const a66Attributes = (method: string, status?: Status) =>
    metricAttributes.get(`${method} ${status}`, () => ({ [METHOD]: method, ...(status !== undefined && { [STATUS]: statusName(status) }) }));
  const spanAttributes = new AttributeCache();
  const startSpan = (path: string, method: string, named: boolean, headers: ServerCallInfo["headers"], parent: Context): Span => {
    const rpcMethod = named ? method : OTHER_RPC_METHOD;
    const authority = headers[":authority"] ?? headers.host ?? "";
    const attributes = spanAttributes.get(`${path} ${named} ${authority}`, () => startAttributes(rpcMethod, method, authority ? fromAuthority(authority) : undefined));
    return tracer!.startSpan(spanName(rpcMethod), { kind: SpanKind.SERVER, attributes }, parent);
  };

  return ({ path, registered, headers }: ServerCallInfo): ServerCallTracer | undefined => {
    const active = context.active();
    const parent = propagator ? propagator.extract(active, headers, headersGetter) : active;
    const live = tracer !== undefined && tracing();
    if (!instruments && !live) return parent === active ? undefined : { ...RECORDS_NOTHING, runHandler: (fn) => context.with(parent, fn) };
    const method = path.slice(1);
    const named = registered || (unregisteredMethodFilter?.(method) ?? false);
    const a66Method = named ? method : OTHER_METHOD;
    instruments?.callStarted.add(1, a66Attributes(a66Method));
    const started = performance.now();
    let sent = 0;
    let received = 0;
    const span = live ? startSpan(path, method, named, headers, parent) : undefined;
    const handlerContext = span ? trace.setSpan(parent, span) : parent === active ? undefined : parent;
    return {
      messageReceived: (bytes) => void (received += bytes),
      messageSent: (bytes) => void (sent += bytes),
      ended(status, message) {
        if (instruments) {
          const attributes = a66Attributes(a66Method, status);
          instruments.callDuration.record((performance.now() - started) / 1000, attributes);
          instruments.sentSize.record(sent, attributes);
          instruments.rcvdSize.record(received, attributes);
        }
        if (span) endRpcSpan(span, "server", status, message);
      },
      ...(handlerContext && { runHandler: <T>(fn: () => T): T => context.with(handlerContext, fn) }),
    };
  };
}
