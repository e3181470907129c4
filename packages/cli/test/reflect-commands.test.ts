import { test, after } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { Compiler } from "@tsgrpc/compiler";
import { createServer, Health, createHealthService, createReflectionService, ServerReflectionV1 } from "@tsgrpc/grpc";
import { createServiceDefinition } from "@tsgrpc/protobuf";
import { Registry } from "@tsgrpc/protobuf/codegen-support";
import { runCli } from "./run-cli.js";

// tsgrpc list / describe against a live server with reflection, as a user runs them.
const root = fileURLToPath(new URL("../../../../", import.meta.url));
const compiler = new Compiler({ includePaths: [`${root}examples/user-service`] });
const registry = Registry.from(compiler.withImports(compiler.compile(["user_service.proto"])));
const UserService = createServiceDefinition(registry.getService("userservice.UserService")!, registry);
const health = createHealthService();
const server = createServer()
  .add(UserService, { getUser: async () => ({}), createUser: async () => ({}), listUsers: async () => ({}), watchUsers: async function* () {}, bulkCreateUsers: async () => ({}), userChat: async function* () {} })
  .add(Health, health.implementation)
  .add(ServerReflectionV1, createReflectionService([UserService, Health, ServerReflectionV1]).implementation);
const port = await server.listen("127.0.0.1:0");
const noReflection = createServer().add(Health, health.implementation);
const bare = await noReflection.listen("127.0.0.1:0");
after(async () => {
  await server.shutdown(100);
  await noReflection.shutdown(100);
});

const run = (...args: string[]) => runCli(args);

test("tsgrpc list shows a server's services, and a service's methods", async () => {
  const services = await run("list", `127.0.0.1:${port}`, "--plaintext");
  assert.equal(services.code, 0, services.err);
  assert.deepEqual(services.out.trim().split("\n"), ["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "userservice.UserService"]);
  const methods = await run("list", `127.0.0.1:${port}`, "userservice.UserService");
  assert.match(methods.out, /^userservice\.UserService\.GetUser\n(.|\n)*userservice\.UserService\.UserChat\n$/);
});

test("tsgrpc describe prints services, methods, messages and enums as .proto text", async () => {
  const svc = await run("describe", `127.0.0.1:${port}`, "userservice.UserService");
  assert.match(svc.out, /rpc WatchUsers \( \.userservice\.WatchUsersRequest \) returns \( stream \.userservice\.User \);/);
  assert.match(svc.out, /rpc UserChat \( stream \.userservice\.ChatMessage \) returns \( stream \.userservice\.ChatMessage \);/);
  const msg = await run("describe", `127.0.0.1:${port}`, "userservice.User");
  assert.equal(msg.out, "userservice.User is a message:\nmessage User {\n  int32 id = 1;\n  string username = 2;\n  string email = 3;\n  repeated string roles = 4;\n  .userservice.UserStatus status = 5;\n}\n");
  const e = await run("describe", `127.0.0.1:${port}`, "userservice.UserStatus");
  assert.match(e.out, /enum UserStatus \{\n {2}ACTIVE = 0;/);
});

test("errors: unknown symbols exit with 64 + NOT_FOUND's code and suggest close names; a server without reflection says to pass --proto", async () => {
  const unknown = await run("describe", `127.0.0.1:${port}`, "no.Such");
  assert.equal(unknown.code, 64 + 5);
  assert.equal(unknown.err, 'tsgrpc describe: NOT_FOUND: Symbol "no.Such" not found.\n');
  for (const [typo, meant] of [["userservice.Usr", "userservice.User"], ["userservice.UserServce", "userservice.UserService"], ["userservice.UserService.GetUsr", "userservice.UserService.GetUser"], ["grpc.health.v1.HealthCheckRequst", "grpc.health.v1.HealthCheckRequest"]]) {
    const r = await run("describe", `127.0.0.1:${port}`, typo!);
    assert.equal(r.code, 64 + 5);
    assert.equal(r.err, `tsgrpc describe: NOT_FOUND: Symbol "${typo}" not found. Did you mean "${meant}"?\n`);
  }
  const fromFiles = await run("describe", `127.0.0.1:${bare}`, "userservice.GetUserRequst", "--proto", "user_service.proto", "-I", `${root}examples/user-service`);
  assert.match(fromFiles.err, /Did you mean "userservice\.GetUserRequest"\?/);
  const service = await run("list", `127.0.0.1:${port}`, "userservice.UserSevice");
  assert.match(service.err, /Service "userservice\.UserSevice" not found\. Did you mean "userservice\.UserService"\?/);
  const without = await run("list", `127.0.0.1:${bare}`);
  assert.equal(without.code, 64 + 12);
  assert.match(without.err, /--proto/);
});

test("with --proto and -I, list and describe read the schema from files instead of reflection", async () => {
  const list = await run("list", `127.0.0.1:${bare}`, "--proto", "user_service.proto", "-I", `${root}examples/user-service`);
  assert.equal(list.code, 0, list.err);
  assert.equal(list.out, "userservice.UserService\n");
  const d = await run("describe", `127.0.0.1:${bare}`, "userservice.GetUserRequest", "--proto", "user_service.proto", "-I", `${root}examples/user-service`);
  assert.equal(d.out, "userservice.GetUserRequest is a message:\nmessage GetUserRequest {\n  int32 id = 1;\n}\n");
});
