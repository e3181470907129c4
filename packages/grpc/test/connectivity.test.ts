import { test } from "node:test";
import assert from "node:assert/strict";
import { createChannel, createClient, createServer, GrpcError, Status, type ConnectivityState } from "../src/index.js";
import { UserService, userServiceImpl } from "./user-service-fixture.js";

function record(channel: { watchState(l: (s: ConnectivityState) => void): () => void }): ConnectivityState[] {
  const states: ConnectivityState[] = [];
  channel.watchState((s) => states.push(s));
  return states;
}

test("a channel's states: IDLE until asked, CONNECTING, READY; IDLE when its server goes away; READY again at the next call", async () => {
  const server = createServer().add(UserService, userServiceImpl());
  const port = await server.listen("127.0.0.1:0");
  const channel = createChannel(`127.0.0.1:${port}`);
  const states = record(channel);
  let restarted = createServer().add(UserService, userServiceImpl());
  try {
    assert.equal(channel.getState(), "IDLE");
    assert.equal(channel.getState(true), "CONNECTING");
    await channel.whenState("READY");
    assert.deepEqual(states, ["CONNECTING", "READY"]);
    await server.shutdown(100);
    await channel.whenState("IDLE");
    await restarted.listen(`127.0.0.1:${port}`);
    const client = createClient(UserService, channel);
    assert.equal((await client.getUser({ id: 1 })).user!["username"], "ada");
    assert.deepEqual(states, ["CONNECTING", "READY", "IDLE", "CONNECTING", "READY"]);
    channel.close();
    assert.equal(channel.getState(), "SHUTDOWN");
    await assert.rejects(client.getUser({ id: 1 }), (e: GrpcError) => e.code === Status.UNAVAILABLE && /closed/.test(e.message));
  } finally {
    channel.close();
    await restarted.shutdown(100);
  }
});

test("nothing listening: TRANSIENT_FAILURE; fail-fast calls get UNAVAILABLE at once, waitForReady calls wait for the server", async () => {
  const probe = createServer().add(UserService, userServiceImpl());
  const port = await probe.listen("127.0.0.1:0");
  await probe.shutdown(0);
  const channel = createChannel(`127.0.0.1:${port}`);
  const client = createClient(UserService, channel);
  const server = createServer().add(UserService, userServiceImpl());
  try {
    const waiting = client.getUser({ id: 1 }, { waitForReady: true, timeout: 20_000 });
    await channel.whenState("TRANSIENT_FAILURE");
    await assert.rejects(client.getUser({ id: 1 }), (e: GrpcError) => e.code === Status.UNAVAILABLE && /ECONNREFUSED/.test(e.message));
    await server.listen(`127.0.0.1:${port}`);
    assert.equal((await waiting).user!["username"], "ada", "the waiting call went through once the backoff let the channel reconnect");
  } finally {
    channel.close();
    await server.shutdown(100);
  }
});

test("idle timeout: a channel with no call closes its connection and goes IDLE; the next call connects again", async () => {
  let connections = 0;
  const server = createServer().add(UserService, userServiceImpl());
  const port = await server.listen("127.0.0.1:0");
  const channel = createChannel(`127.0.0.1:${port}`, { idleTimeoutMs: 100 });
  const states = record(channel);
  const client = createClient(UserService, channel);
  try {
    await client.getUser({ id: 1 });
    await channel.whenState("IDLE", AbortSignal.timeout(10_000));
    await client.getUser({ id: 1 });
    assert.deepEqual(states.slice(0, 5), ["CONNECTING", "READY", "IDLE", "CONNECTING", "READY"]);
    connections = states.filter((s) => s === "READY").length;
    assert.equal(connections, 2);
  } finally {
    channel.close();
    await server.shutdown(100);
  }
});

test("whenState rejects when its signal aborts first", async () => {
  const channel = createChannel("127.0.0.1:1");
  try {
    await assert.rejects(channel.whenState("READY", AbortSignal.abort(new Error("gave up"))), /gave up/);
  } finally {
    channel.close();
  }
});
