// Issue 18, "cheap to attack, expensive to be attacked": the engine stops reading a connection that failed, its flood
// budgets are time-windowed token buckets, and two correctness fixes (a stream ended with its HEADERS, GOAWAY's text).
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { CLIENT_PREFACE } from "../src/frame.js";
import { FloodGuard } from "../src/flood-guard.js";
import { HpackEncoder } from "../src/hpack/encoder.js";
import { ClientConnection } from "../src/client-connection.js";
import { engineServer, frame, RawPeer, u32 } from "./raw-peer.js";

const DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, CONTINUATION = 9;
const END_STREAM = 0x1, END_HEADERS = 0x4;
const NO_ERROR = 0, STREAM_CLOSED = 5, ENHANCE_YOUR_CALM = 11;
const MiB = 1024 * 1024;

test("a connection that failed is read no further: a CONTINUATION flood that goes on after the GOAWAY is not read by the server", async () => {
  const server = await engineServer();
  try {
    const socket = connect(server.port, "127.0.0.1");
    await new Promise((r) => socket.once("connect", r));
    let closed = false;
    socket.on("error", () => {});
    const done = new Promise<void>((r) => socket.once("close", () => { closed = true; r(); }));
    const request = new HpackEncoder().encode([":method", "POST", ":scheme", "http", ":path", "/x", ":authority", "localhost"]);
    // A header block that never ends: the server fails the connection after 64 KiB of it (4 x the header list limit).
    const continuation = frame(CONTINUATION, 0, 1, Buffer.alloc(16_000, 0x40));
    const chunk = Buffer.concat(Array.from({ length: 64 }, () => continuation)); // ~1 MiB
    socket.write(Buffer.concat([CLIENT_PREFACE, frame(SETTINGS, 0, 0), frame(HEADERS, 0, 1, request)]));
    // Up to 64 MiB, as fast as the server takes it, until the server closes the connection.
    for (let i = 0; i < 64 && !closed; i++) {
      if (!socket.write(chunk)) await new Promise<void>((r) => { socket.once("drain", r); socket.once("close", r); });
    }
    socket.destroy();
    await done;
    const serverSocket = server.connections[0]!.socket;
    if (!serverSocket.destroyed) await new Promise((r) => serverSocket.once("close", r));
    // Old behaviour: everything the peer sent in the second after the GOAWAY was read and discarded (all 64 MiB here).
    assert.ok(serverSocket.bytesRead < 8 * MiB, `the server read ${serverSocket.bytesRead} bytes`);
  } finally {
    await server.close();
  }
});

test("FloodGuard: a burst, then only what the elapsed time refills; time spent full earns nothing", () => {
  let now = 0;
  const guard = new FloodGuard(10, 5, () => now);
  now = 6000; // idle with a full bucket: no more than a full bucket
  for (let i = 0; i < 10; i++) assert.equal(guard.take(), true, `take ${i}`);
  assert.equal(guard.take(), false, "the idle time before the burst bought a second burst");
  now += 200; // 5 a second: one token
  assert.equal(guard.take(), true);
  assert.equal(guard.take(), false);
  now += 1000;
  for (let i = 0; i < 5; i++) assert.equal(guard.take(), true, `refilled take ${i}`);
  assert.equal(guard.take(), false);
  now += 60_000; // capped at the burst
  for (let i = 0; i < 10; i++) assert.equal(guard.take(), true);
  assert.equal(guard.take(), false);
});

test("rapid reset: 300 streams opened and reset at once exceed the budget (256, as nginx's 2 x 128 per read) and get ENHANCE_YOUR_CALM", async () => {
  const server = await engineServer({}, (stream) => stream.respond({ ":status": 200 }));
  const p = await RawPeer.connect(server.port);
  try {
    const frames: Buffer[] = [];
    for (let id = 1; id < 2 * 300; id += 2) frames.push(p.headers(id, p.request(id), END_HEADERS), frame(RST_STREAM, 0, id, u32(8)));
    p.send(...frames);
    assert.equal((await p.goaway())?.code, ENHANCE_YOUR_CALM);
  } finally {
    p.close();
    await server.close();
  }
});

test("a request that ended with its HEADERS, answered at once: the stream is closed, not reset, and a later DATA on it is STREAM_CLOSED", async () => {
  const server = await engineServer({}, (stream) => {
    stream.discardRest(); // what a server does when it answers without reading (no handler for the path)
    stream.respond({ ":status": 404 }, true);
  });
  const p = await RawPeer.connect(server.port);
  try {
    p.send(p.headers(1, p.request(1))); // END_STREAM | END_HEADERS
    await p.next((f) => f.type === HEADERS && f.streamId === 1);
    p.send(frame(DATA, END_STREAM, 1, Buffer.from("late")), p.headers(3, p.request(3)));
    await p.next((f) => f.type === HEADERS && f.streamId === 3); // the server has read the DATA before this
    const resets = p.frames.filter((f) => f.type === RST_STREAM && f.streamId === 1).map((f) => f.payload.readUInt32BE(0));
    assert.deepEqual(resets, [STREAM_CLOSED], `RST_STREAM codes on stream 1: ${resets.join(",")} (NO_ERROR is ${NO_ERROR})`);
  } finally {
    p.close();
    await server.close();
  }
});

test("a header block over the limit: the GOAWAY's debug text names the limit, not the bytes received", async () => {
  const server = await engineServer({ maxHeaderListSize: 1000 });
  const p = await RawPeer.connect(server.port);
  try {
    p.send(frame(HEADERS, 0, 1, p.encoder.encode(p.request(1))), ...Array.from({ length: 10 }, () => frame(CONTINUATION, 0, 1, Buffer.alloc(999, 0x40))));
    const goaway = await p.goaway();
    assert.equal(goaway?.code, ENHANCE_YOUR_CALM);
    assert.equal(goaway?.debug, "a header block of more than 4000 bytes");
  } finally {
    p.close();
    await server.close();
  }
});

test("rapid reset: a stream the client resets in the same read as its HEADERS never reaches the handler", async () => {
  const seen: number[] = [];
  const server = await engineServer({}, (stream) => {
    seen.push(stream.id);
    stream.respond({ ":status": 200 }, true);
  });
  const p = await RawPeer.connect(server.port);
  try {
    const frames: Buffer[] = [];
    for (let id = 1; id < 20; id += 2) frames.push(p.headers(id, p.request(id), END_HEADERS), frame(RST_STREAM, 0, id, u32(8)));
    p.send(...frames, p.headers(21, p.request(21))); // one write of under a kilobyte: one read on loopback
    await p.next((f) => f.type === HEADERS && f.streamId === 21);
    assert.deepEqual(seen, [21]);
  } finally {
    p.close();
    await server.close();
  }
});

test("a client that cancels calls it was answered on is no attacker: 1,000 streams reset after their response began keep the connection", async () => {
  const server = await engineServer({}, (stream) => stream.respond({ ":status": 200 })); // answered, never ended
  const socket = connect(server.port, "127.0.0.1");
  await new Promise((r) => socket.once("connect", r));
  const client = new ClientConnection(socket);
  try {
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(Array.from({ length: 50 }, () => new Promise<void>((resolve) => {
        const stream = client.request({ ":method": "POST", ":scheme": "http", ":authority": "x", ":path": "/watch" });
        stream.read(() => {}, () => {}, () => resolve());
        stream.whenResponse(() => stream.reset()); // the client gives up on a call it was being answered on
      })));
    }
    assert.equal(client.isClosed, false, "the connection is still open");
    const answered = await new Promise<boolean>((resolve) => {
      const stream = client.request({ ":method": "POST", ":scheme": "http", ":authority": "x", ":path": "/last" });
      stream.whenResponse(() => resolve(true));
      stream.read(() => {}, () => {}, () => resolve(false));
    });
    assert.ok(answered, "and answers the next request");
  } finally {
    client.destroy();
    await server.close();
  }
});
