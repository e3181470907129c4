import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { createChannel, createClient, createServer, GrpcError, Status } from "../src/index.js";
import { channelKeepalive } from "../src/client/keepalive.js";
import { AsyncQueue } from "../src/async-queue.js";
import { PROTO_DIR, UserService, userServiceImpl } from "./user-service-fixture.js";
import { ACK, DATA, END_STREAM, GOAWAY, HEADERS, PING, SETTINGS, frame, goawayFrame, rawHttp2Server, readGoaway, RawHttp2, type Frame } from "./raw-http2.js";

// Keepalive (gRFC A8) and the server's connection lifecycle (keepalive enforcement, max connection age, two-phase
// graceful shutdown), against raw peers, grpc-js and Python grpcio. Every wait is for an event, bounded in time.
const ENGINES = ["tsgrpc", "node"] as const;
const ENHANCE_YOUR_CALM = 0xb;
const MAX_STREAM_ID = 2 ** 31 - 1;
const isPing = (f: Frame) => f.type === PING && !(f.flags & ACK);

/** A raw server that answers the client's SETTINGS and then, for PINGs, does what `onPing` says. */
function pingPeer(onPing: (peer: RawHttp2, ping: Frame) => void) {
  return rawHttp2Server((peer) => {
    peer.onFrame = (f) => {
      if (f.type === SETTINGS && !(f.flags & ACK)) peer.send(frame(SETTINGS, 0, 0), frame(SETTINGS, ACK, 0));
      if (isPing(f)) onPing(peer, f);
    };
  });
}

for (const engine of ENGINES) {
  const silent = () => pingPeer(() => {});
  // The ACK comes, but well after the timeout (by then the connection is gone, or going).
  const late = () => pingPeer((peer, ping) => setTimeout(() => peer.send(frame(PING, ACK, 0, ping.payload)), 1000).unref());
  for (const [kind, makePeer] of [["never acknowledges a PING", silent], ["acknowledges every PING after the timeout", late]] as const) {
    test(`client keepalive (${engine}): a server that ${kind}: the call fails UNAVAILABLE, naming keepalive`, { timeout: 10_000 }, async () => {
      const peer = await makePeer();
      const channel = createChannel(`127.0.0.1:${peer.port}`, { http2Engine: engine, keepaliveTimeMs: 50, keepaliveTimeoutMs: 100 });
      try {
        await assert.rejects(createClient(UserService, channel).getUser({ id: 1 }), (e: GrpcError) => {
          assert.equal(e.code, Status.UNAVAILABLE, e.message);
          assert.match(e.message, /keepalive/);
          return true;
        });
        assert.ok(peer.peers[0]!.frames.some(isPing), "the client pinged");
      } finally {
        channel.close();
        await peer.close();
      }
    });
  }

  test(`client keepalive (${engine}): a server that sends GOAWAY too_many_pings a thousand times neither crashes nor hangs the client; the keepalive time doubles once`, { timeout: 10_000 }, async () => {
    const peer = await rawHttp2Server((p) => {
      p.onFrame = (f) => {
        if (f.type === SETTINGS && !(f.flags & ACK)) p.send(frame(SETTINGS, 0, 0), frame(SETTINGS, ACK, 0));
        if (f.type === HEADERS && f.streamId === 1) {
          const goaways = Array.from({ length: 1000 }, () => goawayFrame(1, ENHANCE_YOUR_CALM, "too_many_pings"));
          p.send(...goaways, p.grpcResponse(1));
        }
      };
    });
    const channel = createChannel(`127.0.0.1:${peer.port}`, { http2Engine: engine, keepaliveTimeMs: 60_000 });
    try {
      const call = createClient(UserService, channel).getUser({ id: 1 });
      // node:http2 ends the session on a GOAWAY with an error code, failing the call; our engine lets stream 1 finish.
      if (engine === "tsgrpc") await call;
      else await call.catch((e: GrpcError) => assert.ok(e instanceof GrpcError));
      assert.equal(channelKeepalive(channel).timeMs, 120_000);
    } finally {
      channel.close();
      await peer.close();
    }
  });
}

// ---- Python grpcio's server (grpc-core's keepalive enforcement).

const PYTHON = "/usr/bin/python3";
const pythonScripts = fileURLToPath(new URL("../../test/python", import.meta.url));
const noPython = !existsSync(PYTHON) || spawnSync(PYTHON, ["-c", "import grpc"]).status !== 0 ? "python3-grpcio is not installed (/usr/bin/python3 cannot import grpc)" : false;

for (const engine of ENGINES) {
  test(`client keepalive (${engine}) against Python grpcio with a strict ping policy: too_many_pings doubles the channel's keepalive time`, { skip: noPython, timeout: 20_000 }, async () => {
    const child = spawn(PYTHON, [join(pythonScripts, "strict_ping_server.py")], { stdio: ["pipe", "pipe", "inherit"] });
    const port = await new Promise<number>((resolve) => child.stdout.once("data", (d) => resolve(Number(String(d).trim()))));
    const channel = createChannel(`127.0.0.1:${port}`, { http2Engine: engine, keepaliveTimeMs: 20, keepalivePermitWithoutCalls: true });
    try {
      // A call (the server has no services) opens the connection; its PINGs then go on without calls.
      await assert.rejects(createClient(UserService, channel).getUser({ id: 1 }), (e: GrpcError) => e.code === Status.UNIMPLEMENTED);
      const keepalive = channelKeepalive(channel);
      // Bounded below the test's timeout, so that `finally` still stops the Python server if it never comes.
      const doubled = keepalive.timeMs !== 20 ? keepalive.timeMs : await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => (stop(), reject(new Error("the keepalive time never doubled"))), 10_000);
        const stop = keepalive.watch((timeMs) => (stop(), clearTimeout(timer), resolve(timeMs)));
      });
      assert.equal(doubled, 40, "the time doubled once, after the server's GOAWAY too_many_pings");
    } finally {
      channel.close();
      child.kill();
    }
  });
}

// ---- Our server's keepalive enforcement, seen by grpc-js.

test("grpc-js pinging every 100 ms without calls gets GOAWAY too_many_pings from our server (default enforcement)", { timeout: 20_000 }, async () => {
  const server = createServer({ logError: () => {} }).add(UserService, userServiceImpl());
  const port = await server.listen("127.0.0.1:0");
  const definition = protoLoader.loadSync(join(PROTO_DIR, "user_service.proto"), { keepCase: false, longs: String, defaults: true });
  const GrpcJsUserService = (grpc.loadPackageDefinition(definition) as any).userservice.UserService;
  // grpc-js says so in its log (at ERROR), when it doubles its own keepalive time.
  let sawExcessPings: () => void = () => {};
  const excessPings = new Promise<void>((resolve) => (sawExcessPings = resolve));
  grpc.setLogger({ error: (...args: unknown[]) => /excess pings/.test(args.join(" ")) && sawExcessPings() });
  grpc.setLogVerbosity(grpc.logVerbosity.ERROR);
  const client = new GrpcJsUserService(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { "grpc.keepalive_time_ms": 100, "grpc.keepalive_permit_without_calls": 1 });
  try {
    await new Promise((resolve, reject) => client.getUser({ id: 1 }, (e: Error | null, r: unknown) => (e ? reject(e) : resolve(r))));
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("grpc-js never reported excess pings")), 10_000)));
    await Promise.race([excessPings, bound]).finally(() => clearTimeout(timer));
  } finally {
    grpc.setLogger(console);
    client.close();
    await server.shutdown(100);
  }
});

// ---- Max connection age.

for (const engine of ENGINES) {
  test(`max connection age (${engine} server): the call in flight finishes; new calls go on a new connection`, { timeout: 20_000 }, async () => {
    const peers: string[] = [];
    const impl = userServiceImpl();
    const server = createServer({ http2Engine: engine, maxConnectionAgeMs: 200, logError: () => {} }).add(UserService, {
      ...impl,
      getUser: (req, ctx) => {
        peers.push(ctx.peer);
        return impl.getUser(req, ctx);
      },
    });
    const port = await server.listen("127.0.0.1:0");
    const channel = createChannel(`127.0.0.1:${port}`);
    const client = createClient(UserService, channel);
    try {
      await client.getUser({ id: 1 });
      const first = channel.liveConnection();
      // A chat that stays open across the connection's age: each message is answered as it comes.
      const requests = new AsyncQueue<{ text: string }>(16);
      const chat = client.userChat(requests)[Symbol.asyncIterator]();
      requests.push({ text: "before" });
      assert.equal(((await chat.next()).value as any).text, ": before");
      // The age passes; the GOAWAY takes the connection out of the channel.
      await channel.whenState("IDLE", AbortSignal.timeout(10_000)); // pick_first's connection got GOAWAY
      assert.notEqual(channel.liveConnection(), first, "the connection got GOAWAY");
      await client.getUser({ id: 1 });
      assert.notEqual(peers[1], peers[0], "the new call came on a new connection (another client port)");
      requests.push({ text: "after" });
      assert.equal(((await chat.next()).value as any).text, ": after");
      requests.end();
      assert.equal((await chat.next()).done, true, "the call in flight ended OK");
    } finally {
      channel.close();
      await server.shutdown(100);
    }
  });
}

// ---- Two-phase graceful shutdown, seen frame by frame.

/** Whether stream `id` got a response message (a served call; a refused one ends with trailers only). */
const served = (peer: RawHttp2, id: number) => peer.frames.some((f) => f.type === DATA && f.streamId === id && f.payload.length > 5);

/** A GetUser request on `streamId`; `end`: with its message and END_STREAM (else: headers only, the call held open). */
function getUserRequest(peer: RawHttp2, streamId: number, end: boolean): Buffer {
  const headers = frame(HEADERS, 0x4, streamId, peer.encoder.encode([":method", "POST", ":scheme", "http", ":path", "/userservice.UserService/GetUser", ":authority", "localhost", "content-type", "application/grpc", "te", "trailers"]));
  return end ? Buffer.concat([headers, frame(DATA, END_STREAM, streamId, Buffer.from([0, 0, 0, 0, 2, 0x08, 0x01]))]) : headers;
}

test("graceful shutdown (tsgrpc server): GOAWAY 2^31-1 and a PING, a call opened in between is served, then the final GOAWAY names it", { timeout: 20_000 }, async () => {
  const server = createServer({ logError: () => {} }).add(UserService, userServiceImpl());
  const port = await server.listen("127.0.0.1:0");
  const peer = await RawHttp2.client(port);
  try {
    peer.send(getUserRequest(peer, 1, false)); // a call in flight: its request is not over
    await peer.next((f) => f.type === SETTINGS && (f.flags & ACK) !== 0);
    const shutdown = server.shutdown(10_000);
    const ping = await peer.next(isPing);
    assert.ok(ping, "a PING");
    const goaways = () => peer.frames.filter((f) => f.type === GOAWAY).map(readGoaway);
    assert.deepEqual(goaways(), [{ lastStreamId: MAX_STREAM_ID, code: 0, debug: "" }]);
    assert.ok(peer.frames.findIndex((f) => f.type === GOAWAY) < peer.frames.indexOf(ping), "the GOAWAY before the PING");

    peer.send(getUserRequest(peer, 3, true)); // sent before this client "read" the GOAWAY
    await peer.next((f) => f.streamId === 3 && (f.flags & END_STREAM) !== 0);
    assert.ok(served(peer, 3), "stream 3 was served: a response message");

    peer.send(frame(PING, ACK, 0, ping.payload));
    await peer.next((f) => f.type === GOAWAY && readGoaway(f).lastStreamId !== MAX_STREAM_ID);
    assert.deepEqual(goaways().map((g) => g.lastStreamId), [MAX_STREAM_ID, 3]);

    peer.send(frame(DATA, END_STREAM, 1, Buffer.from([0, 0, 0, 0, 2, 0x08, 0x01])));
    await peer.next((f) => f.streamId === 1 && (f.flags & END_STREAM) !== 0);
    assert.ok(served(peer, 1), "the call in flight finished with its response");
    await shutdown;
  } finally {
    peer.close();
    server.forceShutdown();
  }
});

test("graceful shutdown (node server): node:http2 can send one GOAWAY only; a stream after it is not served (the client sees it refused)", { timeout: 20_000 }, async () => {
  const server = createServer({ http2Engine: "node", logError: () => {} }).add(UserService, userServiceImpl());
  const port = await server.listen("127.0.0.1:0");
  const peer = await RawHttp2.client(port);
  try {
    peer.send(getUserRequest(peer, 1, false));
    await peer.next((f) => f.type === SETTINGS && (f.flags & ACK) !== 0);
    const shutdown = server.shutdown(10_000);
    const goaway = await peer.next((f) => f.type === GOAWAY);
    assert.deepEqual(readGoaway(goaway!), { lastStreamId: 1, code: 0, debug: "" });
    peer.send(getUserRequest(peer, 3, true), frame(DATA, END_STREAM, 1, Buffer.from([0, 0, 0, 0, 2, 0x08, 0x01])));
    await peer.next((f) => f.streamId === 1 && (f.flags & END_STREAM) !== 0);
    assert.ok(served(peer, 1), "the call in flight finished with its response");
    assert.equal(peer.frames.some((f) => f.streamId === 3), false, "stream 3, above the GOAWAY's last id, was not served");
    await shutdown;
  } finally {
    peer.close();
    server.forceShutdown();
  }
});
