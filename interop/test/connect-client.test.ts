import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { gunzipSync } from "node:zlib";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { Compiler } from "@tsgrpc/compiler";
import { BadRequest, createClient, createConnectTransport, createServer, findDetail, GrpcError, Status, type Metadata, type ServerContext } from "@tsgrpc/grpc";
import { createServiceDefinition } from "@tsgrpc/protobuf";
import { getDescriptorRegistry, messageType, Registry } from "@tsgrpc/protobuf/codegen-support";

// tsgrpc's Connect transport (fetch, as in a browser; HTTP/1.1 under Node's fetch) calls connect-node's Connect server:
// binary and JSON, GET for the NO_SIDE_EFFECTS method, the four kinds (client and bidi streaming half-duplex, as
// fetch sends a body whole), errors with details, a deadline.
const protoDir = fileURLToPath(new URL("../../test/connect", import.meta.url));
const compiler = new Compiler({ includePaths: [protoDir] });
const files = compiler.withImports(compiler.compile(["echo.proto"]));
const registry = Registry.from(files);
const EchoService = createServiceDefinition(registry.getService("tsgrpc.connecttest.EchoService")!, registry);
const descriptorSet = messageType(getDescriptorRegistry().getMessage("google.protobuf.FileDescriptorSet")!).encode({ file: files });
const BufEchoService = createFileRegistry(fromBinary(FileDescriptorSetSchema, descriptorSet)).getService("tsgrpc.connecttest.EchoService")!;

type Req = { text: string; count: number; tags: string[] };
/** The HTTP method of each call connect-node served. */
const httpMethods: string[] = [];
let sawAbort: ((reason: unknown) => void) | undefined;
/** connect-timeout-ms as connect-node received it, in the slow call. */
let receivedTimeout: string | null = null;

function answer(req: Req, ctx: HandlerContext): { text: string } {
  httpMethods.push(`${ctx.requestMethod} ${ctx.method.name}`);
  if (req.text === "fail") {
    const value = BadRequest.encode({ fieldViolations: [{ field: "text", description: "must not be fail" }] });
    throw new ConnectError("invalid text: ünïcode", Code.InvalidArgument, { "x-why": "asked to" }, [{ type: "google.rpc.BadRequest", value, debug: undefined } as never]);
  }
  ctx.responseHeader.set("x-served-by", "connect-node");
  ctx.responseTrailer.set("x-tags", req.tags.join(",") || "-");
  return { text: `echo: ${req.text}` };
}

const impl = {
  async echo(req: Req, ctx: HandlerContext) {
    if (req.text === "slow") {
      receivedTimeout = ctx.requestHeader.get("connect-timeout-ms");
      await new Promise((_, reject) => ctx.signal.addEventListener("abort", () => (sawAbort?.(ctx.signal.reason), reject(ctx.signal.reason))));
    }
    return answer(req, ctx);
  },
  async lookup(req: Req, ctx: HandlerContext) {
    return answer(req, ctx);
  },
  async *expand(req: Req, ctx: HandlerContext) {
    ctx.responseTrailer.set("x-count", String(req.count));
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

const connectNode = createHttpServer(connectNodeAdapter({ grpc: false, grpcWeb: false, routes: (router) => void router.service(BufEchoService, impl as never) }));
await new Promise<void>((resolve) => connectNode.listen(0, "127.0.0.1", resolve));
const baseUrl = `http://127.0.0.1:${(connectNode.address() as AddressInfo).port}`;
const unimplemented = async () => {
  throw new GrpcError(Status.UNIMPLEMENTED, "only Chat here");
};
/** Why tsgrpc's endless Expand ended. */
let released: ((reason: unknown) => void) | undefined;
const tsgrpc = createServer().add(EchoService, {
  echo: unimplemented,
  lookup: unimplemented,
  collect: unimplemented,
  chat: impl.chat,
  async *expand(_req: Req, ctx: ServerContext) {
    ctx.signal.addEventListener("abort", () => released?.(ctx.signal.reason));
    for (let i = 0; ; i++) yield { text: "endless", index: i };
  },
} as never);
const tsgrpcUrl = `http://127.0.0.1:${await tsgrpc.listen("127.0.0.1:0")}`;
after(() => Promise.all([new Promise<void>((resolve) => connectNode.close(() => resolve())), tsgrpc.shutdown(100)]));

async function* items<T>(...values: T[]): AsyncIterable<T> {
  for (const v of values) yield v;
}

async function callError(call: Promise<unknown>): Promise<GrpcError> {
  try {
    await call;
  } catch (e) {
    assert.ok(e instanceof GrpcError, String(e));
    return e;
  }
  assert.fail("the call should fail");
}

for (const useBinaryFormat of [true, false]) {
  const format = useBinaryFormat ? "binary" : "JSON";

  test(`tsgrpc's Connect transport (${format}) -> connect-node: unary POST and GET with metadata, the four kinds`, async () => {
    const client = createClient(EchoService, createConnectTransport({ baseUrl, useBinaryFormat, useHttpGet: true })) as any;
    httpMethods.length = 0;
    let headers: Metadata | undefined;
    let trailers: Metadata | undefined;
    const r = await client.echo({ text: "hi", tags: ["a", "b"] }, { onHeader: (h: Metadata) => (headers = h), onTrailer: (t: Metadata) => (trailers = t) });
    assert.equal(r.text, "echo: hi");
    assert.equal(headers?.get("x-served-by"), "connect-node");
    assert.equal(trailers?.get("x-tags"), "a,b");
    assert.equal((await client.lookup({ text: "by get: ü/+&=?" })).text, "echo: by get: ü/+&=?");
    assert.deepEqual(httpMethods, ["POST Echo", "GET Lookup"]);

    const streamed: unknown[] = [];
    for await (const m of client.expand({ text: "s", count: 3 }, { onTrailer: (t: Metadata) => (trailers = t) })) streamed.push([m.text, m.index]);
    assert.deepEqual(streamed, [["s", 0], ["s", 1], ["s", 2]]);
    assert.equal(trailers?.get("x-count"), "3");
    const collected = await client.collect(items({ text: "a" }, { text: "b" }));
    assert.deepEqual([collected.text, collected.index], ["a+b", 2]);
    // connect-node refuses bidi over HTTP/1.1 (505); tsgrpc's server takes it half-duplex.
    assert.equal((await callError((async () => { for await (const _ of client.chat(items({ text: "x" }))); })())).message, "UNKNOWN: Received HTTP status 505 without a Connect error");
    const ours = createClient(EchoService, createConnectTransport({ baseUrl: tsgrpcUrl, useBinaryFormat })) as any;
    const replies: string[] = [];
    for await (const m of ours.chat(items({ text: "x" }, { text: "y" }))) replies.push(m.text);
    assert.deepEqual(replies, ["re: x", "re: y"]);
  });

  test(`tsgrpc's Connect transport (${format}) -> connect-node: errors with details and metadata, unary and streaming`, async () => {
    const client = createClient(EchoService, createConnectTransport({ baseUrl, useBinaryFormat })) as any;
    const unary = await callError(client.echo({ text: "fail" }));
    const streaming = await callError((async () => { for await (const _ of client.expand({ text: "fail", count: 1 })); })());
    for (const e of [unary, streaming]) {
      assert.equal(e.code, Status.INVALID_ARGUMENT);
      assert.equal(e.rawMessage, "invalid text: ünïcode");
      assert.equal(e.metadata.get("x-why"), "asked to");
      assert.equal((findDetail(e, BadRequest) as any)?.fieldViolations[0].field, "text");
    }
  });
}

test("tsgrpc's Connect transport -> connect-node: connect-timeout-ms is sent, and the deadline ends the call", async () => {
  const aborted = new Promise<unknown>((resolve) => (sawAbort = resolve));
  const client = createClient(EchoService, createConnectTransport({ baseUrl })) as any;
  const e = await callError(client.echo({ text: "slow" }, { timeout: 200 }));
  assert.equal(e.code, Status.DEADLINE_EXCEEDED);
  await aborted; // connect-node's handler saw its call end
  assert.ok(Number(receivedTimeout) > 0 && Number(receivedTimeout) <= 200, `connect-timeout-ms: ${receivedTimeout}`);
});

test("tsgrpc's Connect transport: an HTTP error without a Connect body takes its status from the HTTP status", async () => {
  const client = createClient(EchoService, createConnectTransport({ baseUrl: `${baseUrl}/nowhere` })) as any;
  assert.equal((await callError(client.echo({ text: "x" }))).code, Status.UNIMPLEMENTED); // 404
});

test("tsgrpc's Connect transport: leaving a server stream early cancels the call, and the server's handler is released", async () => {
  const done = new Promise<unknown>((resolve) => (released = resolve));
  const client = createClient(EchoService, createConnectTransport({ baseUrl: tsgrpcUrl, useBinaryFormat: true })) as any;
  let n = 0;
  for await (const _ of client.expand({ text: "x" })) if (++n === 3) break;
  const reason = await done;
  assert.ok(reason instanceof GrpcError && reason.code === Status.CANCELLED, String(reason));
});

/** What a server got: each request's target, headers and body bytes, as they came over the wire. */
type RawRequest = { url: string; headers: IncomingHttpHeaders; body: Buffer };

/** Records each request's raw body while the handler reads it (connect-node reads a request by async iteration). */
function recordRaw(req: IncomingMessage, into: RawRequest[]): void {
  const chunks: Buffer[] = [];
  const record: RawRequest = { url: req.url ?? "", headers: req.headers, body: Buffer.alloc(0) };
  into.push(record);
  const iterate = req[Symbol.asyncIterator].bind(req);
  req[Symbol.asyncIterator] = async function* () {
    for await (const chunk of iterate()) {
      chunks.push(chunk);
      record.body = Buffer.concat(chunks);
      yield chunk;
    }
  } as never;
}

/** A stream's envelopes: [flags, payload] each. */
function envelopes(bytes: Uint8Array): [number, Buffer][] {
  const out: [number, Buffer][] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = Buffer.from(bytes.buffer, bytes.byteOffset + at + 1, 4).readUInt32BE(0);
    out.push([bytes[at]!, Buffer.from(bytes.subarray(at + 5, at + 5 + length))]);
    at += 5 + length;
  }
  return out;
}

test("tsgrpc's Connect transport -> connect-node with sendCompression gzip: the server gets gzip (unary body, GET query, stream messages); its gzip responses are decoded", async () => {
  const raw: RawRequest[] = [];
  // connect-node compresses every response the client accepts (compressMinBytes 0: small ones too).
  const handler = connectNodeAdapter({ grpc: false, grpcWeb: false, compressMinBytes: 0, routes: (router) => void router.service(BufEchoService, impl as never) });
  const server = createHttpServer((req, res) => {
    recordRaw(req, raw);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  /** Each response, as fetch gave it to the transport, and a copy to read the body of. */
  const responses: { headers: Headers; copy: Response }[] = [];
  const recordingFetch: typeof fetch = async (url, init) => {
    const response = await fetch(url, init);
    responses.push({ headers: response.headers, copy: response.clone() });
    return response;
  };
  try {
    for (const useBinaryFormat of [true, false]) {
      raw.length = 0;
      responses.length = 0;
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const client = createClient(EchoService, createConnectTransport({ baseUrl: url, useBinaryFormat, useHttpGet: true, sendCompression: "gzip", compressMinBytes: 0, fetch: recordingFetch })) as any;
      const type = EchoService.methods.echo!.input as any;
      const asSent = (bytes: Buffer) => (useBinaryFormat ? type.decode(bytes) : type.fromJsonString(bytes.toString()));

      assert.equal((await client.echo({ text: "zip me" })).text, "echo: zip me");
      const [post] = raw.splice(0);
      assert.equal(post!.headers["content-encoding"], "gzip");
      assert.equal(post!.headers["accept-encoding"], "gzip");
      assert.equal(asSent(gunzipSync(post!.body)).text, "zip me");
      assert.equal(responses[0]!.headers.get("content-encoding"), "gzip"); // and fetch undid it

      // A GET's message goes compressed in the query, in base64 (connect-es does the same).
      assert.equal((await client.lookup({ text: "zip by get" })).text, "echo: zip by get");
      const query = new URLSearchParams(raw.splice(0)[0]!.url.split("?")[1]);
      assert.deepEqual([query.get("compression"), query.get("base64")], ["gzip", "1"]);
      assert.equal(asSent(gunzipSync(Buffer.from(query.get("message")!, "base64url"))).text, "zip by get");

      // Streams: connect-content-encoding, and each message flagged compressed; the server's messages come back so too.
      const collected = await client.collect(items({ text: "a" }, { text: "b" }));
      assert.deepEqual([collected.text, collected.index], ["a+b", 2]);
      const streamed: string[] = [];
      for await (const m of client.expand({ text: "s", count: 2 })) streamed.push(`${m.text}${m.index}`);
      assert.deepEqual(streamed, ["s0", "s1"]);
      for (const request of raw.splice(0)) {
        assert.equal(request.headers["connect-content-encoding"], "gzip");
        assert.equal(request.headers["connect-accept-encoding"], "gzip");
        const sent = envelopes(request.body);
        assert.ok(sent.length > 0 && sent.every(([flags]) => flags === 1), `flags: ${sent.map(([f]) => f)}`);
        assert.ok(sent.every(([, payload]) => asSent(gunzipSync(payload)).text));
      }
      const expand = responses.at(-1)!;
      assert.equal(expand.headers.get("connect-content-encoding"), "gzip");
      const received = envelopes(new Uint8Array(await expand.copy.arrayBuffer()));
      // Two compressed messages, then the end of the stream, compressed too (0x02 | 0x01): connect-node compresses it.
      assert.deepEqual(received.map(([flags]) => flags), [1, 1, 3]);
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test("tsgrpc's Connect transport: without sendCompression nothing is compressed; a small message stays uncompressed (compressMinBytes, 1024 by default)", async () => {
  const raw: RawRequest[] = [];
  const handler = connectNodeAdapter({ grpc: false, grpcWeb: false, routes: (router) => void router.service(BufEchoService, impl as never) });
  const server = createHttpServer((req, res) => {
    recordRaw(req, raw);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const plain = createClient(EchoService, createConnectTransport({ baseUrl: url, useBinaryFormat: true })) as any;
    const gzip = createClient(EchoService, createConnectTransport({ baseUrl: url, useBinaryFormat: true, sendCompression: "gzip" })) as any;
    assert.equal((await plain.echo({ text: "x".repeat(2000) })).text, `echo: ${"x".repeat(2000)}`);
    assert.equal((await gzip.echo({ text: "small" })).text, "echo: small");
    assert.equal((await gzip.echo({ text: "y".repeat(2000) })).text, `echo: ${"y".repeat(2000)}`);
    assert.deepEqual(raw.map((r) => r.headers["content-encoding"] ?? "none"), ["none", "none", "gzip"]);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test("tsgrpc's Connect transport: a compressed stream message that expands past maxReceiveMessageSize is RESOURCE_EXHAUSTED", async () => {
  const handler = connectNodeAdapter({ grpc: false, grpcWeb: false, compressMinBytes: 0, routes: (router) => void router.service(BufEchoService, impl as never) });
  const server = createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = createClient(EchoService, createConnectTransport({ baseUrl: url, useBinaryFormat: true, maxReceiveMessageSize: 1000 })) as any;
    // 100 KB of "a" is a few hundred bytes gzipped: under the limit on the wire, far over it once decompressed.
    const e = await callError((async () => { for await (const _ of client.expand({ text: "a".repeat(100_000), count: 1 })); })());
    assert.equal(e.code, Status.RESOURCE_EXHAUSTED, e.message);
    assert.match(e.message, /Decompressed message larger than max \(1000\)/);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test("tsgrpc's Connect transport refuses a sendCompression this runtime cannot do (Brotli: Node 20's CompressionStream has none)", { skip: canBrotli() && "this runtime's CompressionStream speaks Brotli" }, () => {
  assert.throws(() => createConnectTransport({ baseUrl, sendCompression: "br" }), /Compression "br" is not supported here: this runtime's CompressionStream speaks gzip/);
  assert.throws(() => createConnectTransport({ baseUrl, acceptCompression: ["gzip", "br"] }), /Compression "br" is not supported here/);
});

function canBrotli(): boolean {
  try {
    new CompressionStream("brotli" as never);
    return true;
  } catch {
    return false;
  }
}
