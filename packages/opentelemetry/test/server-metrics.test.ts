import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:http2";
import { GrpcError, Status } from "@tsgrpc/grpc";
import { Echo, requestSize, responseSize } from "./echo-fixture.js";
import { counts, echoPair, kindOf, points, recording } from "./telemetry-fixture.js";

// gRFC A66's server instruments, read back from the real OpenTelemetry SDK: names, units, attributes, bucket
// boundaries and counts for each kind of call, failures, an unregistered method ("other"), a cancellation and a
// deadline the server enforces.

const LATENCY = [0, 0.00001, 0.00005, 0.0001, 0.0003, 0.0006, 0.0008, 0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.008, 0.01, 0.013, 0.016, 0.02, 0.025, 0.03, 0.04, 0.05, 0.065, 0.08, 0.1, 0.13, 0.16, 0.2, 0.25, 0.3, 0.4, 0.5, 0.65, 0.8, 1, 2, 5, 10, 20, 50, 100];
const SIZE = [0, 1024, 2048, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864, 268435456, 1073741824, 4294967296];

const M = (name: string) => `otel.test.v1.Echo/${name}`;

async function codeOf(p: Promise<unknown>): Promise<Status> {
  try {
    await p;
    return Status.OK;
  } catch (e) {
    assert.ok(e instanceof GrpcError, String(e));
    return e.code;
  }
}

async function drain(responses: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of responses);
}

test("each kind of call, OK: the four server instruments with A66's names, units, attributes and buckets", async () => {
  const rec = recording();
  const pair = await echoPair(rec);
  try {
    await pair.client.unary({ text: "hello" });
    await drain(pair.client.serverStream({ text: "hi", count: 3 }));
    await pair.client.clientStream([{ text: "a" }, { text: "b" }, { text: "c" }]);
    await drain(pair.client.bidi([{ text: "x" }, { text: "y" }]));
  } finally {
    await pair.stop();
  }
  const metrics = await rec.metrics();
  const kinds = ["Bidi", "ClientStream", "ServerStream", "Unary"];

  const started = metrics.get("grpc.server.call.started")!;
  assert.equal(started.descriptor.unit, "{call}");
  assert.equal(kindOf(started), "counter");
  assert.deepEqual(counts(started), kinds.map((k) => ({ attributes: { "grpc.method": M(k) }, count: 1 })));

  const ok = (k: string) => ({ "grpc.method": M(k), "grpc.status": "OK" });
  const duration = metrics.get("grpc.server.call.duration")!;
  assert.equal(duration.descriptor.unit, "s");
  assert.equal(kindOf(duration), "histogram");
  for (const p of points(duration)) {
    assert.deepEqual(p.boundaries, LATENCY);
    assert.equal(p.count, 1);
  }
  assert.deepEqual(points(duration).map((p) => p.attributes), kinds.map(ok));

  const rcvd = { Bidi: 2 * requestSize({ text: "x" }), ClientStream: 3 * requestSize({ text: "a" }), ServerStream: requestSize({ text: "hi", count: 3 }), Unary: requestSize({ text: "hello" }) };
  const sent = { Bidi: 2 * responseSize("x"), ClientStream: responseSize("a,b,c"), ServerStream: 3 * responseSize("hi"), Unary: responseSize("hello") };
  for (const [name, expected] of [["grpc.server.call.sent_total_compressed_message_size", sent], ["grpc.server.call.rcvd_total_compressed_message_size", rcvd]] as const) {
    const metric = metrics.get(name)!;
    assert.equal(metric.descriptor.unit, "By", name);
    assert.equal(kindOf(metric), "histogram", name);
    assert.deepEqual(
      points(metric).map(({ attributes, count, sum, boundaries, bucketCounts }) => ({ attributes, count, sum, boundaries, inSecondBucket: bucketCounts![1] })),
      kinds.map((k) => ({ attributes: ok(k), count: 1, sum: expected[k as keyof typeof expected], boundaries: SIZE, inSecondBucket: 1 })),
      name,
    );
  }
});

test("failing calls and a method the server does not serve (grpc.method \"other\")", async () => {
  const rec = recording();
  const pair = await echoPair(rec);
  try {
    assert.equal(await codeOf(pair.client.unary({ text: "x", failCode: Status.NOT_FOUND })), Status.NOT_FOUND);
    assert.equal(await codeOf(pair.client.clientStream([{ text: "x", failCode: Status.PERMISSION_DENIED }])), Status.PERMISSION_DENIED);
    assert.equal(await codeOf(pair.unserved.nothing({ text: "x" })), Status.UNIMPLEMENTED);
  } finally {
    await pair.stop();
  }
  const metrics = await rec.metrics();
  assert.deepEqual(counts(metrics.get("grpc.server.call.started")), [
    { attributes: { "grpc.method": M("ClientStream") }, count: 1 },
    { attributes: { "grpc.method": M("Unary") }, count: 1 },
    { attributes: { "grpc.method": "other" }, count: 1 },
  ]);
  const expected = [
    { attributes: { "grpc.method": M("ClientStream"), "grpc.status": "PERMISSION_DENIED" }, count: 1 },
    { attributes: { "grpc.method": M("Unary"), "grpc.status": "NOT_FOUND" }, count: 1 },
    { attributes: { "grpc.method": "other", "grpc.status": "UNIMPLEMENTED" }, count: 1 },
  ];
  assert.deepEqual(counts(metrics.get("grpc.server.call.duration")), expected);
  assert.deepEqual(points(metrics.get("grpc.server.call.sent_total_compressed_message_size")).map((p) => p.sum), [0, 0, 0]);
  // The refused call's request was never read; the others' were.
  assert.deepEqual(points(metrics.get("grpc.server.call.rcvd_total_compressed_message_size")).map((p) => p.sum), [requestSize({ text: "x", failCode: Status.PERMISSION_DENIED }), requestSize({ text: "x", failCode: Status.NOT_FOUND }), 0]);
});

test("unregisteredMethodFilter names the unregistered methods it accepts", async () => {
  const rec = recording({ unregisteredMethodFilter: (m) => m.startsWith("otel.test.v1.Unserved/") });
  const pair = await echoPair(rec);
  try {
    assert.equal(await codeOf(pair.unserved.nothing({ text: "x" })), Status.UNIMPLEMENTED);
  } finally {
    await pair.stop();
  }
  assert.deepEqual(counts((await rec.metrics()).get("grpc.server.call.started")), [{ attributes: { "grpc.method": "otel.test.v1.Unserved/Nothing" }, count: 1 }]);
});

test("a call the client cancels ends CANCELLED on the server", async () => {
  const rec = recording();
  const pair = await echoPair(rec);
  try {
    const abort = new AbortController();
    const call = pair.client.unary({ text: "hang" }, { signal: abort.signal });
    await pair.events.hungCallStarted;
    abort.abort();
    assert.equal(await codeOf(call), Status.CANCELLED);
    await pair.events.hungCallEnded; // the handler saw the cancel, after the tracer did
  } finally {
    await pair.stop();
  }
  const metrics = await rec.metrics();
  assert.deepEqual(counts(metrics.get("grpc.server.call.duration")), [{ attributes: { "grpc.method": M("Unary"), "grpc.status": "CANCELLED" }, count: 1 }]);
  assert.deepEqual(points(metrics.get("grpc.server.call.rcvd_total_compressed_message_size")).map((p) => p.sum), [requestSize({ text: "hang" })]);
});

test("a deadline the server enforces: DEADLINE_EXCEEDED (a raw HTTP/2 client that never cancels)", async () => {
  const rec = recording();
  const pair = await echoPair(rec);
  try {
    const session = connect(`http://127.0.0.1:${pair.port}`);
    try {
      const stream = session.request({ ":method": "POST", ":path": "/otel.test.v1.Echo/Unary", "content-type": "application/grpc", te: "trailers", "grpc-timeout": "50m" });
      const message = Echo.methods.unary.input.encode({ text: "hang" } as never);
      const envelope = Buffer.alloc(5 + message.length);
      envelope.writeUInt32BE(message.length, 1);
      envelope.set(message, 5);
      stream.end(envelope);
      const headers = await new Promise<Record<string, unknown>>((resolve) => stream.on("response", resolve));
      assert.equal(headers["grpc-status"], String(Status.DEADLINE_EXCEEDED), "a trailers-only DEADLINE_EXCEEDED");
      stream.resume();
      await new Promise((resolve) => stream.on("close", resolve));
    } finally {
      session.close();
    }
  } finally {
    await pair.stop();
  }
  assert.deepEqual(counts((await rec.metrics()).get("grpc.server.call.duration")), [{ attributes: { "grpc.method": M("Unary"), "grpc.status": "DEADLINE_EXCEEDED" }, count: 1 }]);
});

test("large messages, split across many DATA frames both ways, are counted whole, the same on both sides", async () => {
  const rec = recording();
  const pair = await echoPair(rec);
  const texts = ["b".repeat(100_000), "c".repeat(70_000), "d"];
  try {
    let n = 0;
    for await (const r of pair.client.bidi(texts.map((text) => ({ text })))) assert.equal(r.text, texts[n++]);
  } finally {
    await pair.stop();
  }
  const metrics = await rec.metrics();
  const sum = (name: string) => points(metrics.get(name)).map((p) => p.sum);
  const requests = texts.reduce((n, text) => n + requestSize({ text }), 0);
  const responses = texts.reduce((n, text) => n + responseSize(text), 0);
  assert.deepEqual(sum("grpc.server.call.rcvd_total_compressed_message_size"), [requests]);
  assert.deepEqual(sum("grpc.client.attempt.sent_total_compressed_message_size"), [requests]);
  assert.deepEqual(sum("grpc.server.call.sent_total_compressed_message_size"), [responses]);
  assert.deepEqual(sum("grpc.client.attempt.rcvd_total_compressed_message_size"), [responses]);
  const [point] = points(metrics.get("grpc.server.call.rcvd_total_compressed_message_size"));
  assert.equal(point!.bucketCounts![SIZE.indexOf(262144)], 1, `${requests} bytes: the (65536, 262144] bucket`);
});
