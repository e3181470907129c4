import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { create, createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient as createConnectClient } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { createGrpcWebTransport as createConnectWebTransport } from "@connectrpc/connect-web";
import { Compiler } from "@tsgrpc/compiler";
import { createClient, createGrpcWebTransport, createServer, GrpcError, Metadata, Status } from "@tsgrpc/grpc";
import { createServiceDefinition } from "@tsgrpc/protobuf";
import { getDescriptorRegistry, messageType, Registry } from "@tsgrpc/protobuf/codegen-support";

// gRPC-Web between independent implementations: connect-web's gRPC-Web transport (fetch, as in a browser) calls the
// tsgrpc server, and tsgrpc's gRPC-Web transport calls connect-node's gRPC-Web server.
const protoDir = fileURLToPath(new URL("../../../examples/user-service", import.meta.url));
const compiler = new Compiler({ includePaths: [protoDir] });
const files = compiler.withImports(compiler.compile(["user_service.proto"]));
const registry = Registry.from(files);
const UserService = createServiceDefinition(registry.getService("userservice.UserService")!, registry);
const descriptorSet = messageType(getDescriptorRegistry().getMessage("google.protobuf.FileDescriptorSet")!).encode({ file: files });
const buf = createFileRegistry(fromBinary(FileDescriptorSetSchema, descriptorSet));
const BufUserService = buf.getService("userservice.UserService")!;

const users = [
  { id: 1, username: "ada", email: "ada@example.com", roles: ["admin"] },
  { id: 2, username: "grace", email: "grace@example.com", roles: ["user"] },
];

// tsgrpc's server.
const ours = createServer({ cors: { allowedOrigins: ["*"] } }).add(UserService, {
  async getUser(req: any, ctx: any) {
    const user = users.find((u) => u.id === req.id);
    if (!user) throw new GrpcError(Status.NOT_FOUND, `User ${req.id} not found`, { metadata: new Metadata({ "x-missing-id": String(req.id) }) });
    ctx.responseHeaders.set("x-served-by", "tsgrpc");
    return { user };
  },
  async *watchUsers() {
    for (const u of users) yield u;
  },
  createUser: unimplemented,
  listUsers: unimplemented,
  bulkCreateUsers: unimplemented,
  userChat: unimplemented,
} as any);
const ourPort = await ours.listen("127.0.0.1:0");

// connect-node's server, gRPC-Web only, on node:http (HTTP/1.1, as behind a browser).
const theirs = createHttpServer(
  connectNodeAdapter({
    grpc: false,
    grpcWeb: true,
    connect: false,
    routes(router) {
      router.service(BufUserService, {
        async getUser(req: any, context: any) {
          const user = users.find((u) => u.id === req.id);
          if (!user) throw new ConnectError(`User ${req.id} not found`, Code.NotFound, { "x-missing-id": String(req.id) });
          context.responseHeader.set("x-served-by", "connect-node");
          return { user: create(buf.getMessage("userservice.User")!, user) };
        },
        async *watchUsers() {
          for (const u of users) yield create(buf.getMessage("userservice.User")!, u);
        },
      } as any);
    },
  }),
);
await new Promise<void>((resolve) => theirs.listen(0, "127.0.0.1", resolve));
const theirPort = (theirs.address() as AddressInfo).port;

after(async () => {
  await ours.shutdown(100);
  theirs.closeAllConnections();
  await new Promise((r) => theirs.close(r));
});

async function unimplemented(): Promise<never> {
  throw new GrpcError(Status.UNIMPLEMENTED, "not in this test");
}

test("connect-web's gRPC-Web transport -> tsgrpc server: unary, server streaming, errors with metadata", async () => {
  const client = createConnectClient(BufUserService, createConnectWebTransport({ baseUrl: `http://127.0.0.1:${ourPort}`, useBinaryFormat: true })) as any;
  let servedBy: string | null = null;
  const res = await client.getUser({ id: 1 }, { onHeader: (h: Headers) => (servedBy = h.get("x-served-by")) });
  assert.equal(res.user.username, "ada");
  assert.equal(servedBy, "tsgrpc");
  const streamed: string[] = [];
  for await (const u of client.watchUsers({})) streamed.push(u.username);
  assert.deepEqual(streamed, ["ada", "grace"]);
  await assert.rejects(client.getUser({ id: 9 }), (e: ConnectError) => {
    assert.equal(e.code, Code.NotFound);
    assert.equal(e.rawMessage, "User 9 not found");
    assert.equal(e.metadata.get("x-missing-id"), "9");
    return true;
  });
});

// connect-node serves only the binary gRPC-Web format (application/grpc-web-text answers HTTP 415), so the text format
// is proven against the official grpc-web client in the browser tests instead.
test("tsgrpc's gRPC-Web transport -> connect-node's gRPC-Web server: unary, server streaming, errors", async () => {
  const client = createClient(UserService, createGrpcWebTransport({ baseUrl: `http://127.0.0.1:${theirPort}`, format: "binary" }));
  let headers: Metadata | undefined;
  const res: any = await client.getUser({ id: 2 }, { onHeader: (h) => (headers = h) });
  assert.equal(res.user.username, "grace");
  assert.equal(headers?.get("x-served-by"), "connect-node");
  const streamed: string[] = [];
  for await (const u of client.watchUsers({})) streamed.push((u as any).username);
  assert.deepEqual(streamed, ["ada", "grace"]);
  await assert.rejects(client.getUser({ id: 9 }), (e: GrpcError) => {
    assert.equal(e.code, Status.NOT_FOUND);
    assert.equal(e.rawMessage, "User 9 not found");
    assert.equal(e.metadata.get("x-missing-id"), "9");
    return true;
  });
});
