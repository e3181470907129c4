import { test, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { createChannel, createClient, createServer, GrpcError, Metadata, Status } from "../src/index.js";
import { PROTO_DIR, UserService, userServiceImpl } from "./user-service-fixture.js";

// @grpc/grpc-js is an independent implementation: its client calls our server, our client calls its server.
const definition = protoLoader.loadSync(join(PROTO_DIR, "user_service.proto"), { keepCase: false, longs: String, defaults: true });
const pkg = grpc.loadPackageDefinition(definition) as any;
const GrpcJsUserService = pkg.userservice.UserService;

const ours = createServer({ logError: () => {} }).add(UserService, userServiceImpl());
const oursPort = await ours.listen("127.0.0.1:0");
const theirClient = new GrpcJsUserService(`127.0.0.1:${oursPort}`, grpc.credentials.createInsecure());

const theirs = new grpc.Server();
theirs.addService(GrpcJsUserService.service, {
  getUser(call: any, cb: any) {
    if (call.request.id <= 0) {
      const md = new grpc.Metadata();
      md.set("x-why", "negative");
      return cb({ code: grpc.status.INVALID_ARGUMENT, details: "User ID must be positive\n☺", metadata: md });
    }
    call.sendMetadata(Object.assign(new grpc.Metadata(), {}));
    cb(null, { user: { id: call.request.id, username: `user${call.request.id}`, roles: [call.metadata.get("x-role")[0] ?? "none"] } });
  },
  createUser(call: any, cb: any) {
    cb(null, { user: { id: 2, username: call.request.username } });
  },
  listUsers(_call: any, cb: any) {
    cb(null, { users: [{ id: 1 }, { id: 2 }] });
  },
  watchUsers(call: any) {
    for (let i = 0; i < 3; i++) call.write({ id: i, roles: [call.request.roleFilter] });
    call.end();
  },
  bulkCreateUsers(call: any, cb: any) {
    let n = 0;
    call.on("data", () => n++);
    call.on("end", () => cb(null, { createdCount: n }));
  },
  userChat(call: any) {
    call.on("data", (m: any) => call.write({ sender: "grpc-js", text: m.text.toUpperCase() }));
    call.on("end", () => call.end());
  },
});
const theirPort = await new Promise<number>((resolve, reject) =>
  theirs.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
);
const channel = createChannel(`127.0.0.1:${theirPort}`);
const ourClient = createClient(UserService, channel);

after(async () => {
  theirClient.close();
  channel.close();
  theirs.forceShutdown();
  await ours.shutdown(100);
});

const unary = (method: string, req: object, md = new grpc.Metadata(), options: grpc.CallOptions = {}) =>
  new Promise<any>((resolve, reject) => theirClient[method](req, md, options, (e: any, r: any) => (e ? reject(e) : resolve(r))));

test("grpc-js client -> tsgrpc server: unary, errors with metadata, and a hidden internal error", async () => {
  const res = await unary("getUser", { id: 1 });
  assert.equal(res.user.username, "ada");
  await assert.rejects(unary("getUser", { id: -1 }), (e: any) => e.code === grpc.status.INVALID_ARGUMENT && e.details === "User ID must be positive");
  await assert.rejects(unary("getUser", { id: 7 }), (e: any) => e.code === grpc.status.NOT_FOUND && e.metadata.get("x-missing-id")[0] === "7");
  await assert.rejects(unary("getUser", { id: 666 }), (e: any) => e.code === grpc.status.UNKNOWN && !e.details.includes("secret"));
});

test("grpc-js client -> tsgrpc server: deadline on a handler that never returns", async () => {
  await assert.rejects(unary("getUser", { id: 999 }, new grpc.Metadata(), { deadline: Date.now() + 100 }), (e: any) => e.code === grpc.status.DEADLINE_EXCEEDED);
});

test("grpc-js client -> tsgrpc server: server, client and bidi streaming", async () => {
  const watched: any[] = [];
  await new Promise<void>((resolve, reject) => {
    const call = theirClient.watchUsers({ roleFilter: "admin" });
    call.on("data", (u: any) => watched.push(u));
    call.on("error", reject);
    call.on("end", resolve);
  });
  assert.equal(watched.length, 5);
  assert.deepEqual(watched[0].roles, ["admin"]);
  const bulk = await new Promise<any>((resolve, reject) => {
    const call = theirClient.bulkCreateUsers((e: any, r: any) => (e ? reject(e) : resolve(r)));
    for (const username of ["a", "b", "c"]) call.write({ username });
    call.end();
  });
  assert.equal(bulk.createdCount, 3);
  const replies: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const call = theirClient.userChat();
    call.on("data", (m: any) => replies.push(m.text));
    call.on("error", reject);
    call.on("end", resolve);
    call.write({ sender: "s", text: "one" });
    call.write({ sender: "s", text: "two" });
    call.end();
  });
  assert.deepEqual(replies, ["s: one", "s: two"]);
});

test("tsgrpc client -> grpc-js server: every kind of call, metadata both ways, status messages with Unicode", async () => {
  const res = (await ourClient.getUser({ id: 3 }, { metadata: new Metadata({ "x-role": "editor" }) })) as any;
  assert.equal(res.user.username, "user3");
  assert.deepEqual(res.user.roles, ["editor"]);
  await assert.rejects(ourClient.getUser({ id: 0 }), (e: GrpcError) => e.code === Status.INVALID_ARGUMENT && e.rawMessage === "User ID must be positive\n☺" && e.metadata.get("x-why") === "negative");
  const watched = [];
  for await (const u of ourClient.watchUsers({ roleFilter: "ops" })) watched.push(u);
  assert.equal(watched.length, 3);
  assert.equal(((await ourClient.bulkCreateUsers([{}, {}, {}, {}])) as any).createdCount, 4);
  const replies = [];
  for await (const m of ourClient.userChat([{ text: "a" }, { text: "b" }])) replies.push((m as any).text);
  assert.deepEqual(replies, ["A", "B"]);
});
