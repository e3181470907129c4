import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer as createHttpServer } from "node:http";
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
