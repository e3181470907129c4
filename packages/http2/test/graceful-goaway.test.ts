import { test } from "node:test";
import assert from "node:assert/strict";
import { engineServer, frame, RawPeer, type Frame } from "./raw-peer.js";
import type { ServerStream } from "../src/server-stream.js";

// The engine server's connection lifecycle: the two-phase graceful shutdown (grpc-go's), max connection age, and
// gRPC's keepalive enforcement (the client's PING policy), each against a client that writes raw frames.
const DATA = 0, HEADERS = 1, PING = 6, GOAWAY = 7;
const END_STREAM = 0x1, END_HEADERS = 0x4, ACK = 0x1;
const NO_ERROR = 0, ENHANCE_YOUR_CALM = 11;
const MAX_STREAM_ID = 2 ** 31 - 1;

const goaways = (p: RawPeer) => p.frames.filter((f) => f.type === GOAWAY).map((f) => ({ lastStreamId: f.payload.readUInt32BE(0), code: f.payload.readUInt32BE(4), debug: f.payload.subarray(8).toString() }));
const isPing = (f: Frame) => f.type === PING && !(f.flags & ACK);
const isPingAck = (f: Frame) => f.type === PING && (f.flags & ACK) !== 0;
const responseHeaders = (id: number) => (f: Frame) => f.type === HEADERS && f.streamId === id;
const responseEnd = (id: number) => (f: Frame) => f.streamId === id && (f.flags & END_STREAM) !== 0;

/** Each stream answers with headers at once (the client then knows it is taken), and its body echoed when it ends. */
const echoAtEnd = (stream: ServerStream) => {
  stream.respond({ ":status": 200 });
  const body: Buffer[] = [];
  stream.read((c) => body.push(Buffer.from(c)), () => stream.end(Buffer.concat(body)), () => {});
};

test("graceful shutdown: GOAWAY 2^31-1 and a PING; a stream opened meanwhile is processed; the PING's ACK brings the final GOAWAY with the last stream taken; a later stream is not", async () => {
  const server = await engineServer({}, echoAtEnd);
  const p = await RawPeer.connect(server.port);
  try {
    p.send(p.headers(1, p.request(1), END_HEADERS)); // open, not ended: it holds the connection
    await p.next(responseHeaders(1));
    server.connections[0]!.close();
    const ping = await p.next(isPing);
    const firstGoaway = p.frames.findIndex((f) => f.type === GOAWAY);
    assert.ok(firstGoaway >= 0 && firstGoaway < p.frames.indexOf(ping!), "the first GOAWAY comes before the PING");
    assert.deepEqual(goaways(p), [{ lastStreamId: MAX_STREAM_ID, code: NO_ERROR, debug: "" }]);

    // Stream 3 was on its way when the client read the first GOAWAY: it is taken and answered.
    p.send(p.headers(3, p.request(3)));
    await p.next(responseEnd(3));
    assert.equal(goaways(p).length, 1, "no final GOAWAY before the PING's ACK");

    p.send(frame(PING, ACK, 0, ping!.payload));
    await p.next((f) => f.type === GOAWAY && f.payload.readUInt32BE(0) !== MAX_STREAM_ID);
    assert.deepEqual(goaways(p), [{ lastStreamId: MAX_STREAM_ID, code: NO_ERROR, debug: "" }, { lastStreamId: 3, code: NO_ERROR, debug: "" }]);

    // Stream 5 comes after the final GOAWAY: not processed. Stream 1, taken before, still finishes.
    p.send(p.headers(5, p.request(5)), frame(DATA, END_STREAM, 1, Buffer.from("one")));
    await p.next(responseEnd(1));
    assert.equal(p.data(1).toString(), "one");
    assert.deepEqual(server.streams.map((s) => s.id), [1, 3]);
    await p.next(() => false, 5000).catch(() => undefined);
    assert.equal(p.closed, true, "the connection ends once its last stream is done");
  } finally {
    p.close();
    await server.close();
  }
});

test("graceful shutdown: when the PING is never acknowledged, the final GOAWAY comes anyway", async () => {
  const server = await engineServer({}, echoAtEnd);
  const p = await RawPeer.connect(server.port);
  try {
    p.send(p.headers(1, p.request(1), END_HEADERS));
    await p.next(responseHeaders(1));
    server.connections[0]!.close();
    await p.next(isPing);
    await p.next((f) => f.type === GOAWAY && f.payload.readUInt32BE(0) === 1, 5000);
    assert.deepEqual(goaways(p).map((g) => g.lastStreamId), [MAX_STREAM_ID, 1]);
  } finally {
    p.close();
    await server.close();
  }
});

test("max connection age: the connection is shut down gracefully at its age, the open stream finishes; after the grace, what is open is cut", async () => {
  const aged = await engineServer({ maxAgeMs: 50 }, echoAtEnd);
  const p = await RawPeer.connect(aged.port);
  try {
    p.send(p.headers(1, p.request(1), END_HEADERS));
    const ping = await p.next(isPing);
    p.send(frame(PING, ACK, 0, ping!.payload));
    await p.next((f) => f.type === GOAWAY && f.payload.readUInt32BE(0) === 1);
    p.send(frame(DATA, END_STREAM, 1, Buffer.from("done")));
    await p.next(responseEnd(1));
    assert.equal(p.data(1).toString(), "done");
    await p.next(() => false, 5000).catch(() => undefined);
    assert.equal(p.closed, true);
  } finally {
    p.close();
    await aged.close();
  }

  const cut = await engineServer({ maxAgeMs: 50, maxAgeGraceMs: 50 }, echoAtEnd);
  const q = await RawPeer.connect(cut.port);
  try {
    q.send(q.headers(1, q.request(1), END_HEADERS)); // never ended
    await q.next(() => false, 5000).catch(() => undefined);
    assert.equal(q.closed, true, "closed after the grace");
    assert.equal(q.frames.some(responseEnd(1)), false, "the stream was cut, not finished");
    assert.ok(goaways(q).length >= 1, "the graceful shutdown began first");
  } finally {
    q.close();
    await cut.close();
  }
});

const strict = { pingPolicy: { minIntervalMs: 60_000, permitWithoutStreams: false } };

test("ping policy: a client that keeps PINGing with nothing going on gets GOAWAY ENHANCE_YOUR_CALM too_many_pings at its third strike", async () => {
  const server = await engineServer(strict);
  const p = await RawPeer.connect(server.port);
  try {
    for (let i = 0; i < 3; i++) {
      p.send(frame(PING, 0, 0, Buffer.alloc(8, i)));
      await p.next((f) => isPingAck(f) && f.payload[0] === i);
    }
    assert.equal(goaways(p).length, 0, "the first PING and two strikes are forgiven");
    p.send(frame(PING, 0, 0, Buffer.alloc(8, 3)));
    const goaway = await p.goaway();
    assert.deepEqual(goaway, { lastStreamId: 0, code: ENHANCE_YOUR_CALM, debug: "too_many_pings" });
    await p.next(() => false, 5000).catch(() => undefined);
    assert.equal(p.closed, true);
  } finally {
    p.close();
    await server.close();
  }
});

test("ping policy: PINGs that follow the server's DATA, and the ACKs of the server's own keepalive PINGs, are not strikes", async () => {
  // Every request DATA frame is echoed at once: the server sends DATA between the client's PINGs.
  const server = await engineServer({ ...strict, keepaliveTimeMs: 10 }, (stream) => {
    stream.respond({ ":status": 200 });
    stream.read((c) => stream.write(Buffer.from(c)), () => stream.end(), () => {});
  });
  const p = await RawPeer.connect(server.port);
  try {
    p.send(p.headers(1, p.request(1), END_HEADERS));
    for (let i = 0; i < 6; i++) {
      p.send(frame(DATA, 0, 1, Buffer.from([i])));
      await p.next((f) => f.type === DATA && f.streamId === 1 && f.payload[0] === i);
      p.send(frame(PING, 0, 0, Buffer.alloc(8, i)));
      await p.next((f) => isPingAck(f) && f.payload[0] === i);
    }
    // The server's keepalive PINGs, answered: six of them.
    for (let answered = 0; answered < 6; answered++) {
      const ping = await p.next(isPing);
      assert.ok(ping, "the server's keepalive PING");
      p.frames.splice(p.frames.indexOf(ping), 1);
      p.send(frame(PING, ACK, 0, ping.payload));
    }
    p.send(frame(DATA, END_STREAM, 1));
    await p.next(responseEnd(1));
    assert.equal(goaways(p).length, 0);
  } finally {
    p.close();
    await server.close();
  }
});
