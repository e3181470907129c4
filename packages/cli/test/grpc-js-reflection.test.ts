import { test, after } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";
import { runCli } from "./run-cli.js";

// The CLI against a server that is not ours: @grpc/grpc-js with the official reflection service (@grpc/reflection).
const protoFile = fileURLToPath(new URL("../../../../examples/user-service/user_service.proto", import.meta.url));
const definition = protoLoader.loadSync(protoFile, { longs: Number, enums: Number, defaults: true });
const pkg = grpc.loadPackageDefinition(definition) as any;
const server = new grpc.Server();
server.addService(pkg.userservice.UserService.service, {
  GetUser: (call: any, cb: any) =>
    call.request.id > 0 ? cb(null, { user: { id: call.request.id, username: "from-grpc-js", roles: ["user"] } }) : cb({ code: grpc.status.INVALID_ARGUMENT, details: "User ID must be positive" }),
});
new ReflectionService(definition).addToServer(server);
const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
const host = `127.0.0.1:${port}`;
after(() => server.forceShutdown());

test("list, describe, call and bench work against grpc-js with @grpc/reflection", async () => {
  const list = await runCli(["list", host]);
  assert.equal(list.code, 0, list.err);
  assert.match(list.out, /userservice\.UserService/);
  const describe = await runCli(["describe", host, "userservice.User"]);
  assert.equal(describe.code, 0, describe.err);
  assert.match(describe.out, /message User \{[\s\S]*repeated string roles = 4;/);
  const call = await runCli(["call", host, "userservice.UserService/GetUser", "-d", '{"id": 5}']);
  assert.equal(call.code, 0, call.err);
  assert.deepEqual(JSON.parse(call.out), { user: { id: 5, username: "from-grpc-js", roles: ["user"] } });
  const failed = await runCli(["call", host, "userservice.UserService/GetUser", "-d", '{"id": 0}']);
  assert.equal(failed.code, 64 + grpc.status.INVALID_ARGUMENT);
  assert.match(failed.err, /INVALID_ARGUMENT: User ID must be positive/);
  const bench = await runCli(["bench", host, "userservice.UserService/GetUser", "-d", '{"id": 5}', "-n", "50", "-c", "5", "--format", "json"]);
  assert.equal(bench.code, 0, bench.err);
  assert.deepEqual(JSON.parse(bench.out).statuses, { OK: 50 });
});
