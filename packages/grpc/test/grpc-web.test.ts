import { test, after } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:http2";
import { createConnection } from "node:net";
import { gzipSync } from "node:zlib";
import { BadRequest, createClient, findDetail, packDetail, createGrpcWebTransport, createServer, GrpcError, Metadata, Status, type ServerCall, type ServerInterceptor } from "../src/index.js";
import { encodeEnvelope, EnvelopeReader } from "../src/protocol/envelope.js";
import { parseTrailersBlock } from "../src/protocol/grpc-web.js";
import { UserService, userServiceImpl } from "./user-service-fixture.js";

// gRPC-Web on the gRPC port: our fetch transport (HTTP/1.1 under Node's fetch), a raw HTTP/2 client, hand-made bodies,
// CORS. The same server keeps serving gRPC throughout.
const released: string[] = [];
const seen: string[] = [];
/** Told of each call as it begins, when a test wants the call itself. */
let onCall: ((call: ServerCall) => void) | undefined;
const record: ServerInterceptor = (next) => (call) => {
  seen.push(`${call.method.name} ${call.ctx.metadata.get("x-trace") ?? "-"}`);
  onCall?.(call);
  return next(call);
};
const impl = userServiceImpl();
const server = createServer({ logError: () => {}, interceptors: [record], cors: { allowedOrigins: ["http://localhost:*", "https://*.example.com"] } }).add(UserService, {
  ...impl,
  async createUser(req: Record<string, unknown>, ctx) {
    if (!req["username"]) {
      const details = [packDetail(BadRequest, { fieldViolations: [{ field: "username", description: "username is required" }] })];
      throw new GrpcError(Status.INVALID_ARGUMENT, "invalid user", { details });
    }
    return impl.createUser(req, ctx);
  },
  async *watchUsers(req: Record<string, unknown>, ctx) {
    if (req["roleFilter"] !== "forever") return yield* impl.watchUsers(req, ctx);
    // One user, then nothing until the client goes away: the test sees the handler released.
    yield { id: 1, username: "first" };
    await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
    released.push(String(ctx.signal.reason));
  },
});
const port = await server.listen("127.0.0.1:0");
const base = `http://127.0.0.1:${port}`;
after(() => server.shutdown(100));

const GetUserRequest = UserService.methods["getUser"]!.input;
const GetUserResponse = UserService.methods["getUser"]!.output;

/** Posts a hand-made gRPC-Web body; returns the HTTP answer with its frames split into messages and trailers. */
async function post(path: string, body: Uint8Array | string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, { method: "POST", body, headers: { "content-type": "application/grpc-web+proto", ...headers } });
  let bytes = new Uint8Array(await res.arrayBuffer());
  if ((res.headers.get("content-type") ?? "").includes("text")) bytes = Buffer.from(Buffer.from(bytes).toString("latin1"), "base64");
  const frames = new EnvelopeReader(1 << 20).push(bytes);
  const trailerFrame = frames.find((f) => f.trailers);
  return { res, messages: frames.filter((f) => !f.trailers), trailers: trailerFrame ? parseTrailersBlock(trailerFrame.data) : undefined };
}

const statusOf = (r: Awaited<ReturnType<typeof post>>) => Number(r.trailers?.["grpc-status"] ?? r.res.headers.get("grpc-status"));

for (const format of ["binary", "text"] as const) {
  test(`our gRPC-Web transport (${format}): unary with metadata both ways, server streaming, errors with details`, async () => {
    const client = createClient(UserService, createGrpcWebTransport({ baseUrl: base, format }));
    let headers: Metadata | undefined;
    let trailers: Metadata | undefined;
    const res = (await client.getUser({ id: 1 }, { metadata: { "x-trace": format }, onHeader: (h) => (headers = h), onTrailer: (t) => (trailers = t) })) as any;
    assert.equal(res.user.username, "ada");
    assert.equal(headers?.get("x-served-by"), "tsgrpc");
    assert.equal(trailers?.get("x-user-count"), "1");
    assert.ok(seen.includes(`GetUser ${format}`), "the interceptor saw the call and its metadata");

    const streamed: any[] = [];
    for await (const u of client.watchUsers({ roleFilter: "r" })) streamed.push(u);
    assert.deepEqual(streamed.map((u) => u.username), ["u0", "u1", "u2", "u3", "u4"]);

    const notFound = await client.getUser({ id: 42 }).catch((e: GrpcError) => e);
    assert.ok(notFound instanceof GrpcError);
    assert.equal(notFound.code, Status.NOT_FOUND);
    assert.equal(notFound.rawMessage, "User 42 not found");
    assert.equal(notFound.metadata.get("x-missing-id"), "42");

    const invalid = await client.createUser({ username: "" }).catch((e: GrpcError) => e);
    assert.equal(invalid.code, Status.INVALID_ARGUMENT);
    assert.deepEqual(findDetail(invalid, BadRequest)?.fieldViolations.map((v) => v.field), ["username"]);
  });
}

test("gRPC-Web over HTTP/2: messages, then the trailers as the last frame of the body", async () => {
  const session = connect(base);
  try {
    const stream = session.request({ ":method": "POST", ":path": "/userservice.UserService/WatchUsers", "content-type": "application/grpc-web+proto", "x-grpc-web": "1" });
    stream.end(encodeEnvelope(UserService.methods["watchUsers"]!.input.encode({ roleFilter: "h2" })));
    const chunks: Buffer[] = [];
    const [headers] = await Promise.all([new Promise<Record<string, unknown>>((r) => stream.on("response", r)), new Promise((r) => stream.on("end", r).on("data", (c: Buffer) => chunks.push(c)))]);
    assert.equal(headers[":status"], 200);
    assert.equal(headers["content-type"], "application/grpc-web+proto");
    assert.equal(headers["grpc-status"], undefined, "the status is in the body, not in HTTP/2 trailers");
    const frames = new EnvelopeReader(1 << 20).push(Buffer.concat(chunks));
    assert.equal(frames.length, 6);
    assert.deepEqual(frames.map((f) => f.trailers), [false, false, false, false, false, true]);
    assert.equal(parseTrailersBlock(frames[5]!.data)["grpc-status"], "0");
  } finally {
    session.close();
  }
});

test("an unknown method is a trailers-only answer: the status in the HTTP headers, no body", async () => {
  const r = await post("/userservice.UserService/Nope", encodeEnvelope(new Uint8Array()));
  assert.equal(r.res.status, 200);
  assert.equal(r.res.headers.get("grpc-status"), String(Status.UNIMPLEMENTED));
  assert.equal(r.messages.length, 0);
  const client = createClient(UserService, createGrpcWebTransport({ baseUrl: `${base}/missing-prefix` }));
  await assert.rejects(client.getUser({ id: 1 }), (e: GrpcError) => e.code === Status.UNIMPLEMENTED);
});

test("client and bidirectional streaming over gRPC-Web are UNIMPLEMENTED, with the reason", async () => {
  const r = await post("/userservice.UserService/BulkCreateUsers", encodeEnvelope(new Uint8Array()));
  assert.equal(statusOf(r), Status.UNIMPLEMENTED);
  assert.match(decodeURIComponent(r.res.headers.get("grpc-message") ?? ""), /one request message per call/);
  const client = createClient(UserService, createGrpcWebTransport({ baseUrl: base }));
  await assert.rejects(client.bulkCreateUsers([{ username: "a" }]), (e: GrpcError) => e.code === Status.UNIMPLEMENTED && /one request per call/.test(e.message));
  const chat = client.userChat([{ text: "hi" }])[Symbol.asyncIterator]();
  await assert.rejects(chat.next(), (e: GrpcError) => e.code === Status.UNIMPLEMENTED);
});

test("deadlines: the server ends a call that overruns its grpc-timeout, and the client's own timer fires too", async () => {
  const client = createClient(UserService, createGrpcWebTransport({ baseUrl: base }));
  const started = Date.now();
  await assert.rejects(client.getUser({ id: 999 }, { timeout: 200 }), (e: GrpcError) => e.code === Status.DEADLINE_EXCEEDED);
  assert.ok(Date.now() - started < 5000);
  const r = await post("/userservice.UserService/GetUser", encodeEnvelope(GetUserRequest.encode({ id: 999 })), { "grpc-timeout": "100m" });
  assert.equal(statusOf(r), Status.DEADLINE_EXCEEDED);
});

test("aborting a server stream through AbortSignal releases the server's handler", async () => {
  const client = createClient(UserService, createGrpcWebTransport({ baseUrl: base }));
  const controller = new AbortController();
  const got: string[] = [];
  const reading = (async () => {
    for await (const u of client.watchUsers({ roleFilter: "forever" }, { signal: controller.signal })) {
      got.push((u as any).username);
      controller.abort();
    }
  })();
  await assert.rejects(reading, (e: GrpcError) => e.code === Status.CANCELLED);
  assert.deepEqual(got, ["first"]);
  await waitFor(() => released.length === 1);
  // Leaving the loop early (break) cancels the call the same way.
  for await (const _ of client.watchUsers({ roleFilter: "forever" })) break;
  await waitFor(() => released.length === 2);
});

test("CORS: preflights of allowed origins are granted, others refused; refused origins cannot call", async () => {
  const preflight = (origin: string) =>
    fetch(`${base}/userservice.UserService/GetUser`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type,x-grpc-web,grpc-timeout,x-trace" },
    });
  const ok = await preflight("http://localhost:5173");
  assert.equal(ok.status, 204);
  assert.equal(ok.headers.get("access-control-allow-origin"), "http://localhost:5173");
  // GET too: the server also speaks Connect, whose NO_SIDE_EFFECTS methods take GET.
  assert.equal(ok.headers.get("access-control-allow-methods"), "GET, POST");
  assert.match(ok.headers.get("access-control-allow-headers") ?? "", /x-trace/);
  assert.equal((await preflight("https://app.example.com")).status, 204);
  for (const origin of ["https://evil.test", "http://localhost.evil.test", "https://example.com.evil.test"]) {
    const no = await preflight(origin);
    assert.equal(no.status, 403, origin);
    assert.equal(no.headers.get("access-control-allow-origin"), null);
  }

  const callsBefore = seen.length;
  const refused = await post("/userservice.UserService/CreateUser", encodeEnvelope(new Uint8Array()), { origin: "https://evil.test" });
  assert.equal(refused.res.status, 403);
  assert.equal(statusOf(refused), Status.PERMISSION_DENIED);
  assert.equal(seen.length, callsBefore, "the handler never ran");

  const allowed = await post("/userservice.UserService/GetUser", encodeEnvelope(GetUserRequest.encode({ id: 1 })), { origin: "http://localhost:3000" });
  assert.equal(allowed.res.headers.get("access-control-allow-origin"), "http://localhost:3000");
  const exposed = allowed.res.headers.get("access-control-expose-headers") ?? "";
  for (const h of ["grpc-status", "grpc-message", "x-served-by"]) assert.ok(exposed.split(", ").includes(h), `${h} in ${exposed}`);
  // The server's own origin needs no grant.
  const same = await post("/userservice.UserService/GetUser", encodeEnvelope(GetUserRequest.encode({ id: 1 })), { origin: base });
  assert.equal(statusOf(same), Status.OK);
  assert.equal(same.res.headers.get("access-control-allow-origin"), null);
});

test("bad input: a text body that is not base64, truncated bodies, a connection cut mid-frame, another codec", { timeout: 10_000 }, async () => {
  const notBase64 = await post("/userservice.UserService/GetUser", "this is *not* base64!!", { "content-type": "application/grpc-web-text" });
  assert.equal(statusOf(notBase64), Status.INTERNAL);
  assert.match(decodeURIComponent(notBase64.res.headers.get("grpc-message") ?? ""), /not base64/);

  const cutGroup = await post("/userservice.UserService/GetUser", Buffer.from(encodeEnvelope(GetUserRequest.encode({ id: 1 }))).toString("base64").slice(0, -2), { "content-type": "application/grpc-web-text" });
  assert.equal(statusOf(cutGroup), Status.INTERNAL);

  const envelope = encodeEnvelope(GetUserRequest.encode({ id: 1 }));
  const truncated = await post("/userservice.UserService/GetUser", envelope.subarray(0, envelope.length - 1));
  assert.equal(statusOf(truncated), Status.INTERNAL);
  assert.match(decodeURIComponent(truncated.res.headers.get("grpc-message") ?? ""), /middle of a message/);

  // Padding mid-body is allowed (each chunk of a text stream is encoded on its own).
  const twoChunks = Buffer.from(envelope.subarray(0, 4)).toString("base64") + Buffer.from(envelope.subarray(4)).toString("base64");
  const padded = await post("/userservice.UserService/GetUser", twoChunks, { "content-type": "application/grpc-web-text" });
  assert.equal(statusOf(padded), Status.OK);
  assert.equal((GetUserResponse.decode(padded.messages[0]!.data) as any).user.username, "ada");

  // The connection is cut 3 bytes into the request's only frame, once the call has begun: the call must end as
  // CANCELLED (its signal aborts), not wait for the rest or run the handler on half a message.
  const begun = new Promise<ServerCall>((resolve) => (onCall = resolve));
  const socket = createConnection(port, "127.0.0.1", () => {
    socket.write(`POST /userservice.UserService/GetUser HTTP/1.1\r\nhost: x\r\ncontent-type: application/grpc-web+proto\r\ncontent-length: ${envelope.length}\r\n\r\n`);
    socket.write(envelope.subarray(0, 3));
  });
  socket.on("error", () => {});
  const cut = await begun;
  onCall = undefined;
  socket.destroy();
  const { signal } = cut.ctx;
  const reason = signal.aborted ? signal.reason : await new Promise((resolve) => signal.addEventListener("abort", () => resolve(signal.reason)));
  assert.ok(reason instanceof GrpcError, `aborted with ${String(reason)}`);
  assert.equal(reason.code, Status.CANCELLED);
  const json = await post("/userservice.UserService/GetUser", "{}", { "content-type": "application/grpc-web+json" });
  assert.equal(json.res.status, 415);
  const client = createClient(UserService, createGrpcWebTransport({ baseUrl: base }));
  assert.equal(((await client.getUser({ id: 1 })) as any).user.username, "ada");
});

test("compression behaves as for gRPC: a gzip-compressed request message is read", async () => {
  const data = gzipSync(GetUserRequest.encode({ id: 1 }));
  const compressed = encodeEnvelope(data, true);
  const r = await post("/userservice.UserService/GetUser", compressed, { "grpc-encoding": "gzip" });
  assert.equal(statusOf(r), Status.OK);
  assert.equal((GetUserResponse.decode(r.messages[0]!.data) as any).user.username, "ada");
});

test("limits behave as for gRPC: a request over the receive limit is RESOURCE_EXHAUSTED", async () => {
  const small = createServer({ maxReceiveMessageSize: 16 }).add(UserService, userServiceImpl());
  const smallPort = await small.listen("127.0.0.1:0");
  try {
    const res = await fetch(`http://127.0.0.1:${smallPort}/userservice.UserService/CreateUser`, {
      method: "POST",
      headers: { "content-type": "application/grpc-web" },
      body: encodeEnvelope(UserService.methods["createUser"]!.input.encode({ username: "x".repeat(100) })),
    });
    assert.equal(res.headers.get("grpc-status"), String(Status.RESOURCE_EXHAUSTED));
  } finally {
    await small.shutdown(100);
  }
});

async function waitFor(condition: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}
