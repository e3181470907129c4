import { test, after } from "node:test";
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { createChannel, createClient, createServer, GrpcError, Metadata, Status } from "../src/index.js";
import { UserService, userServiceImpl } from "./user-service-fixture.js";

const server = createServer({ logError: () => {} }).add(UserService, userServiceImpl());
const port = await server.listen("127.0.0.1:0");
const channel = createChannel(`127.0.0.1:${port}`);
const client = createClient(UserService, channel);
after(async () => {
  channel.close();
  await server.shutdown(100);
});

test("unary: a request in, a response out, with headers and trailers", async () => {
  let headers: Metadata | undefined;
  let trailers: Metadata | undefined;
  const res = (await client.getUser({ id: 1 }, { onHeader: (h) => (headers = h), onTrailer: (t) => (trailers = t) })) as Record<string, any>;
  assert.equal(res["user"].username, "ada");
  assert.equal(headers?.get("x-served-by"), "tsgrpc");
  assert.equal(trailers?.get("x-user-count"), "1");
});

test("errors arrive as GrpcError with code, message and trailing metadata", async () => {
  await assert.rejects(client.getUser({ id: 0 }), (e: GrpcError) => e.code === Status.INVALID_ARGUMENT && e.rawMessage === "User ID must be positive");
  await assert.rejects(client.getUser({ id: 42 }), (e: GrpcError) => e.code === Status.NOT_FOUND && e.metadata.get("x-missing-id") === "42");
});

test("a handler's unexpected exception is UNKNOWN without its text", async () => {
  await assert.rejects(client.getUser({ id: 666 }), (e: GrpcError) => e.code === Status.UNKNOWN && !e.rawMessage.includes("secret"));
});

test("server streaming, client streaming and bidi", async () => {
  const watched = [];
  for await (const u of client.watchUsers({ roleFilter: "admin" })) watched.push(u);
  assert.equal(watched.length, 5);
  const bulk = (await client.bulkCreateUsers([{ username: "a" }, { username: "b" }, { username: "" }])) as Record<string, any>;
  assert.equal(bulk["createdCount"], 2);
  const replies = [];
  for await (const r of client.userChat([{ sender: "x", text: "hi" }, { sender: "y", text: "yo" }])) replies.push((r as Record<string, any>)["text"]);
  assert.deepEqual(replies, ["x: hi", "y: yo"]);
});

test("a deadline ends a handler that never returns: DEADLINE_EXCEEDED", async () => {
  const started = Date.now();
  await assert.rejects(client.getUser({ id: 999 }, { timeout: 100 }), (e: GrpcError) => e.code === Status.DEADLINE_EXCEEDED);
  assert.ok(Date.now() - started < 2000);
});

test("a client deadline further away than setTimeout can wait (30 days) does not expire at once", async () => {
  const controller = new AbortController();
  const pending = client.getUser({ id: 999 }, { timeout: 30 * 24 * 3600 * 1000, signal: controller.signal });
  setTimeout(() => controller.abort(), 150);
  await assert.rejects(pending, (e: GrpcError) => e.code === Status.CANCELLED);
});

test("an unknown method is UNIMPLEMENTED", async () => {
  const other = createClient({ typeName: "nope.Svc", methods: { m: { ...UserService.methods["getUser"]!, path: "/nope.Svc/M" } } }, channel);
  await assert.rejects(other.m({}), (e: GrpcError) => e.code === Status.UNIMPLEMENTED);
});

test("a cancelled call is CANCELLED", async () => {
  const controller = new AbortController();
  const pending = client.getUser({ id: 999 }, { signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  await assert.rejects(pending, (e: GrpcError) => e.code === Status.CANCELLED);
});

test("no server at the target is UNAVAILABLE", async () => {
  const dead = createClient(UserService, createChannel("127.0.0.1:1"));
  await assert.rejects(dead.getUser({ id: 1 }), (e: GrpcError) => e.code === Status.UNAVAILABLE);
});

test("a signal shared by many calls does not keep a listener per finished call", async () => {
  const server = createServer().add(UserService, userServiceImpl());
  const port = await server.listen("127.0.0.1:0");
  const channel = createChannel(`127.0.0.1:${port}`);
  const client = createClient(UserService, channel);
  const shared = new AbortController();
  try {
    await Promise.all(Array.from({ length: 50 }, () => client.getUser({ id: 1 }, { signal: shared.signal })));
    assert.equal(getEventListeners(shared.signal, "abort").length, 0);
  } finally {
    channel.close();
    await server.shutdown(100);
  }
});
