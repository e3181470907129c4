import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { propagation, SpanKind, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { GrpcInstrumentation } from "@opentelemetry/instrumentation-grpc";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { createChannel, createClient } from "@tsgrpc/grpc";
import { Echo } from "./echo-fixture.js";
import { echoPair, recording } from "./telemetry-fixture.js";

// The independent implementation: grpc-js, traced by OpenTelemetry's own instrumentation (@opentelemetry/
// instrumentation-grpc, which patches grpc-js as it loads and uses the global tracer provider and propagator). Its
// client's span must be the parent of our server's span, and our client's span the parent of its server's span.

const grpcJsExporter = new InMemorySpanExporter();
const grpcJsProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(grpcJsExporter)] });
const instrumentation = new GrpcInstrumentation();
instrumentation.setTracerProvider(grpcJsProvider);
trace.setGlobalTracerProvider(grpcJsProvider);
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
instrumentation.enable();

// Loaded only now, through require, so that the instrumentation's hook patches it.
const require = createRequire(import.meta.url);
const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const protoLoader = require("@grpc/proto-loader") as typeof import("@grpc/proto-loader");
const definition = protoLoader.loadSync(fileURLToPath(new URL("../../test/echo.proto", import.meta.url)), { keepCase: false, defaults: true });
const EchoJs = (grpc.loadPackageDefinition(definition) as any).otel.test.v1.Echo;

after(() => instrumentation.disable());

function assertChild(child: ReadableSpan, parent: ReadableSpan): void {
  assert.equal(child.spanContext().traceId, parent.spanContext().traceId, `${child.name} in ${parent.name}'s trace`);
  assert.equal(child.parentSpanContext?.spanId, parent.spanContext().spanId, `${child.name}'s parent is ${parent.name}`);
}

test("a grpc-js client span is the parent of the tsgrpc server span, whose handler's tsgrpc call continues the trace", async () => {
  const rec = recording();
  const pair = await echoPair(rec, {}, true);
  const client = new EchoJs(`127.0.0.1:${pair.port}`, grpc.credentials.createInsecure());
  try {
    const answer = await new Promise<{ text: string }>((resolve, reject) => client.unary({ text: "fanout-js" }, (e: Error | null, r: { text: string }) => (e ? reject(e) : resolve(r))));
    assert.equal(answer.text, "-js");
  } finally {
    client.close();
    await pair.stop();
  }
  const [jsClient, ...others] = grpcJsExporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT);
  assert.ok(jsClient, "grpc-js's instrumentation made a client span");
  assert.deepEqual(others, []);
  const ours = rec.spans();
  const outerServer = ours.find((s) => s.kind === SpanKind.SERVER && s.parentSpanContext?.spanId === jsClient.spanContext().spanId);
  assert.ok(outerServer, `our server span's parent is grpc-js's client span (ours: ${ours.map((s) => `${s.name} <- ${s.parentSpanContext?.spanId}`).join("; ")})`);
  assertChild(outerServer, jsClient);
  assert.equal(outerServer.name, "otel.test.v1.Echo/Unary");
  const innerClient = ours.find((s) => s.kind === SpanKind.CLIENT)!;
  const innerServer = ours.find((s) => s.kind === SpanKind.SERVER && s !== outerServer)!;
  assertChild(innerClient, outerServer);
  assertChild(innerServer, innerClient);
  grpcJsExporter.reset();
});

test("the other way: a tsgrpc client span is the parent of a grpc-js server span", async () => {
  const server = new grpc.Server();
  server.addService(EchoJs.service, { unary: (call: { request: { text: string } }, callback: (e: null, r: object) => void) => callback(null, { text: call.request.text }) });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  const rec = recording();
  const channel = createChannel(`127.0.0.1:${port}`);
  try {
    const client = createClient(Echo, channel, { interceptors: [rec.otel.clientInterceptor] });
    assert.equal((await client.unary({ text: "to grpc-js" })).text, "to grpc-js");
  } finally {
    channel.close();
    server.forceShutdown();
  }
  const [ourClient] = rec.spans();
  const jsServer = grpcJsExporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER);
  assert.ok(jsServer, "grpc-js's instrumentation made a server span");
  assertChild(jsServer, ourClient!);
  assert.equal(jsServer.parentSpanContext?.isRemote, true);
});
