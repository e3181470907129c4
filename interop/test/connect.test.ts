import { test, after } from "node:test";
import assert from "node:assert/strict";
import { request as http1Request } from "node:http";
import { connect as http2Connect } from "node:http2";
import { fileURLToPath } from "node:url";
import { createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient as createConnectClient } from "@connectrpc/connect";
import { compressionBrotli, compressionGzip, createConnectTransport } from "@connectrpc/connect-node";
import { Compiler } from "@tsgrpc/compiler";
import { BadRequest, createServer, GrpcError, Metadata, packDetail, Status, type ServerCallTracerFactory, type ServerContext, type ServerInterceptor } from "@tsgrpc/grpc";
import { createServiceDefinition } from "@tsgrpc/protobuf";
import { getDescriptorRegistry, messageType, Registry } from "@tsgrpc/protobuf/codegen-support";

// The Connect protocol on tsgrpc's server, with connect-node's Connect transport as the independent client: binary and
// JSON, HTTP/1.1 and HTTP/2, GET for the NO_SIDE_EFFECTS method; then hand-made bad requests.
const protoDir = fileURLToPath(new URL("../../test/connect", import.meta.url));
const compiler = new Compiler({ includePaths: [protoDir] });
const files = compiler.withImports(compiler.compile(["echo.proto"]));
const EchoService = createServiceDefinition(Registry.from(files).getService("tsgrpc.connecttest.EchoService")!, Registry.from(files));
const descriptorSet = messageType(getDescriptorRegistry().getMessage("google.protobuf.FileDescriptorSet")!).encode({ file: files });
const BufEchoService = createFileRegistry(fromBinary(FileDescriptorSetSchema, descriptorSet)).getService("tsgrpc.connecttest.EchoService")!;

type Req = { text: string; count: number; tags: string[] };

/** What the server's handlers saw abort them (the deadline test waits for it). */
let sawAbort: ((reason: unknown) => void) | undefined;

function answer(req: Req, ctx: ServerContext): { text: string } {
  if (req.text === "fail") {
    const details = [packDetail(BadRequest, { fieldViolations: [{ field: "text", description: "must not be fail" }] })];
    throw new GrpcError(Status.INVALID_ARGUMENT, "invalid text: ünïcode & 100%", { details, metadata: new Metadata({ "x-why": "asked to" }) });
  }
  if (req.text.startsWith("zip")) ctx.responseCompression = "gzip";
  if (req.text.startsWith("brotli")) ctx.responseCompression = "br";
  ctx.responseHeaders.set("x-served-by", "tsgrpc");
  ctx.responseTrailers.set("x-tags", req.tags.join(",") || "-");
  return { text: `echo: ${req.text}` };
}

const echoImpl = {
  async echo(req: Req, ctx: ServerContext) {
    if (req.text === "slow") {
      await new Promise((_, reject) => ctx.signal.addEventListener("abort", () => (sawAbort?.(ctx.signal.reason), reject(ctx.signal.reason))));
    }
    return answer(req, ctx);
  },
  async lookup(req: Req, ctx: ServerContext) {
    return answer(req, ctx);
  },
  async *expand(req: Req, ctx: ServerContext) {
    if (req.text.startsWith("zip")) ctx.responseCompression = "gzip";
    ctx.responseTrailers.set("x-count", String(req.count));
    for (let i = 0; i < req.count; i++) yield { text: req.text, index: i };
    if (req.text === "fail") answer(req, ctx);
  },
  async collect(requests: AsyncIterable<Req>) {
    const texts: string[] = [];
    for await (const r of requests) texts.push(r.text);
    return { text: texts.join("+"), index: texts.length };
  },
  async *chat(requests: AsyncIterable<Req>) {
    let i = 0;
    for await (const r of requests) yield { text: `re: ${r.text}`, index: i++ };
  },
};
const server = createServer({ logError: () => {} }).add(EchoService, echoImpl as never);
const port = await server.listen("127.0.0.1:0");
const baseUrl = `http://127.0.0.1:${port}`;
// The same service on node:http2, behind an interceptor that records each call and its metadata: Connect calls go
// through interceptors as gRPC calls do.
const intercepted: string[] = [];
const record: ServerInterceptor = (next) => (call) => {
  intercepted.push(`${call.method.name} ${call.ctx.metadata.get("x-trace") ?? "-"}`);
  return next(call);
};
const nodeServer = createServer({ logError: () => {}, http2Engine: "node", interceptors: [record] }).add(EchoService, echoImpl as never);
const nodeBaseUrl = `http://127.0.0.1:${await nodeServer.listen("127.0.0.1:0")}`;
after(() => Promise.all([server.shutdown(100), nodeServer.shutdown(100)]));

/** The HTTP method and RPC of each request the server's router sees from now on (the client's interceptors see a GET as the POST it is made from). */
function seeHttpMethods(target = server): string[] {
  const seen: string[] = [];
  const router = (target as unknown as { router: { dispatch(r: { method: string; path: string }): void } }).router;
  const dispatch = router.dispatch.bind(router);
  router.dispatch = (r) => {
    seen.push(`${r.method} ${r.path.split("?")[0]!.split("/").pop()}${/[?&]compression=gzip(&|$)/.test(r.path) ? " compression=gzip" : ""}`);
    dispatch(r);
  };
  return seen;
}

function client(httpVersion: "1.1" | "2", useBinaryFormat: boolean, extra: { useHttpGet?: boolean; sendCompression?: typeof compressionGzip | typeof compressionBrotli; compressMinBytes?: number; baseUrl?: string } = {}) {
  return createConnectClient(BufEchoService, createConnectTransport({ baseUrl, httpVersion, useBinaryFormat, ...extra } as never)) as any;
}

async function connectError(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (e) {
    assert.ok(e instanceof ConnectError, String(e));
    return e;
  }
  assert.fail("the call should fail");
}

async function* items<T>(...values: T[]): AsyncIterable<T> {
  for (const v of values) yield v;
}

for (const httpVersion of ["1.1", "2"] as const) {
  for (const binary of [true, false]) {
    const variant = `HTTP/${httpVersion}, ${binary ? "binary" : "JSON"}`;

    for (const target of [{ name: "tsgrpc's engine", server, baseUrl }, { name: "node:http2, an interceptor", server: nodeServer, baseUrl: nodeBaseUrl }]) {
      if (httpVersion === "1.1" && target.server === nodeServer) continue; // HTTP/1.1 is node:http on both
      test(`connect-node -> tsgrpc (${variant}, ${target.name}): unary POST and GET with metadata, server and client streaming${httpVersion === "2" ? ", bidi" : ""}`, async () => {
        const methods = seeHttpMethods(target.server);
        intercepted.length = 0;
        const echo = client(httpVersion, binary, { useHttpGet: true, baseUrl: target.baseUrl });
        let headers: Headers | undefined;
        let trailers: Headers | undefined;
        const r = await echo.echo({ text: "hi", tags: ["a", "b"] }, { headers: { "x-trace": "t1" }, onHeader: (h: Headers) => (headers = h), onTrailer: (t: Headers) => (trailers = t) });
        assert.equal(r.text, "echo: hi");
        assert.equal(headers?.get("x-served-by"), "tsgrpc");
        assert.equal(trailers?.get("x-tags"), "a,b");
        const got = await echo.lookup({ text: "by get: ü/+&=?", tags: ["c"] }, { headers: { "x-trace": "t2" }, onTrailer: (t: Headers) => (trailers = t) });
        assert.equal(got.text, "echo: by get: ü/+&=?");
        assert.equal(trailers?.get("x-tags"), "c");
        assert.deepEqual(methods.splice(0), ["POST Echo", "GET Lookup"]);

        const streamed: unknown[] = [];
        for await (const m of echo.expand({ text: "s", count: 3 }, { onTrailer: (t: Headers) => (trailers = t) })) streamed.push([m.text, m.index]);
        assert.deepEqual(streamed, [["s", 0], ["s", 1], ["s", 2]]);
        assert.equal(trailers?.get("x-count"), "3");

        const collected = await echo.collect(items({ text: "a" }, { text: "b" }, { text: "c" }));
        assert.deepEqual([collected.text, collected.index], ["a+b+c", 3]);

        if (httpVersion === "2") {
          const replies: string[] = [];
          for await (const m of echo.chat(items({ text: "x" }, { text: "y" }), { headers: { "x-trace": "t3" } })) replies.push(m.text);
          assert.deepEqual(replies, ["re: x", "re: y"]);
        }
        if (target.server === nodeServer) assert.deepEqual(intercepted, ["Echo t1", "Lookup t2", "Expand -", "Collect -", "Chat t3"]);
      });
    }

    test(`connect-node -> tsgrpc (${variant}): errors with details and metadata, unary and streaming`, async () => {
      const echo = client(httpVersion, binary);
      for (const e of [await connectError(echo.echo({ text: "fail" })), await connectError((async () => { for await (const _ of echo.expand({ text: "fail", count: 2 })); })())]) {
        assert.equal(e.code, Code.InvalidArgument);
        assert.equal(e.rawMessage, "invalid text: ünïcode & 100%");
        assert.equal(e.metadata.get("x-why"), "asked to");
        const [detail] = e.details as { type: string; value: Uint8Array; debug?: unknown }[];
        assert.equal(detail?.type, "google.rpc.BadRequest");
        assert.deepEqual((BadRequest.decode(detail.value) as any).fieldViolations[0].field, "text");
        assert.deepEqual(detail.debug, { fieldViolations: [{ field: "text", description: "must not be fail" }] });
      }
    });
  }

  test(`connect-node -> tsgrpc (HTTP/${httpVersion}): a deadline exceeded, the handler's call aborted`, async () => {
    // connect-node also keeps the deadline itself, so the client's timer and the server's race: either side may end it.
    const aborted = new Promise<unknown>((resolve) => (sawAbort = resolve));
    const e = await connectError(client(httpVersion, true).echo({ text: "slow" }, { timeoutMs: 200 }));
    assert.equal(e.code, Code.DeadlineExceeded);
    const reason = await aborted;
    assert.ok(reason instanceof GrpcError && [Status.DEADLINE_EXCEEDED, Status.CANCELLED].includes(reason.code), String(reason));
  });

  test(`connect-node -> tsgrpc (HTTP/${httpVersion}): Brotli both ways ("br", Node's zlib)`, async () => {
    for (const binary of [true, false]) {
      const echo = client(httpVersion, binary, { sendCompression: compressionBrotli, compressMinBytes: 0 });
      let headers: Headers | undefined;
      const r = await echo.echo({ text: "brotli me" }, { onHeader: (h: Headers) => (headers = h) });
      assert.equal(r.text, "echo: brotli me");
      assert.equal(headers?.get("content-encoding"), "br");
    }
  });

  test(`connect-node -> tsgrpc (HTTP/${httpVersion}): gzip both ways, unary (content-encoding) and streaming (connect-content-encoding)`, async () => {
    for (const binary of [true, false]) {
      const echo = client(httpVersion, binary, { sendCompression: compressionGzip, compressMinBytes: 0, useHttpGet: true });
      const methods = seeHttpMethods();
      let headers: Headers | undefined;
      const r = await echo.echo({ text: "zip me" }, { onHeader: (h: Headers) => (headers = h) });
      assert.equal(r.text, "echo: zip me");
      assert.equal(headers?.get("content-encoding"), "gzip");
      // A GET carries its compressed message in the query (compression=gzip, base64=1). connect-node sends no
      // accept-encoding with a GET, so the answer is not compressed.
      const got = await echo.lookup({ text: "zip by get" }, { onHeader: (h: Headers) => (headers = h) });
      assert.equal(got.text, "echo: zip by get");
      assert.equal(headers?.get("content-encoding"), null);
      assert.deepEqual(methods.splice(0), ["POST Echo", "GET Lookup compression=gzip"]);
      const streamed: number[] = [];
      for await (const m of echo.expand({ text: "zip", count: 2 }, { onHeader: (h: Headers) => (headers = h) })) streamed.push(m.index);
      assert.deepEqual(streamed, [0, 1]);
      assert.equal(headers?.get("connect-content-encoding"), "gzip");
    }
  });
}

// Hand-made requests: what a broken or hostile client sends.
const ECHO = "/tsgrpc.connecttest.EchoService/Echo";
const LOOKUP = "/tsgrpc.connecttest.EchoService/Lookup";
const COLLECT = "/tsgrpc.connecttest.EchoService/Collect";

async function post(path: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
  const res = await fetch(`${baseUrl}${path}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text.startsWith("{") ? JSON.parse(text) : undefined, text };
}

test("a Connect GET of a method without NO_SIDE_EFFECTS is 405 (Allow: POST); of one with it, served", async () => {
  const refused = await fetch(`${baseUrl}${ECHO}?connect=v1&encoding=json&message=${encodeURIComponent('{"text":"x"}')}`);
  assert.equal(refused.status, 405);
  assert.equal(refused.headers.get("allow"), "POST");
  const served = await fetch(`${baseUrl}${LOOKUP}?connect=v1&encoding=json&message=${encodeURIComponent('{"text":"x"}')}`);
  assert.equal(served.status, 200);
  assert.deepEqual(await served.json(), { text: "echo: x" });
});

test("connect-timeout-ms is the server's deadline: deadline_exceeded, HTTP 504, the handler aborted with DEADLINE_EXCEEDED", async () => {
  const aborted = new Promise<unknown>((resolve) => (sawAbort = resolve));
  const r = await post(ECHO, '{"text":"slow"}', { "connect-timeout-ms": "100", "connect-protocol-version": "1" });
  assert.equal(r.status, 504);
  assert.equal(r.json.code, "deadline_exceeded");
  const reason = await aborted;
  assert.ok(reason instanceof GrpcError && reason.code === Status.DEADLINE_EXCEEDED, String(reason));
  const bad = await post(ECHO, '{"text":"x"}', { "connect-timeout-ms": "soon" });
  assert.equal(bad.status, 400);
});

test("a wrong connect-protocol-version (header or GET parameter) is invalid_argument, HTTP 400", async () => {
  const r = await post(ECHO, '{"text":"x"}', { "connect-protocol-version": "2" });
  assert.equal(r.status, 400);
  assert.equal(r.json.code, "invalid_argument");
  assert.match(r.json.message, /connect-protocol-version/);
  const get = await fetch(`${baseUrl}${LOOKUP}?connect=v7&encoding=json&message=%7B%7D`);
  assert.equal(get.status, 400);
  assert.equal(((await get.json()) as any).code, "invalid_argument");
});

test("a JSON body with an unknown field or a wrong type is invalid_argument naming the field, HTTP 400", async () => {
  const unknown = await post(ECHO, '{"text":"x","nickname":"y"}');
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.code, "invalid_argument");
  assert.match(unknown.json.message, /nickname/);
  const wrongType = await post(ECHO, '{"count":"many"}');
  assert.equal(wrongType.status, 400);
  assert.equal(wrongType.json.code, "invalid_argument");
  assert.match(wrongType.json.message, /count/);
});

test("a binary body or envelope that is not a valid message is invalid_argument: HTTP 400 for unary, the end-of-stream error for a stream (connect-go's answer; gRPC's stays INTERNAL)", async () => {
  const truncated = Uint8Array.of(0x0a, 0x05, 0x61); // field 1 promises 5 bytes and has 1
  const unary = await post(ECHO, truncated, { "content-type": "application/proto" });
  assert.equal(unary.status, 400);
  assert.equal(unary.json.code, "invalid_argument");
  assert.match(unary.json.message, /Failed to parse the request/);
  // Bytes that are not the gzip their content-encoding says: a request that does not parse too.
  const notGzip = await post(ECHO, '{"text":"x"}', { "content-encoding": "gzip" });
  assert.equal(notGzip.status, 400);
  assert.equal(notGzip.json.code, "invalid_argument");
  assert.match(notGzip.json.message, /decompress/);
  const envelope = Uint8Array.of(0, 0, 0, 0, truncated.length, ...truncated);
  const res = await fetch(`${baseUrl}${COLLECT}`, { method: "POST", body: envelope, headers: { "content-type": "application/connect+proto" } });
  assert.equal(res.status, 200);
  const body = new Uint8Array(await res.arrayBuffer());
  assert.equal(body[0], 0x02); // only the end-of-stream message
  const endStream = JSON.parse(new TextDecoder().decode(body.subarray(5)));
  assert.equal(endStream.error.code, "invalid_argument");
  assert.match(endStream.error.message, /Failed to parse the request/);
  // The same envelope over gRPC, on the same port: INTERNAL, as grpc-go and grpc-java answer.
  const session = http2Connect(baseUrl);
  try {
    const stream = session.request({ ":method": "POST", ":path": ECHO, "content-type": "application/grpc", te: "trailers" });
    // The status comes in the trailers, or in the headers of a trailers-only response.
    const status = new Promise<unknown>((resolve) => {
      stream.on("response", (headers) => headers["grpc-status"] !== undefined && resolve(headers["grpc-status"]));
      stream.on("trailers", (trailers) => resolve(trailers["grpc-status"]));
    });
    stream.resume();
    stream.end(envelope);
    assert.equal(await status, String(Status.INTERNAL));
  } finally {
    session.close();
  }
});

test("connect-node -> tsgrpc: a request whose string field is not UTF-8 is invalid_argument to connect-node's client, unary and streaming", async () => {
  // The same service as connect-node sees it with EchoRequest.text as bytes: the client sends what tsgrpc cannot parse.
  const loose = structuredClone(files);
  loose.find((f) => f.name === "echo.proto")!.messageType![0]!.field![0]!.type = 12; // TYPE_BYTES
  const looseSet = messageType(getDescriptorRegistry().getMessage("google.protobuf.FileDescriptorSet")!).encode({ file: loose });
  const LooseEchoService = createFileRegistry(fromBinary(FileDescriptorSetSchema, looseSet)).getService("tsgrpc.connecttest.EchoService")!;
  const notUtf8 = Uint8Array.of(0xff, 0xfe);
  for (const httpVersion of ["1.1", "2"] as const) {
    const echo = createConnectClient(LooseEchoService, createConnectTransport({ baseUrl, httpVersion, useBinaryFormat: true })) as any;
    const unary = await connectError(echo.echo({ text: notUtf8 }));
    const streaming = await connectError(echo.collect(items({ text: notUtf8 })));
    for (const e of [unary, streaming]) {
      assert.equal(e.code, Code.InvalidArgument, `HTTP/${httpVersion}: ${e.message}`);
      assert.match(e.rawMessage, /UTF-8/);
    }
  }
});

test("a 10 MB JSON body past the message size limit is resource_exhausted (HTTP 429), and the server keeps serving", async () => {
  const big = JSON.stringify({ text: "x".repeat(10 * 1024 * 1024) });
  const r = await post(ECHO, big);
  assert.equal(r.status, 429);
  assert.equal(r.json.code, "resource_exhausted");
  assert.equal((await post(ECHO, '{"text":"after"}')).json.text, "echo: after");
});

test("a GET whose message= is not base64 (base64=1) is invalid_argument, HTTP 400", async () => {
  const res = await fetch(`${baseUrl}${LOOKUP}?connect=v1&encoding=proto&base64=1&message=not*base64!`);
  assert.equal(res.status, 400);
  const json = (await res.json()) as any;
  assert.equal(json.code, "invalid_argument");
  assert.match(json.message, /base64/);
});

test("a GET with a body is invalid_argument, HTTP 400", async () => {
  const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http1Request({ host: "127.0.0.1", port, method: "GET", path: `${LOOKUP}?connect=v1&encoding=json&message=%7B%7D`, headers: { "content-length": "2" } }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on("error", reject);
    req.end("{}");
  });
  assert.equal(status, 400);
  assert.equal(JSON.parse(body).code, "invalid_argument");
});

test("CORS applies to Connect as to gRPC-Web: a refused origin gets permission_denied (403), an allowed one the grants", async () => {
  const refused = await post(ECHO, '{"text":"x"}', { origin: "https://elsewhere.example" });
  assert.equal(refused.status, 403);
  assert.equal(refused.json.code, "permission_denied");
  const corsServer = createServer({ cors: { allowedOrigins: ["https://app.example"] } }).add(EchoService, echoImpl as never);
  const corsPort = await corsServer.listen("127.0.0.1:0");
  try {
    const res = await fetch(`http://127.0.0.1:${corsPort}${ECHO}`, { method: "POST", body: '{"text":"x"}', headers: { "content-type": "application/json", origin: "https://app.example" } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("access-control-allow-origin"), "https://app.example");
    assert.match(res.headers.get("access-control-expose-headers") ?? "", /x-served-by/);
    assert.match(res.headers.get("access-control-expose-headers") ?? "", /trailer-x-tags/);
    assert.deepEqual(await res.json(), { text: "echo: x" });
  } finally {
    await corsServer.shutdown(100);
  }
});

test("the server's call tracer sees Connect calls as gRPC's: messages, status, and a call refused before it runs", async () => {
  const seen: string[] = [];
  const callTracer: ServerCallTracerFactory = (info) => {
    const events: string[] = [];
    return {
      messageReceived: () => void events.push("in"),
      messageSent: () => void events.push("out"),
      ended: (status) => void seen.push(`${info.path.split("/").pop()} ${events.join(",")} ${Status[status]}`),
    };
  };
  const traced = createServer({ callTracer, logError: () => {} }).add(EchoService, echoImpl as never);
  const tracedUrl = `http://127.0.0.1:${await traced.listen("127.0.0.1:0")}`;
  try {
    const send = (body: string, headers: Record<string, string> = {}) => fetch(`${tracedUrl}${ECHO}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } }).then((r) => r.text());
    await send('{"text":"x"}');
    await send('{"text":"fail"}');
    await send('{"text":"x"}', { "connect-protocol-version": "9" });
    await fetch(`${tracedUrl}${ECHO}`, { method: "POST", body: Uint8Array.of(0x0a, 0x05, 0x61), headers: { "content-type": "application/proto" } }).then((r) => r.text());
    assert.deepEqual(seen, ["Echo in,out OK", "Echo in INVALID_ARGUMENT", "Echo  INVALID_ARGUMENT", "Echo in INVALID_ARGUMENT"]);
  } finally {
    await traced.shutdown(100);
  }
});
