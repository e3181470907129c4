import { test, after } from "node:test";
import assert from "node:assert/strict";
import { connect, constants } from "node:http2";
import type { ClientHttp2Session, IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http2";
import { createConnection } from "node:net";
import { gzipSync } from "node:zlib";
import { HpackDecoder } from "@tsgrpc/http2";
import { createChannel, createClient, createServer, GrpcError, Status } from "../src/index.js";
import { encodeEnvelope } from "../src/protocol/envelope.js";
import { END_HEADERS, END_STREAM, HEADERS, RawHttp2, frame } from "./raw-http2.js";
import { UserService, userServiceImpl } from "./user-service-fixture.js";

// Hand-made requests over a raw HTTP/2 client: what a broken or hostile peer sends. After each, the server still
// serves ordinary calls.

/** What the server's BulkCreateUsers handler saw: its first request message, and the abort of its call. */
let sawFirstMessage!: () => void;
let sawAbort!: (reason: unknown) => void;
const bulk = { firstMessage: new Promise<void>((r) => (sawFirstMessage = r)), aborted: new Promise<unknown>((r) => (sawAbort = r)) };
const server = createServer({ logError: () => {}, maxReceiveMessageSize: 1024 }).add(UserService, {
  ...userServiceImpl(),
  async bulkCreateUsers(requests, ctx) {
    ctx.signal.addEventListener("abort", () => sawAbort(ctx.signal.reason));
    let n = 0;
    for await (const _ of requests) {
      sawFirstMessage();
      n++;
    }
    return { createdCount: n };
  },
});
const port = await server.listen("127.0.0.1:0");
const session: ClientHttp2Session = connect(`http://127.0.0.1:${port}`);
session.on("error", () => {});
const channel = createChannel(`127.0.0.1:${port}`);
const client = createClient(UserService, channel);
after(async () => {
  session.close();
  channel.close();
  await server.shutdown(100);
});

const GetUserRequest = UserService.methods["getUser"]!.input;

interface Exchange {
  headers: IncomingHttpHeaders;
  trailers: IncomingHttpHeaders;
  rstCode: number | undefined;
}

function exchange(extra: OutgoingHttpHeaders, body: Uint8Array[] = [], path = "/userservice.UserService/GetUser"): Promise<Exchange> {
  return new Promise((resolve) => {
    const stream = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers", ...extra });
    let headers: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders = {};
    stream.on("response", (h) => (headers = h));
    stream.on("trailers", (t) => (trailers = t));
    stream.on("data", () => {});
    stream.on("error", () => {});
    stream.on("close", () => resolve({ headers, trailers, rstCode: stream.rstCode }));
    for (const b of body) stream.write(b);
    stream.end();
  });
}

const statusOf = (e: Exchange) => Number(e.trailers["grpc-status"] ?? e.headers["grpc-status"]);

async function stillServing(): Promise<void> {
  const res = (await client.getUser({ id: 1 })) as any;
  assert.equal(res.user.username, "ada");
}

test("a wrong content-type is answered with HTTP 415", async () => {
  // (application/json would be a Connect call: the server speaks Connect on the same port.)
  const e = await exchange({ "content-type": "text/plain" });
  assert.equal(e.headers[":status"], 415);
  await stillServing();
});

test("a truncated message is INTERNAL", async () => {
  const whole = encodeEnvelope(GetUserRequest.encode({ id: 1 }));
  assert.equal(statusOf(await exchange({}, [whole.subarray(0, whole.length - 1)])), Status.INTERNAL);
  assert.equal(statusOf(await exchange({}, [Uint8Array.of(0, 0, 0)])), Status.INTERNAL);
  await stillServing();
});

test("garbage that is not protobuf is INTERNAL", async () => {
  assert.equal(statusOf(await exchange({}, [encodeEnvelope(Uint8Array.of(0xff, 0xff, 0xff, 0xff))])), Status.INTERNAL);
  await stillServing();
});

test("the compressed flag with no grpc-encoding is INTERNAL", async () => {
  assert.equal(statusOf(await exchange({}, [encodeEnvelope(GetUserRequest.encode({ id: 1 }), true)])), Status.INTERNAL);
});

test("an unknown grpc-encoding is UNIMPLEMENTED, with grpc-accept-encoding", async () => {
  const e = await exchange({ "grpc-encoding": "snappy" }, [encodeEnvelope(GetUserRequest.encode({ id: 1 }), true)]);
  assert.equal(statusOf(e), Status.UNIMPLEMENTED);
  assert.match(String(e.headers["grpc-accept-encoding"]), /gzip/);
});

test("gzip requests are accepted; a compression bomb is RESOURCE_EXHAUSTED, not an out-of-memory", async () => {
  const ok = await exchange({ "grpc-encoding": "gzip" }, [encodeEnvelope(gzipSync(GetUserRequest.encode({ id: 1 })), true)]);
  assert.equal(statusOf(ok), Status.OK);
  assert.equal(statusOf(await exchange({ "grpc-encoding": "gzip" }, [encodeEnvelope(Uint8Array.of(1, 2, 3, 4), true)])), Status.INTERNAL);
  const small = gzipSync(new Uint8Array(200 * 1024)); // compresses to ~200 bytes, expands past the 1 KiB limit
  assert.ok(small.length < 1024);
  assert.equal(statusOf(await exchange({ "grpc-encoding": "gzip" }, [encodeEnvelope(small, true)])), Status.RESOURCE_EXHAUSTED);
  await stillServing();
});

test("a message over the receive limit is RESOURCE_EXHAUSTED, refused from its length prefix", async () => {
  const header = Uint8Array.of(0, 0, 0x10, 0, 0); // announces 1 MiB, sends nothing more
  assert.equal(statusOf(await exchange({}, [header])), Status.RESOURCE_EXHAUSTED);
  await stillServing();
});

test("an invalid grpc-timeout is INTERNAL (a library may not generate INVALID_ARGUMENT)", async () => {
  for (const bad of ["1x", "123456789S", "-1S", "S", "1.5S"]) {
    assert.equal(statusOf(await exchange({ "grpc-timeout": bad }, [encodeEnvelope(GetUserRequest.encode({ id: 1 }))])), Status.INTERNAL, bad);
  }
  await stillServing();
});

test("a grpc-timeout beyond what setTimeout can wait (99999999H) does not expire at once", async () => {
  // setTimeout fires at once for a delay past 2^31-1 ms (~24.8 days): the call must wait for its answer instead.
  const stream = session.request({ ":method": "POST", ":path": "/userservice.UserService/GetUser", "content-type": "application/grpc", te: "trailers", "grpc-timeout": "99999999H" });
  let status: unknown;
  stream.on("response", (h) => (status ??= h["grpc-status"]));
  stream.on("trailers", (t) => (status ??= t["grpc-status"]));
  stream.on("error", () => {});
  stream.end(encodeEnvelope(GetUserRequest.encode({ id: 999 }))); // answers only when the call ends
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(status, undefined);
  stream.close(constants.NGHTTP2_CANCEL);
  await stillServing();
});

test("calls refused for their headers are not left in the server's table of calls in progress", async () => {
  const calls = (server as unknown as { calls: { size: number } }).calls; // white-box: the leak is invisible otherwise
  const request = [encodeEnvelope(GetUserRequest.encode({ id: 1 }))];
  for (let i = 0; i < 20; i++) {
    assert.equal(statusOf(await exchange({ "grpc-timeout": "1x" }, request)), Status.INTERNAL);
    assert.equal(statusOf(await exchange({ "grpc-encoding": "snappy" }, request)), Status.UNIMPLEMENTED);
  }
  await stillServing();
  assert.equal(calls.size, 0);
});

test("two requests to a unary method are UNIMPLEMENTED (cardinality)", async () => {
  const m = encodeEnvelope(GetUserRequest.encode({ id: 1 }));
  assert.equal(statusOf(await exchange({}, [m, m])), Status.UNIMPLEMENTED);
});

test("an unknown service is UNIMPLEMENTED, as a trailers-only response", async () => {
  const e = await exchange({}, [], "/no.Such/Method");
  assert.equal(e.headers["grpc-status"], String(Status.UNIMPLEMENTED));
});

test("a client that vanishes mid-stream cancels the call, and the server goes on", { timeout: 10_000 }, async () => {
  const stream = session.request({ ":method": "POST", ":path": "/userservice.UserService/BulkCreateUsers", "content-type": "application/grpc" });
  stream.on("error", () => {});
  stream.write(encodeEnvelope(UserService.methods["bulkCreateUsers"]!.input.encode({ username: "x" })));
  await bulk.firstMessage; // the call is running in the handler: the reset below lands mid-stream
  stream.close(constants.NGHTTP2_CANCEL);
  // The handler's signal aborts, with CANCELLED (a call never cancelled hangs here until the test's timeout).
  const reason = await bulk.aborted;
  assert.ok(reason instanceof GrpcError, `aborted with ${String(reason)}`);
  assert.equal(reason.code, Status.CANCELLED);
  await stillServing();
});

test("gRPC over HTTP/1.1 is refused with HTTP 505 without harming the server", async () => {
  const reply = await new Promise<string>((resolve) => {
    const request = "POST /userservice.UserService/GetUser HTTP/1.1\r\nHost: x\r\ncontent-type: application/grpc\r\ncontent-length: 0\r\n\r\n";
    const socket = createConnection(port, "127.0.0.1", () => socket.write(request));
    let data = "";
    socket.on("data", (d) => (data += d.toString("latin1")));
    socket.on("close", () => resolve(data));
    socket.on("error", () => resolve(data));
    setTimeout(() => socket.destroy(), 1000);
  });
  assert.match(reply, /^HTTP\/1.1 505 /);
  await stillServing();
});

test("oversized metadata is refused by the header limit (HTTP 431); the server goes on", { timeout: 10_000 }, async () => {
  // Raw frames: node:http2's client refuses such a request itself (REFUSED_STREAM) once it knows the server's
  // SETTINGS_MAX_HEADER_LIST_SIZE, so through it the server would never see the request at all.
  const peer = await RawHttp2.client(port);
  try {
    const block = peer.encoder.encode([":method", "POST", ":scheme", "http", ":path", "/userservice.UserService/GetUser", ":authority", "localhost", "content-type", "application/grpc", "x-big", "a".repeat(20 * 1024)]);
    // Over the 16 KiB list limit, within one frame of the default 16 KiB frame size: a HEADERS and a CONTINUATION (9).
    peer.send(frame(HEADERS, END_STREAM, 1, block.subarray(0, 16384)), frame(9, END_HEADERS, 1, block.subarray(16384)));
    const answer = await peer.next((f) => f.type === HEADERS && f.streamId === 1);
    assert.ok(answer, "an answer on stream 1, not the connection's end");
    assert.deepEqual(new HpackDecoder().decode(answer.payload, 1 << 16).fields, [":status", "431"]);
  } finally {
    peer.close();
  }
  await stillServing();
});

test("a thousand concurrent calls on one connection all complete", async () => {
  const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => client.getUser({ id: (i % 2) + 1 }).then(() => "ok", (e: { code: number }) => e.code)));
  assert.equal(results.filter((r) => r === "ok").length, 500);
  assert.equal(results.filter((r) => r === Status.NOT_FOUND).length, 500);
});
