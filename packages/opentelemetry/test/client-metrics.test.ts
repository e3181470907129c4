import { test } from "node:test";
import assert from "node:assert/strict";
import { GrpcError, Status } from "@tsgrpc/grpc";
import { requestSize, responseSize } from "./echo-fixture.js";
import { counts, echoPair, kindOf, points, recording } from "./telemetry-fixture.js";

// gRFC A66's client instruments, read back from the real OpenTelemetry SDK: names, units, attributes, bucket
// boundaries and counts, for each kind of call, failures, a cancellation, a deadline and a retried call.

/** A66's recommended boundaries, copied from the gRFC (not from the package under test). */
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

/** The one bucket a size lands in, as bucket counts (SIZE has (-inf,0], (0,1024], ...). */
function oneSizeBucket(bytes: number): number[] {
  const out = new Array<number>(SIZE.length + 1).fill(0);
  out[SIZE.findIndex((b) => bytes <= b) === -1 ? SIZE.length : SIZE.findIndex((b) => bytes <= b)] = 1;
  return out;
}

test("each kind of call, OK: the five client instruments with A66's names, units, attributes and buckets", async () => {
  const rec = recording();
  const pair = await echoPair(rec);
  try {
    assert.equal((await pair.client.unary({ text: "hello" })).text, "hello");
    await drain(pair.client.serverStream({ text: "hi", count: 3 }));
    assert.equal((await pair.client.clientStream([{ text: "a" }, { text: "b" }, { text: "c" }])).text, "a,b,c");
    await drain(pair.client.bidi([{ text: "x" }, { text: "y" }]));
  } finally {
    await pair.stop();
  }
  const metrics = await rec.metrics();
  const target = `dns:///127.0.0.1:${pair.port}`;
  const kinds = ["Bidi", "ClientStream", "ServerStream", "Unary"];

  const started = metrics.get("grpc.client.attempt.started")!;
  assert.equal(started.descriptor.unit, "{attempt}");
  assert.equal(kindOf(started), "counter");
  assert.deepEqual(counts(started), kinds.map((k) => ({ attributes: { "grpc.method": M(k), "grpc.target": target }, count: 1 })));

  const ok = (k: string) => ({ "grpc.method": M(k), "grpc.status": "OK", "grpc.target": target });
  for (const name of ["grpc.client.attempt.duration", "grpc.client.call.duration"]) {
    const metric = metrics.get(name)!;
    assert.equal(metric.descriptor.unit, "s", name);
    assert.equal(kindOf(metric), "histogram", name);
    const ps = points(metric);
    assert.deepEqual(ps.map((p) => p.attributes), kinds.map(ok), name);
    for (const p of ps) {
      assert.deepEqual(p.boundaries, LATENCY, name);
      assert.equal(p.count, 1, name);
      assert.equal(p.bucketCounts!.reduce((a, b) => a + b, 0), 1, name);
    }
  }

  // Bytes of the messages as sent and received (no compression here): the 5-byte prefixes are not counted.
  const sent = { Bidi: 2 * requestSize({ text: "x" }), ClientStream: 3 * requestSize({ text: "a" }), ServerStream: requestSize({ text: "hi", count: 3 }), Unary: requestSize({ text: "hello" }) };
  const rcvd = { Bidi: 2 * responseSize("x"), ClientStream: responseSize("a,b,c"), ServerStream: 3 * responseSize("hi"), Unary: responseSize("hello") };
  assert.deepEqual(sent, { Bidi: 6, ClientStream: 9, ServerStream: 6, Unary: 7 });
  assert.deepEqual(rcvd, { Bidi: 6, ClientStream: 7, ServerStream: 12, Unary: 7 });
  for (const [name, expected] of [["grpc.client.attempt.sent_total_compressed_message_size", sent], ["grpc.client.attempt.rcvd_total_compressed_message_size", rcvd]] as const) {
    const metric = metrics.get(name)!;
    assert.equal(metric.descriptor.unit, "By", name);
    assert.deepEqual(
      points(metric),
      kinds.map((k) => {
        const bytes = expected[k as keyof typeof expected];
        return { attributes: ok(k), count: 1, sum: bytes, boundaries: SIZE, bucketCounts: oneSizeBucket(bytes) };
      }),
      name,
    );
  }
});

test("failing calls: grpc.status is the failure's code on the attempt and the call", async () => {
  const rec = recording();
  const pair = await echoPair(rec);
  try {
    assert.equal(await codeOf(pair.client.unary({ text: "x", failCode: Status.NOT_FOUND })), Status.NOT_FOUND);
    assert.equal(await codeOf(drain(pair.client.serverStream({ text: "x", failCode: Status.INTERNAL }))), Status.INTERNAL);
    assert.equal(await codeOf(pair.unserved.nothing({ text: "x" })), Status.UNIMPLEMENTED);
  } finally {
    await pair.stop();
  }
  const metrics = await rec.metrics();
  const target = `dns:///127.0.0.1:${pair.port}`;
  const expected = [
    { attributes: { "grpc.method": M("ServerStream"), "grpc.status": "INTERNAL", "grpc.target": target }, count: 1 },
    { attributes: { "grpc.method": M("Unary"), "grpc.status": "NOT_FOUND", "grpc.target": target }, count: 1 },
    // The client names the methods it was generated with, served or not (only the server says "other").
    { attributes: { "grpc.method": "otel.test.v1.Unserved/Nothing", "grpc.status": "UNIMPLEMENTED", "grpc.target": target }, count: 1 },
  ];
  assert.deepEqual(counts(metrics.get("grpc.client.attempt.duration")), expected);
  assert.deepEqual(counts(metrics.get("grpc.client.call.duration")), expected);
  const received = points(metrics.get("grpc.client.attempt.rcvd_total_compressed_message_size"));
  assert.deepEqual(received.map((p) => [p.sum, p.bucketCounts![0]]), [[0, 1], [0, 1], [0, 1]], "no response message: 0 bytes, in the (-inf, 0] bucket");
});

test("a cancelled call and a call past its deadline: CANCELLED and DEADLINE_EXCEEDED on the attempt and the call", async () => {
  const rec = recording();
  const pair = await echoPair(rec);
  try {
    const abort = new AbortController();
    const cancelled = pair.client.unary({ text: "hang" }, { signal: abort.signal });
    await pair.events.hungCallStarted;
    abort.abort();
    assert.equal(await codeOf(cancelled), Status.CANCELLED);
    await pair.events.hungCallEnded;
    assert.equal(await codeOf(pair.client.unary({ text: "hang" }, { timeout: 50 })), Status.DEADLINE_EXCEEDED);
  } finally {
    await pair.stop();
  }
  const metrics = await rec.metrics();
  const target = `dns:///127.0.0.1:${pair.port}`;
  const expected = ["CANCELLED", "DEADLINE_EXCEEDED"].map((status) => ({ attributes: { "grpc.method": M("Unary"), "grpc.status": status, "grpc.target": target }, count: 1 }));
  assert.deepEqual(counts(metrics.get("grpc.client.attempt.duration")), expected);
  assert.deepEqual(counts(metrics.get("grpc.client.call.duration")), expected);
  assert.deepEqual(counts(metrics.get("grpc.client.attempt.started")), [{ attributes: { "grpc.method": M("Unary"), "grpc.target": target }, count: 2 }]);
});

test("a retried call: each attempt counted (UNAVAILABLE, then OK), one call", async () => {
  const rec = recording();
  const retryPolicy = { maxAttempts: 3, initialBackoff: "0.01s", maxBackoff: "0.05s", backoffMultiplier: 2, retryableStatusCodes: ["UNAVAILABLE"] };
  const pair = await echoPair(rec, { defaultServiceConfig: { methodConfig: [{ name: [{ service: "otel.test.v1.Echo" }], retryPolicy }] } });
  try {
    assert.equal((await pair.client.unary({ text: "flaky-1" })).text, "flaky-1");
  } finally {
    await pair.stop();
  }
  const metrics = await rec.metrics();
  const target = `dns:///127.0.0.1:${pair.port}`;
  const attrs = (status: string) => ({ "grpc.method": M("Unary"), "grpc.status": status, "grpc.target": target });
  assert.deepEqual(counts(metrics.get("grpc.client.attempt.started")), [{ attributes: { "grpc.method": M("Unary"), "grpc.target": target }, count: 2 }]);
  assert.deepEqual(counts(metrics.get("grpc.client.attempt.duration")), [{ attributes: attrs("OK"), count: 1 }, { attributes: attrs("UNAVAILABLE"), count: 1 }]);
  const bytes = requestSize({ text: "flaky-1" });
  assert.deepEqual(points(metrics.get("grpc.client.attempt.sent_total_compressed_message_size")).map((p) => [p.attributes["grpc.status"], p.sum]), [["OK", bytes], ["UNAVAILABLE", bytes]], "each attempt sent the request");
  assert.deepEqual(points(metrics.get("grpc.client.attempt.rcvd_total_compressed_message_size")).map((p) => [p.attributes["grpc.status"], p.sum]), [["OK", responseSize("flaky-1")], ["UNAVAILABLE", 0]]);
  assert.deepEqual(counts(metrics.get("grpc.client.call.duration")), [{ attributes: attrs("OK"), count: 1 }]);
});

test("a hedged call: both attempts counted, the one that lost CANCELLED, one call", async () => {
  const rec = recording();
  const hedgingPolicy = { maxAttempts: 2, hedgingDelay: "0.02s", nonFatalStatusCodes: ["UNAVAILABLE"] };
  const pair = await echoPair(rec, { defaultServiceConfig: { methodConfig: [{ name: [{ service: "otel.test.v1.Echo" }], hedgingPolicy }] } });
  try {
    assert.equal((await pair.client.unary({ text: "slow-first-1" })).text, "slow-first-1");
  } finally {
    await pair.stop();
  }
  const metrics = await rec.metrics();
  const target = `dns:///127.0.0.1:${pair.port}`;
  const attrs = (status: string) => ({ "grpc.method": M("Unary"), "grpc.status": status, "grpc.target": target });
  assert.deepEqual(counts(metrics.get("grpc.client.attempt.started")), [{ attributes: { "grpc.method": M("Unary"), "grpc.target": target }, count: 2 }]);
  assert.deepEqual(counts(metrics.get("grpc.client.attempt.duration")), [{ attributes: attrs("CANCELLED"), count: 1 }, { attributes: attrs("OK"), count: 1 }]);
  assert.deepEqual(counts(metrics.get("grpc.client.call.duration")), [{ attributes: attrs("OK"), count: 1 }]);
});

test("compressed messages are counted compressed, the same on both sides", async () => {
  const rec = recording();
  const pair = await echoPair(rec);
  const text = "a".repeat(10_000);
  try {
    assert.equal((await pair.client.unary({ text }, { compression: "gzip" })).text, text);
  } finally {
    await pair.stop();
  }
  const metrics = await rec.metrics();
  const [clientSent] = points(metrics.get("grpc.client.attempt.sent_total_compressed_message_size"));
  const [serverRcvd] = points(metrics.get("grpc.server.call.rcvd_total_compressed_message_size"));
  assert.ok(clientSent!.sum! < requestSize({ text }) / 10, `${clientSent!.sum} bytes sent for a ${requestSize({ text })}-byte message`);
  assert.equal(serverRcvd!.sum, clientSent!.sum);
});
