import { test } from "node:test";
import assert from "node:assert/strict";
import { SpanKind } from "@opentelemetry/api";
import { createClient, createGrpcWebTransport } from "@tsgrpc/grpc";
import { Echo, requestSize, responseSize } from "./echo-fixture.js";
import { counts, echoPair, points, recording } from "./telemetry-fixture.js";

// gRPC-Web: the browser transport (fetch, here Node's) through the same interceptor, to the same server. The server
// counts the call like any other; the client has no channel, so no attempts and grpc.target "unknown".

for (const format of ["binary", "text"] as const) {
  test(`gRPC-Web (${format}): server metrics and spans as for gRPC, the client's call metric with grpc.target "unknown"`, async () => {
    const rec = recording();
    const pair = await echoPair(rec);
    try {
      const client = createClient(Echo, createGrpcWebTransport({ baseUrl: `http://127.0.0.1:${pair.port}`, format }), { interceptors: [rec.otel.clientInterceptor] });
      assert.equal((await client.unary({ text: "web" })).text, "web");
    } finally {
      await pair.stop();
    }
    const metrics = await rec.metrics();
    const ok = { "grpc.method": "otel.test.v1.Echo/Unary", "grpc.status": "OK" };
    assert.deepEqual(points(metrics.get("grpc.server.call.rcvd_total_compressed_message_size")).map((p) => [p.attributes, p.sum]), [[ok, requestSize({ text: "web" })]]);
    assert.deepEqual(points(metrics.get("grpc.server.call.sent_total_compressed_message_size")).map((p) => [p.attributes, p.sum]), [[ok, responseSize("web")]]);
    assert.deepEqual(counts(metrics.get("grpc.client.call.duration")), [{ attributes: { ...ok, "grpc.target": "unknown" }, count: 1 }]);
    assert.equal(metrics.get("grpc.client.attempt.started"), undefined, "no channel, no attempts");
    const [client] = rec.spans().filter((s) => s.kind === SpanKind.CLIENT);
    const [server] = rec.spans().filter((s) => s.kind === SpanKind.SERVER);
    assert.equal(server!.parentSpanContext?.spanId, client!.spanContext().spanId, "traceparent crossed gRPC-Web too");
  });
}
