import { test } from "node:test";
import assert from "node:assert/strict";
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags } from "@opentelemetry/api";
import { TraceState } from "@opentelemetry/core";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { GrpcError, Status } from "@tsgrpc/grpc";
import { echoPair, recording } from "./telemetry-fixture.js";

// Spans per the OpenTelemetry RPC semantic conventions for gRPC (docs/rpc/grpc.md), read from the SDK's in-memory
// exporter: a tsgrpc client span and the tsgrpc server span join one trace through traceparent in the metadata.

async function codeOf(p: Promise<unknown>): Promise<Status> {
  try {
    await p;
    return Status.OK;
  } catch (e) {
    assert.ok(e instanceof GrpcError, String(e));
    return e.code;
  }
}

const byKind = (spans: ReadableSpan[], kind: SpanKind) => spans.filter((s) => s.kind === kind);

function assertChild(child: ReadableSpan, parent: ReadableSpan): void {
  assert.equal(child.spanContext().traceId, parent.spanContext().traceId, `${child.name} in ${parent.name}'s trace`);
  assert.equal(child.parentSpanContext?.spanId, parent.spanContext().spanId, `${child.name}'s parent is ${parent.name}`);
}

test("an OK call: CLIENT and SERVER spans named pkg.Service/Method, with the conventions' attributes, in one trace", async () => {
  const rec = recording();
  const pair = await echoPair(rec);
  try {
    await pair.client.unary({ text: "hello" });
  } finally {
    await pair.stop();
  }
  const [client] = byKind(rec.spans(), SpanKind.CLIENT);
  const [server] = byKind(rec.spans(), SpanKind.SERVER);
  assert.equal(rec.spans().length, 2);
  for (const span of [client!, server!]) {
    assert.equal(span.name, "otel.test.v1.Echo/Unary");
    assert.deepEqual(span.attributes, {
      "rpc.system.name": "grpc",
      "rpc.method": "otel.test.v1.Echo/Unary",
      "server.address": "127.0.0.1",
      "server.port": pair.port,
      "rpc.status_code": "OK",
    });
    assert.equal(span.status.code, SpanStatusCode.UNSET);
  }
  assertChild(server!, client!);
  assert.equal(server!.parentSpanContext?.isRemote, true, "the server's parent came over the wire");
});

test("failures: the client's span is an error for any code but OK, the server's only for the codes the conventions list", async () => {
  const rec = recording();
  const pair = await echoPair(rec);
  try {
    assert.equal(await codeOf(pair.client.unary({ text: "x", failCode: Status.NOT_FOUND })), Status.NOT_FOUND);
    assert.equal(await codeOf(pair.client.unary({ text: "x", failCode: Status.INTERNAL })), Status.INTERNAL);
  } finally {
    await pair.stop();
  }
  const spans = rec.spans();
  const find = (kind: SpanKind, code: string) => spans.find((s) => s.kind === kind && s.attributes["rpc.status_code"] === code)!;
  const clientNotFound = find(SpanKind.CLIENT, "NOT_FOUND");
  assert.equal(clientNotFound.attributes["error.type"], "NOT_FOUND");
  assert.deepEqual(clientNotFound.status, { code: SpanStatusCode.ERROR, message: "failing as asked (5)" });
  const serverNotFound = find(SpanKind.SERVER, "NOT_FOUND");
  assert.equal(serverNotFound.attributes["error.type"], undefined, "NOT_FOUND is the client's problem, not the server's");
  assert.equal(serverNotFound.status.code, SpanStatusCode.UNSET);
  for (const kind of [SpanKind.CLIENT, SpanKind.SERVER]) {
    const internal = find(kind, "INTERNAL");
    assert.equal(internal.attributes["error.type"], "INTERNAL");
    assert.equal(internal.status.code, SpanStatusCode.ERROR);
  }
});

test("cancelled and past the deadline: the client's span ends with the status the caller got", async () => {
  const rec = recording();
  const pair = await echoPair(rec);
  try {
    const abort = new AbortController();
    const call = pair.client.unary({ text: "hang" }, { signal: abort.signal });
    await pair.events.hungCallStarted;
    abort.abort();
    assert.equal(await codeOf(call), Status.CANCELLED);
    await pair.events.hungCallEnded;
    assert.equal(await codeOf(pair.client.unary({ text: "x" }, { deadline: Date.now() - 1 })), Status.DEADLINE_EXCEEDED);
  } finally {
    await pair.stop();
  }
  const clients = byKind(rec.spans(), SpanKind.CLIENT);
  assert.deepEqual(clients.map((s) => [s.attributes["rpc.status_code"], s.attributes["error.type"], s.status.code]), [["CANCELLED", "CANCELLED", SpanStatusCode.ERROR], ["DEADLINE_EXCEEDED", "DEADLINE_EXCEEDED", SpanStatusCode.ERROR]]);
  const [server] = byKind(rec.spans(), SpanKind.SERVER);
  assert.deepEqual([server!.attributes["rpc.status_code"], server!.status.code], ["CANCELLED", SpanStatusCode.UNSET], "only the cancelled call reached the server");
});

test("a method the server does not serve: its span is named grpc, rpc.method _OTHER, the path in rpc.method_original", async () => {
  const rec = recording();
  const pair = await echoPair(rec);
  try {
    assert.equal(await codeOf(pair.unserved.nothing({ text: "x" })), Status.UNIMPLEMENTED);
  } finally {
    await pair.stop();
  }
  const [server] = byKind(rec.spans(), SpanKind.SERVER);
  assert.equal(server!.name, "grpc");
  assert.equal(server!.attributes["rpc.method"], "_OTHER");
  assert.equal(server!.attributes["rpc.method_original"], "otel.test.v1.Unserved/Nothing");
  assert.equal(server!.attributes["error.type"], "UNIMPLEMENTED");
  assert.equal(server!.status.code, SpanStatusCode.ERROR);
  const [client] = byKind(rec.spans(), SpanKind.CLIENT);
  assert.equal(client!.name, "otel.test.v1.Unserved/Nothing", "the client knows the method it calls");
  assertChild(server!, client!);
});

test("the handler runs in the server span's context: a call it makes is that span's child, across two hops", async () => {
  const rec = recording();
  const pair = await echoPair(rec, {}, true);
  // The application's own span is the parent of the outer client span; its tracestate travels along.
  const remote = { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: TraceFlags.SAMPLED, isRemote: true, traceState: new TraceState("vendor=value") };
  try {
    const answer = await context.with(trace.setSpanContext(ROOT_CONTEXT, remote), () => pair.client.unary({ text: "fanout-inner" }));
    assert.equal(answer.text, "-inner");
  } finally {
    await pair.stop();
  }
  const spans = rec.spans();
  assert.equal(spans.length, 4);
  const outerClient = spans.find((s) => s.kind === SpanKind.CLIENT && s.parentSpanContext?.spanId === remote.spanId)!;
  assert.ok(outerClient, "the outer client span's parent is the active context's span");
  const outerServer = spans.find((s) => s.kind === SpanKind.SERVER && s.parentSpanContext?.spanId === outerClient.spanContext().spanId)!;
  const innerClient = spans.find((s) => s.kind === SpanKind.CLIENT && s !== outerClient)!;
  const innerServer = spans.find((s) => s.kind === SpanKind.SERVER && s !== outerServer)!;
  assertChild(outerServer, outerClient);
  assertChild(innerClient, outerServer);
  assertChild(innerServer, innerClient);
  for (const s of spans) {
    assert.equal(s.spanContext().traceId, remote.traceId);
    assert.equal(s.spanContext().traceState?.serialize(), "vendor=value", `${s.name} (${SpanKind[s.kind]}) carries the tracestate`);
  }
});
