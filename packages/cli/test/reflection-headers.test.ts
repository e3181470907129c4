import { test, after } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { Compiler } from "@tsgrpc/compiler";
import { createServer, GrpcError, createReflectionService, ServerReflectionV1, Status } from "@tsgrpc/grpc";
import type { ServerInterceptor } from "@tsgrpc/grpc";
import { createServiceDefinition } from "@tsgrpc/protobuf";
import { Registry } from "@tsgrpc/protobuf/codegen-support";
import { runCli } from "./run-cli.js";

// A server whose auth covers every call, reflection included: the CLI must send its headers on the reflection
// stream too (-H everywhere, --reflect-header to reflection only, --rpc-header to the call only, as grpcurl).
const root = fileURLToPath(new URL("../../../../", import.meta.url));
const compiler = new Compiler({ includePaths: [`${root}examples/user-service`] });
const registry = Registry.from(compiler.withImports(compiler.compile(["user_service.proto"])));
const UserService = createServiceDefinition(registry.getService("userservice.UserService")!, registry);

/** Which token each call came with, by method path. */
const seen: { path: string; token: string }[] = [];
const requireToken: ServerInterceptor = (next) => (call) => {
  const token = String(call.ctx.metadata.get("authorization") ?? "");
  seen.push({ path: call.method.path, token });
  if (!["Bearer reflect", "Bearer rpc", "Bearer both"].includes(token)) throw new GrpcError(Status.UNAUTHENTICATED, "Missing bearer token");
  return next(call);
};
const unimplemented = async () => {
  throw new GrpcError(Status.UNIMPLEMENTED, "not here");
};
const server = createServer({ interceptors: [requireToken], logError: () => {} })
  .add(UserService, { getUser: async (req: any) => ({ user: { id: req.id, username: "ada" } }), createUser: unimplemented, listUsers: unimplemented, watchUsers: async function* () {}, bulkCreateUsers: unimplemented, userChat: async function* () {} })
  .add(ServerReflectionV1, createReflectionService([UserService, ServerReflectionV1]).implementation);
const host = `127.0.0.1:${await server.listen("127.0.0.1:0")}`;
after(() => server.shutdown(100));

const REFLECTION = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo";
const GET_USER = "/userservice.UserService/GetUser";
/** Runs the CLI; with its result, the distinct tokens the server saw meanwhile, by method path. */
async function runSeeing(args: string[]) {
  const from = seen.length;
  const result = await runCli(args);
  const tokens: Record<string, string[]> = {};
  for (const { path, token } of seen.slice(from)) {
    const list = (tokens[path] ??= []);
    if (!list.includes(token)) list.push(token);
  }
  return { ...result, tokens };
}

test("list and describe fail without the header and work with -H or --reflect-header", async () => {
  const denied = await runCli(["list", host]);
  assert.equal(denied.code, 64 + Status.UNAUTHENTICATED);
  assert.equal(denied.err, "tsgrpc list: UNAUTHENTICATED: Missing bearer token (the server's reflection wants credentials: pass them with -H or --reflect-header)\n");
  const list = await runCli(["list", host, "-H", "authorization: Bearer both"]);
  assert.equal(list.code, 0, list.err);
  assert.equal(list.out, "grpc.reflection.v1.ServerReflection\nuserservice.UserService\n");
  const describe = await runCli(["describe", host, "userservice.GetUserRequest", "--reflect-header", "authorization: Bearer reflect"]);
  assert.equal(describe.code, 0, describe.err);
  assert.match(describe.out, /message GetUserRequest/);
});

test("call: -H goes to reflection and the call, --reflect-header only to reflection, --rpc-header only to the call", async () => {
  const call = (...args: string[]) => runSeeing(["call", host, "userservice.UserService/GetUser", "-d", '{"id": 2}', ...args]);
  const both = await call("-H", "authorization: Bearer both");
  assert.equal(both.code, 0, both.err);
  assert.deepEqual(both.tokens, { [REFLECTION]: ["Bearer both"], [GET_USER]: ["Bearer both"] });

  const split = await call("--reflect-header", "authorization: Bearer reflect", "--rpc-header", "authorization: Bearer rpc");
  assert.equal(split.code, 0, split.err);
  assert.deepEqual(JSON.parse(split.out), { user: { id: 2, username: "ada" } });
  assert.deepEqual(split.tokens, { [REFLECTION]: ["Bearer reflect"], [GET_USER]: ["Bearer rpc"] });

  const reflectOnly = await call("--reflect-header", "authorization: Bearer reflect");
  assert.equal(reflectOnly.code, 64 + Status.UNAUTHENTICATED, "the call itself went without the token");
  assert.deepEqual(reflectOnly.tokens, { [REFLECTION]: ["Bearer reflect"], [GET_USER]: [""] });
  const rpcOnly = await call("--rpc-header", "authorization: Bearer rpc");
  assert.equal(rpcOnly.code, 64 + Status.UNAUTHENTICATED, "reflection went without the token");
  assert.match(rpcOnly.err, /reflection wants credentials/);
  assert.deepEqual(rpcOnly.tokens, { [REFLECTION]: [""] });
});
