import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Compiler } from "@tsgrpc/compiler";
import { BadRequest, createServer, GrpcError, packDetail, createReflectionService, ServerReflectionV1, Status } from "@tsgrpc/grpc";
import { createServiceDefinition } from "@tsgrpc/protobuf";
import { Registry } from "@tsgrpc/protobuf/codegen-support";
import { runCli } from "./run-cli.js";

// tsgrpc call against a live server with reflection: JSON in, JSON out, every kind of call, errors and exit codes.
const root = fileURLToPath(new URL("../../../../", import.meta.url));
const compiler = new Compiler({ includePaths: [`${root}examples/user-service`] });
const registry = Registry.from(compiler.withImports(compiler.compile(["user_service.proto"])));
const UserService = createServiceDefinition(registry.getService("userservice.UserService")!, registry);
const server = createServer({ logError: () => {} })
  .add(UserService, {
    async getUser(req: any, ctx) {
      if (req.id === 0) throw new GrpcError(Status.INVALID_ARGUMENT, "bad id", { details: [packDetail(BadRequest, { fieldViolations: [{ field: "id", description: "must be positive" }] })] });
      if (req.id > 100) throw new GrpcError(Status.NOT_FOUND, `User ${req.id} not found`);
      ctx.responseHeaders.set("x-served-by", "test-server");
      ctx.responseTrailers.set("x-cost", "3");
      return { user: { id: req.id, username: String(ctx.metadata.get("x-name") ?? "ada"), roles: ["admin"] } };
    },
    createUser: async () => ({}),
    listUsers: async () => ({}),
    async *watchUsers() {
      yield { id: 1 };
      yield { id: 2 };
    },
    async bulkCreateUsers(reqs) {
      let n = 0;
      for await (const _ of reqs) n++;
      return { createdCount: n };
    },
    userChat: async function* () {},
  })
  .add(ServerReflectionV1, createReflectionService([UserService, ServerReflectionV1]).implementation);
const port = await server.listen("127.0.0.1:0");
const host = `127.0.0.1:${port}`;
after(() => server.shutdown(100));

const run = (args: string[], stdin = "") => runCli(args, stdin);

test("tsgrpc call: unary with metadata, JSON out", async () => {
  const r = await run(["call", host, "userservice.UserService/GetUser", "-d", '{"id": 7}', "-H", "x-name: grace"]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out), { user: { id: 7, username: "grace", roles: ["admin"] } });
});

test("tsgrpc call: server streaming prints each response; client streaming reads NDJSON from stdin", async () => {
  const watch = await run(["call", host, "userservice.UserService.WatchUsers", "-d", "{}"]);
  assert.equal(watch.code, 0, watch.err);
  assert.deepEqual(watch.out.trim().split(/\n(?=\{)/).map((j) => JSON.parse(j)), [{ id: 1 }, { id: 2 }]);
  const bulk = await run(["call", host, "userservice.UserService/BulkCreateUsers", "-d", "@"], '{"username":"a"}\n{"username":"b"}\n{"username":"c"}\n');
  assert.deepEqual(JSON.parse(bulk.out), { createdCount: 3 });
});

test("tsgrpc call: errors exit with their gRPC code and show decoded details", async () => {
  const missing = await run(["call", host, "userservice.UserService/GetUser", "-d", '{"id": 500}']);
  assert.equal(missing.code, 64 + Status.NOT_FOUND);
  assert.match(missing.err, /NOT_FOUND: User 500 not found/);
  const invalid = await run(["call", host, "userservice.UserService/GetUser", "-d", '{"id": 0}']);
  assert.equal(invalid.code, 64 + Status.INVALID_ARGUMENT);
  assert.match(invalid.err, /google\.rpc\.BadRequest \{"fieldViolations":\[\{"field":"id","description":"must be positive"\}\]\}/);
});

test("tsgrpc call: -d @FILE reads the request from a file (pretty-printed JSON too), -d @ from stdin", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-call-"));
  writeFileSync(join(dir, "get.json"), '{\n  "id": 9\n}\n');
  const fromFile = await run(["call", host, "userservice.UserService/GetUser", "-d", `@${join(dir, "get.json")}`]);
  assert.equal(fromFile.code, 0, fromFile.err);
  assert.equal(JSON.parse(fromFile.out).user.id, 9);
  // Several JSON values one after another, NDJSON or not, are the messages of a client stream.
  writeFileSync(join(dir, "bulk.json"), '{"username":"a"}\n{\n  "username": "b"\n} {"username":"c"}');
  const bulk = await run(["call", host, "userservice.UserService/BulkCreateUsers", `-d@${join(dir, "bulk.json")}`]);
  assert.deepEqual(JSON.parse(bulk.out), { createdCount: 3 }, bulk.err);
  const fromStdin = await run(["call", host, "userservice.UserService/GetUser", "-d", "@"], '{"id": 4}');
  assert.equal(JSON.parse(fromStdin.out).user.id, 4, fromStdin.err);
  const missing = await run(["call", host, "userservice.UserService/GetUser", "-d", `@${join(dir, "nope.json")}`]);
  assert.equal(missing.code, 1);
  assert.equal(missing.err, `tsgrpc call: cannot read the requests from "${join(dir, "nope.json")}" (-d @${join(dir, "nope.json")}): no such file\n`);
});

test("tsgrpc call -v prints the response headers and trailers as grpcurl -v does", async () => {
  const r = await run(["call", host, "userservice.UserService/GetUser", "-d", '{"id": 7}', "-H", "x-name: grace", "-v"]);
  assert.equal(r.code, 0, r.err);
  assert.ok(r.out.includes("\nResolved method descriptor:\nrpc GetUser ( .userservice.GetUserRequest ) returns ( .userservice.GetUserResponse );\n"), r.out);
  assert.ok(r.out.includes("\nRequest metadata to send:\nx-name: grace\n"), r.out);
  assert.ok(r.out.includes("\nResponse headers received:\nx-served-by: test-server\n"), r.out);
  assert.ok(r.out.includes('\nResponse contents:\n{\n  "user": {'), r.out);
  assert.ok(r.out.endsWith("\nResponse trailers received:\nx-cost: 3\nSent 1 request and received 1 response\n"), r.out);
  const quiet = await run(["call", host, "userservice.UserService/GetUser", "-d", '{"id": 7}']);
  assert.doesNotMatch(quiet.out, /Response headers received/);
});

test("tsgrpc call: a request that does not fit is the CLI's own error (exit 1), never sent; close names are suggested", async () => {
  for (const [data, reason] of [
    ['{"id": ', "Unexpected end of JSON input"],
    ['{"id": "x"}', 'expected a number, got "x"'],
    ['{"idd": 1}', 'unknown field "idd"'],
  ]) {
    const r = await run(["call", host, "userservice.UserService/GetUser", "-d", data!]);
    assert.equal(r.code, 1, `${data}: ${r.err}`);
    assert.ok(r.err.startsWith(`tsgrpc call: request is not valid JSON for userservice.GetUserRequest: ${reason}`), r.err);
    assert.doesNotMatch(r.err, /INVALID_ARGUMENT/);
  }
  const second = await run(["call", host, "userservice.UserService/BulkCreateUsers", "-d", "@"], '{"username": "a"}\n{"username": 5}\n');
  assert.equal(second.code, 1);
  assert.match(second.err, /^tsgrpc call: request 2 \(line 2 of stdin\) is not valid JSON for userservice\.CreateUserRequest: /);
  const two = await run(["call", host, "userservice.UserService/GetUser", "-d", '{"id": 1} {"id": 2}']);
  assert.equal(two.code, 1);
  assert.equal(two.err, "tsgrpc call: GetUser takes exactly one request, -d gave 2\n");
  const typo = await run(["call", host, "userservice.UserService/GetUsr", "-d", "{}"]);
  assert.equal(typo.code, 64 + Status.NOT_FOUND);
  assert.match(typo.err, /Did you mean "GetUser"/);
  const badService = await run(["call", host, "userservice.UserSrvice/GetUser", "-d", "{}"]);
  assert.match(badService.err, /Did you mean "userservice\.UserService"/);
});
