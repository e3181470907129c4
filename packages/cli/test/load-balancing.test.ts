import { test, after } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { Compiler } from "@tsgrpc/compiler";
import { createServer, createReflectionService, ServerReflectionV1, type Server } from "@tsgrpc/grpc";
import { createServiceDefinition } from "@tsgrpc/protobuf";
import { Registry } from "@tsgrpc/protobuf/codegen-support";
import { runCli } from "./run-cli.js";

const compiler = new Compiler({ includePaths: [fileURLToPath(new URL("../../../../examples/user-service", import.meta.url))] });
const registry = Registry.from(compiler.withImports(compiler.compile(["user_service.proto"])));
const UserService = createServiceDefinition(registry.getService("userservice.UserService")!, registry);

// tsgrpc bench over a multi-address target: --lb round_robin spreads the calls over both servers, pick_first sends
// them all to the first.
const served = [0, 0];
const servers: Server[] = [];
after(async () => {
  for (const s of servers) await s.shutdown(100);
});

async function backends(): Promise<string> {
  const addresses: string[] = [];
  for (const [i, host] of ["127.0.0.1", "127.0.0.2"].entries()) {
    const server = createServer()
      .add(UserService, {
        getUser: () => (served[i]!++, { user: { id: 1, username: "ada" } }),
        createUser: () => ({}),
        listUsers: () => ({}),
        watchUsers: () => [],
        bulkCreateUsers: async () => ({}),
        userChat: () => [],
      })
      .add(ServerReflectionV1, createReflectionService([UserService, ServerReflectionV1]).implementation);
    servers.push(server);
    addresses.push(`${host}:${await server.listen(`${host}:0`)}`);
  }
  return `ipv4:${addresses.join(",")}`;
}

test("tsgrpc bench --lb round_robin spreads calls over every address of the target; pick_first uses the first", async () => {
  const target = await backends();
  const rr = await runCli(["bench", target, "userservice.UserService/GetUser", "-d", '{"id": 1}', "-n", "200", "-c", "10", "--lb", "round_robin", "--format", "json"]);
  assert.equal(rr.code, 0, rr.err);
  assert.ok(served[0]! >= 80 && served[1]! >= 80, `both backends served: ${served}`);
  served.fill(0);
  const pf = await runCli(["bench", target, "userservice.UserService/GetUser", "-d", '{"id": 1}', "-n", "100", "-c", "10", "--format", "json"]);
  assert.equal(pf.code, 0, pf.err);
  assert.deepEqual(served, [100, 0]);
  const bad = await runCli(["bench", target, "userservice.UserService/GetUser", "--lb", "random"]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--lb is pick_first or round_robin, not "random"/);
});
