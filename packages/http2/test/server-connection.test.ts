import { test, after } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:http2";
import { CLIENT_PREFACE } from "../src/frame.js";
import { engineServer, frame, RawPeer, setting, u32, waitUntil } from "./raw-peer.js";

// The server side of tsgrpc's HTTP/2 engine, section by section of RFC 9113, with a client that writes raw frames.
const DATA = 0, HEADERS = 1, PRIORITY = 2, RST_STREAM = 3, SETTINGS = 4, PUSH_PROMISE = 5, PING = 6, GOAWAY = 7, WINDOW_UPDATE = 8, CONTINUATION = 9;
const END_STREAM = 0x1, END_HEADERS = 0x4, PADDED = 0x8, PRIORITY_FLAG = 0x20, ACK = 0x1;
const PROTOCOL_ERROR = 1, FLOW_CONTROL_ERROR = 3, STREAM_CLOSED = 5, FRAME_SIZE_ERROR = 6, REFUSED_STREAM = 7, ENHANCE_YOUR_CALM = 11;

const server = await engineServer({ maxConcurrentStreams: 100 });
after(() => server.close());

async function peer(settings: Buffer[] = []): Promise<RawPeer> {
  const p = await RawPeer.connect(server.port, true, settings);
  await p.next((f) => f.type === SETTINGS && !(f.flags & ACK));
  return p;
}

async function connectionError(frames: Buffer[], expected: number, settings: Buffer[] = []): Promise<string> {
  const p = await peer(settings);
  p.send(...frames);
  const goaway = await p.goaway();
  assert.ok(goaway, "a GOAWAY");
  assert.equal(goaway.code, expected, `GOAWAY code ${goaway.code} (${goaway.debug}), expected ${expected}`);
  p.close();
  return goaway.debug;
}

test("3.4, 6.5: the server's SETTINGS come first, ours are acknowledged, a request on stream 1 is answered", async () => {
  const p = await peer();
  const settings = p.frames.find((f) => f.type === SETTINGS && !(f.flags & ACK))!;
  assert.equal(p.frames[0], settings);
  const values = new Map<number, number>();
  for (let i = 0; i < settings.payload.length; i += 6) values.set(settings.payload.readUInt16BE(i), settings.payload.readUInt32BE(i + 2));
  assert.equal(values.get(3), 100); // MAX_CONCURRENT_STREAMS
  assert.ok(await p.next((f) => f.type === SETTINGS && (f.flags & ACK) !== 0));
  p.send(p.headers(1, p.request(1, "/one"), END_HEADERS), frame(DATA, END_STREAM, 1, Buffer.from("hi")));
  await p.next((f) => f.type === HEADERS && f.streamId === 1 && (f.flags & END_STREAM) !== 0);
  const [response, trailers] = p.decodedHeaders(1);
  assert.deepEqual(response, [":status", "200", "x-path", "/one"]);
  assert.deepEqual(trailers, ["x-done", "1"]);
  assert.equal(p.data(1).toString(), "hi");
  p.close();
});

test("3.4: a connection that does not open with the client preface gets GOAWAY PROTOCOL_ERROR", async () => {
  const p = await RawPeer.connect(server.port, false);
  p.send(Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  assert.equal((await p.goaway())?.code, PROTOCOL_ERROR);
  p.close();
});

test("3.4: a first frame other than SETTINGS is a PROTOCOL_ERROR", async () => {
  const p = await RawPeer.connect(server.port, false);
  p.send(CLIENT_PREFACE, frame(PING, 0, 0, Buffer.alloc(8)));
  assert.equal((await p.goaway())?.code, PROTOCOL_ERROR);
  p.close();
});

test("4.2: a frame larger than SETTINGS_MAX_FRAME_SIZE is a FRAME_SIZE_ERROR", async () => {
  await connectionError([frame(DATA, 0, 1, Buffer.alloc(16_385))], FRAME_SIZE_ERROR);
});

test("5.1: stream states: DATA on an idle stream and an even stream id are connection errors; DATA after END_STREAM resets the stream", async () => {
  await connectionError([frame(DATA, 0, 5, Buffer.from("x"))], PROTOCOL_ERROR);
  const p = await peer();
  await connectionError([p.headers(2, p.request(2))], PROTOCOL_ERROR);
  p.close();
  const q = await peer();
  q.send(q.headers(1, q.request(1), END_HEADERS), frame(DATA, 0, 1, Buffer.from("a")));
  // A stream the server has ended (echo: it answers after the request's end) then receives more DATA.
  q.send(frame(DATA, END_STREAM, 1));
  await q.next((f) => f.type === HEADERS && f.streamId === 1 && (f.flags & END_STREAM) !== 0);
  q.send(frame(DATA, 0, 1, Buffer.from("late")));
  assert.equal(await q.rst(1), STREAM_CLOSED);
  q.close();
});

test("5.1: HEADERS on a stream that has closed is a STREAM_CLOSED connection error", async () => {
  const p = await peer();
  p.send(p.headers(1, p.request(1)), p.headers(3, p.request(3)));
  await p.next((f) => f.type === HEADERS && f.streamId === 3 && (f.flags & END_STREAM) !== 0);
  p.send(p.headers(1, p.request(1)));
  assert.equal((await p.goaway())?.code, STREAM_CLOSED);
  p.close();
});

test("5.1.1: a new stream with an id below the last one (never used) is a PROTOCOL_ERROR", async () => {
  const p = await peer();
  p.send(p.headers(5, p.request(5)));
  await p.next((f) => f.type === HEADERS && f.streamId === 5 && (f.flags & END_STREAM) !== 0);
  p.send(p.headers(3, p.request(3)));
  assert.equal((await p.goaway())?.code, PROTOCOL_ERROR);
  p.close();
});

test("5.1.2: streams beyond SETTINGS_MAX_CONCURRENT_STREAMS are refused with REFUSED_STREAM", async () => {
  const limited = await engineServer({ maxConcurrentStreams: 2 });
  const p = await RawPeer.connect(limited.port);
  for (const id of [1, 3, 5]) p.send(p.headers(id, p.request(id), END_HEADERS)); // open: no END_STREAM
  assert.equal(await p.rst(5), REFUSED_STREAM);
  assert.equal(limited.streams.length, 2);
  p.close();
  await limited.close();
});

test("5.3.1, 6.3: PRIORITY is parsed and ignored; a stream depending on itself, or a PRIORITY of the wrong size, is a stream error", async () => {
  const p = await peer();
  p.send(frame(PRIORITY, 0, 1, Buffer.concat([u32(0), Buffer.from([16])])));
  p.send(frame(PRIORITY, 0, 3, Buffer.concat([u32(3), Buffer.from([16])])));
  assert.equal(await p.rst(3), PROTOCOL_ERROR);
  p.send(frame(PRIORITY, 0, 5, Buffer.alloc(4)));
  assert.equal(await p.rst(5), FRAME_SIZE_ERROR);
  // HEADERS with the PRIORITY flag and padding.
  const block = p.encoder.encode(p.request(7, "/prio"));
  p.send(frame(HEADERS, END_HEADERS | END_STREAM | PADDED | PRIORITY_FLAG, 7, Buffer.concat([Buffer.from([3]), u32(0), Buffer.from([255]), block, Buffer.alloc(3)])));
  await p.next((f) => f.type === HEADERS && f.streamId === 7);
  assert.deepEqual(p.decodedHeaders(7)[0], [":status", "200", "x-path", "/prio"]);
  p.close();
});

test("6.1: padding as long as the frame is a PROTOCOL_ERROR; padded DATA is delivered without its padding", async () => {
  const p = await peer();
  p.send(p.headers(1, p.request(1), END_HEADERS), frame(DATA, END_STREAM | PADDED, 1, Buffer.concat([Buffer.from([4]), Buffer.from("body"), Buffer.alloc(4)])));
  await p.next((f) => f.type === HEADERS && f.streamId === 1 && (f.flags & END_STREAM) !== 0);
  assert.equal(p.data(1).toString(), "body");
  p.close();
  await connectionError([frame(HEADERS, END_HEADERS | PADDED, 1, Buffer.from([5, 1, 2, 3, 4]))], PROTOCOL_ERROR);
});

test("6.2, 6.10: a header block split over CONTINUATION frames; any other frame in between is a PROTOCOL_ERROR", async () => {
  const p = await peer();
  const block = p.encoder.encode(p.request(1, "/continued", ["x-long", "v".repeat(300)]));
  p.send(frame(HEADERS, END_STREAM, 1, block.subarray(0, 10)), frame(CONTINUATION, 0, 1, block.subarray(10, 100)), frame(CONTINUATION, END_HEADERS, 1, block.subarray(100)));
  await p.next((f) => f.type === HEADERS && f.streamId === 1);
  assert.deepEqual(p.decodedHeaders(1)[0], [":status", "200", "x-path", "/continued"]);
  p.close();
  const q = await peer();
  await connectionError([frame(HEADERS, END_STREAM, 1, q.encoder.encode(q.request(1)).subarray(0, 5)), frame(PING, 0, 0, Buffer.alloc(8))], PROTOCOL_ERROR);
  q.close();
  await connectionError([frame(CONTINUATION, END_HEADERS, 1, Buffer.from([0x82]))], PROTOCOL_ERROR);
});

test("6.5: bad SETTINGS: ACK with a payload, a length not a multiple of 6, ENABLE_PUSH 2, MAX_FRAME_SIZE out of range, INITIAL_WINDOW_SIZE over 2^31-1", async () => {
  await connectionError([frame(SETTINGS, ACK, 0, Buffer.alloc(6))], FRAME_SIZE_ERROR);
  await connectionError([frame(SETTINGS, 0, 0, Buffer.alloc(5))], FRAME_SIZE_ERROR);
  await connectionError([frame(SETTINGS, 0, 0, setting(2, 2))], PROTOCOL_ERROR);
  await connectionError([frame(SETTINGS, 0, 0, setting(5, 100))], PROTOCOL_ERROR);
  await connectionError([frame(SETTINGS, 0, 0, setting(4, 2 ** 31))], FLOW_CONTROL_ERROR);
  await connectionError([frame(SETTINGS, 0, 1, setting(4, 10))], PROTOCOL_ERROR);
});

test("6.6, 6.7: PUSH_PROMISE from a client is a PROTOCOL_ERROR; PING is answered with the same payload", async () => {
  await connectionError([frame(PUSH_PROMISE, END_HEADERS, 1, u32(2))], PROTOCOL_ERROR);
  const p = await peer();
  p.send(frame(PING, 0, 0, Buffer.from("12345678")));
  const ack = await p.next((f) => f.type === PING && (f.flags & ACK) !== 0);
  assert.equal(ack?.payload.toString(), "12345678");
  p.close();
  await connectionError([frame(PING, 0, 0, Buffer.alloc(7))], FRAME_SIZE_ERROR);
});

test("6.9: the server sends no more than the peer's window, and goes on after WINDOW_UPDATE", async () => {
  const p = await peer([setting(4, 10)]); // INITIAL_WINDOW_SIZE 10
  p.send(p.headers(1, p.request(1), END_HEADERS), frame(DATA, END_STREAM, 1, Buffer.from("0123456789abcdefghij")));
  await p.next((f) => f.type === DATA && f.streamId === 1);
  await p.roundTrip(); // all the server had sent by then is here: no more than the window
  assert.equal(p.data(1).toString(), "0123456789");
  p.send(frame(WINDOW_UPDATE, 0, 1, u32(100)));
  await p.next((f) => f.type === HEADERS && f.streamId === 1 && (f.flags & END_STREAM) !== 0);
  assert.equal(p.data(1).toString(), "0123456789abcdefghij");
  p.close();
});

test("6.9.1: a peer that sends past the stream window gets FLOW_CONTROL_ERROR; WINDOW_UPDATE overflow and increments of 0 are errors", async () => {
  const small = await engineServer({ initialWindowSize: 100 }, (stream) => stream.pause());
  const p = await RawPeer.connect(small.port);
  p.send(p.headers(1, p.request(1), END_HEADERS), frame(DATA, 0, 1, Buffer.alloc(100)), frame(DATA, 0, 1, Buffer.alloc(1)));
  assert.equal(await p.rst(1), FLOW_CONTROL_ERROR);
  p.close();
  await small.close();
  await connectionError([frame(WINDOW_UPDATE, 0, 0, u32(2 ** 31 - 1))], FLOW_CONTROL_ERROR);
  await connectionError([frame(WINDOW_UPDATE, 0, 0, u32(0))], PROTOCOL_ERROR);
  const q = await peer();
  q.send(q.headers(1, q.request(1), END_HEADERS), frame(WINDOW_UPDATE, 0, 1, u32(0)));
  assert.equal(await q.rst(1), PROTOCOL_ERROR);
  q.send(q.headers(3, q.request(3), END_HEADERS), frame(WINDOW_UPDATE, 0, 3, u32(2 ** 31 - 1)));
  assert.equal(await q.rst(3), FLOW_CONTROL_ERROR);
  q.close();
});

test("6.9: a WINDOW_UPDATE on a stream before its response starts sends nothing (grpc C-core sends one right after HEADERS)", async () => {
  const p = await peer();
  p.send(p.headers(1, p.request(1, "/early"), END_HEADERS), frame(WINDOW_UPDATE, 0, 1, u32(1000)));
  await p.roundTrip(); // the server has handled the WINDOW_UPDATE, and anything it sent for it is here
  assert.equal(p.frames.filter((f) => f.streamId === 1).length, 0);
  p.send(frame(DATA, END_STREAM, 1, Buffer.from("x")));
  await p.next((f) => f.type === HEADERS && f.streamId === 1 && (f.flags & END_STREAM) !== 0);
  assert.deepEqual(p.decodedHeaders(1)[0], [":status", "200", "x-path", "/early"]);
  p.close();
});

test("6.9.2: a new SETTINGS_INITIAL_WINDOW_SIZE changes the windows of open streams", async () => {
  const p = await peer([setting(4, 0)]);
  p.send(p.headers(1, p.request(1), END_HEADERS), frame(DATA, END_STREAM, 1, Buffer.from("waiting")));
  await p.next((f) => f.type === HEADERS && f.streamId === 1);
  await p.roundTrip(); // any DATA the server sent with the HEADERS is here
  assert.equal(p.data(1).length, 0);
  p.send(frame(SETTINGS, 0, 0, setting(4, 65_535)));
  await p.next((f) => f.type === HEADERS && f.streamId === 1 && (f.flags & END_STREAM) !== 0);
  assert.equal(p.data(1).toString(), "waiting");
  p.close();
});

test("8.2, 8.3.1: malformed requests are reset with PROTOCOL_ERROR: upper-case names, connection headers, a missing :path, pseudo-headers after fields, te other than trailers", async () => {
  const p = await peer();
  const base = [":method", "POST", ":scheme", "http", ":authority", "x"];
  const bad = [
    [...base, ":path", "/", "X-Upper", "1"],
    [...base, ":path", "/", "connection", "keep-alive"],
    base,
    [":method", "POST", "x-a", "1", ":scheme", "http", ":path", "/"],
    [...base, ":path", "/", "te", "gzip"],
    [...base, ":path", "/", ":unknown", "1"],
  ];
  let id = 1;
  for (const fields of bad) {
    p.send(frame(HEADERS, END_HEADERS | END_STREAM, id, p.encoder.encode(fields)));
    assert.equal(await p.rst(id), PROTOCOL_ERROR, JSON.stringify(fields));
    id += 2;
  }
  // The connection still works.
  p.send(p.headers(id, p.request(id, "/ok")));
  await p.next((f) => f.type === HEADERS && f.streamId === id);
  p.close();
});

test("8.1.1: a body longer or shorter than its content-length, or a content-length that is not a number, is a stream PROTOCOL_ERROR", async () => {
  const p = await peer();
  p.send(p.headers(1, p.request(1, "/", ["content-length", "3"]), END_HEADERS), frame(DATA, END_STREAM, 1, Buffer.from("four")));
  assert.equal(await p.rst(1), PROTOCOL_ERROR);
  p.send(p.headers(3, p.request(3, "/", ["content-length", "5"]), END_HEADERS), frame(DATA, END_STREAM, 3, Buffer.from("four")));
  assert.equal(await p.rst(3), PROTOCOL_ERROR);
  p.send(p.headers(5, p.request(5, "/", ["content-length", "four"]), END_HEADERS));
  assert.equal(await p.rst(5), PROTOCOL_ERROR);
  p.close();
});

test("10.5.1: a header list over SETTINGS_MAX_HEADER_LIST_SIZE gets 431, and the HPACK table stays in step", async () => {
  const small = await engineServer({ maxHeaderListSize: 1024 });
  const p = await RawPeer.connect(small.port);
  p.send(p.headers(1, p.request(1, "/big", ["x-big", "b".repeat(2000)])));
  await p.next((f) => f.type === HEADERS && f.streamId === 1);
  assert.deepEqual(p.decodedHeaders(1)[0], [":status", "431"]);
  p.send(p.headers(3, p.request(3, "/after")));
  await p.next((f) => f.type === HEADERS && f.streamId === 3);
  assert.deepEqual(p.decodedHeaders(3)[0], [":status", "200", "x-path", "/after"]);
  p.close();
  await small.close();
});

test("keepalive: the server PINGs; a peer that answers stays connected, one that does not is disconnected", async () => {
  const alive = await engineServer({ keepaliveTimeMs: 50, keepaliveTimeoutMs: 100 });
  const answering = await RawPeer.connect(alive.port);
  const silent = await RawPeer.connect(alive.port);
  answering.socket.on("data", () => {
    for (const f of answering.frames.splice(0)) if (f.type === PING && !(f.flags & ACK)) answering.send(frame(PING, ACK, 0, f.payload));
  });
  await silent.next(() => false, 2000).catch(() => undefined);
  assert.equal(silent.closed, true, "the silent peer was disconnected");
  assert.equal(answering.closed, false, "the answering peer is still connected");
  answering.close();
  await alive.close();
});

test("idle timeout: a connection with no open stream for that long gets GOAWAY NO_ERROR; an open stream holds it", async () => {
  const idle = await engineServer({ idleTimeoutMs: 100 }, (stream) => stream.read(() => {}, () => {}, () => {}));
  const busy = await RawPeer.connect(idle.port);
  busy.send(busy.headers(1, busy.request(1), END_HEADERS)); // never ended: the stream stays open
  await busy.roundTrip(); // the server has the stream open before the quiet peer connects
  const quiet = await RawPeer.connect(idle.port);
  const goaway = await quiet.goaway(2000); // the first of a graceful shutdown's two (see graceful-goaway.test.ts)
  assert.deepEqual([goaway?.code, goaway?.lastStreamId], [0, 2 ** 31 - 1]);
  // Any idle timer the busy connection had was armed before the quiet one's, so it has fired by now: after a round
  // trip, its GOAWAY would be here.
  await busy.roundTrip();
  assert.equal(busy.frames.some((f) => f.type === GOAWAY), false);
  busy.close();
  quiet.close();
  await idle.close();
});

test("a zero-window peer: the handler is told to wait (write returns false) and the queued data stays near the high-water mark", async () => {
  let writes = 0;
  // Settles when the handler stops writing: told to wait (true), or done with all 10,000 writes (false).
  let stopped!: (waiting: boolean) => void;
  const pumpStopped = new Promise<boolean>((r) => (stopped = r));
  const stalled = await engineServer({}, (stream) => {
    stream.respond({ ":status": 200 });
    const pump = () => {
      while (writes < 10_000 && !stream.closed) {
        writes++;
        if (!stream.write(Buffer.alloc(1000))) {
          stopped(true);
          return stream.drained(pump);
        }
      }
      stopped(false);
      if (!stream.closed) stream.end();
    };
    pump();
  });
  const p = await RawPeer.connect(stalled.port, true, [setting(4, 0)]); // INITIAL_WINDOW_SIZE 0: no DATA may be sent
  p.send(p.headers(1, p.request(1)));
  assert.equal(await pumpStopped, true, "the handler was told to wait");
  assert.ok(writes <= 20, `${writes} writes before waiting`);
  assert.ok(stalled.streams[0]!.queuedBytes <= 20_000, `${stalled.streams[0]!.queuedBytes} bytes queued`);
  p.close();
  await stalled.close();
});

test("streams that wait for window and are then reset do not pile up in the connection's list of waiting streams", async () => {
  const waiting = await engineServer({}, (stream) => {
    stream.respond({ ":status": 200 });
    stream.end(Buffer.alloc(1000)); // INITIAL_WINDOW_SIZE 0 below: the data waits for window
  });
  const p = await RawPeer.connect(waiting.port, true, [setting(4, 0)]);
  try {
    const frames: Buffer[] = [];
    // 200 resets: within the rapid-reset budget (256 at once), far more than the list's bound below.
    for (let id = 1; id < 2 * 200; id += 2) frames.push(p.headers(id, p.request(id)), frame(RST_STREAM, 0, id, u32(8)));
    p.send(...frames, p.headers(401, p.request(401)));
    await p.next((f) => f.type === HEADERS && f.streamId === 401);
    const connection = waiting.connections[0]!;
    assert.equal(connection.streamCount, 1);
    // White-box: the list is only emptied when window comes back, which this peer never gives; it must not keep every
    // stream that ever waited.
    const list = (connection as unknown as { blocked: unknown[] }).blocked;
    assert.ok(list.length <= 2 * connection.streamCount + 16, `${list.length} streams in the waiting list`);
  } finally {
    p.close();
    await waiting.close();
  }
});

test("a peer that stops reading its socket: the server stops sending and its output stays bounded", async () => {
  let written = 0;
  let waiting = false;
  const flood = await engineServer({}, (stream) => {
    stream.respond({ ":status": 200 });
    const pump = () => {
      waiting = false;
      while (written < 200_000_000 && !stream.closed) {
        written += 65_536;
        if (!stream.write(Buffer.alloc(65_536))) return ((waiting = true), stream.drained(pump));
      }
    };
    pump();
  });
  const p = await RawPeer.connect(flood.port, true, [setting(4, 2 ** 31 - 1)]);
  p.send(frame(WINDOW_UPDATE, 0, 0, u32(2 ** 31 - 1 - 65_535)), p.headers(1, p.request(1)));
  await p.next((f) => f.type === DATA);
  p.socket.pause(); // reads nothing more
  // Stuck for good: the handler waits, and the server's socket holds more than its high-water mark, which Node buffers
  // only once the kernel takes no more (the peer's receive buffer is full, and it reads nothing). A server without
  // backpressure never gets here: it writes all 200 MB at once.
  const socket = flood.connections[0]!.socket;
  await waitUntil(() => (waiting && socket.writableLength >= socket.writableHighWaterMark) || written >= 200_000_000, "the server stopped sending");
  const connection = flood.connections[0]!;
  assert.ok(written < 20_000_000, `${written} bytes produced while the peer read nothing`);
  assert.ok(connection.socket.writableLength < 2 * 1024 * 1024, `${connection.socket.writableLength} bytes buffered for the socket`);
  p.close();
  await flood.close();
});

test("CVE-2023-44487 rapid reset: a client that opens and resets streams without end gets GOAWAY ENHANCE_YOUR_CALM", async () => {
  const p = await peer();
  const frames: Buffer[] = [];
  for (let id = 1; id < 2 * 3000; id += 2) frames.push(p.headers(id, p.request(id), END_HEADERS), frame(RST_STREAM, 0, id, u32(8)));
  p.send(...frames);
  assert.equal((await p.goaway())?.code, ENHANCE_YOUR_CALM);
  p.close();
});

test("CVE-2019-9518 and the CONTINUATION flood: endless empty frames, and a header block that never ends, get ENHANCE_YOUR_CALM", async () => {
  const p = await peer();
  p.send(p.headers(1, p.request(1), END_HEADERS), ...Array.from({ length: 500 }, () => frame(DATA, 0, 1)));
  assert.equal((await p.goaway())?.code, ENHANCE_YOUR_CALM);
  p.close();
  const q = await peer();
  q.send(frame(HEADERS, 0, 1, q.encoder.encode(q.request(1))), ...Array.from({ length: 200 }, () => frame(CONTINUATION, 0, 1, Buffer.alloc(1000, 0x40))));
  assert.equal((await q.goaway())?.code, ENHANCE_YOUR_CALM);
  q.close();
});

test("CVE-2019-9512, 9515: PING and SETTINGS floods get ENHANCE_YOUR_CALM", async () => {
  for (const flood of [frame(PING, 0, 0, Buffer.alloc(8)), frame(SETTINGS, 0, 0)]) {
    const p = await peer();
    p.send(...Array.from({ length: 20_000 }, () => flood));
    assert.equal((await p.goaway())?.code, ENHANCE_YOUR_CALM);
    p.close();
  }
});

test("fuzz: random frames after a valid handshake end in GOAWAY or carry on, never in a crash or a hang", async () => {
  let seed = 1;
  const random = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000) * n);
  for (let round = 0; round < 60; round++) {
    const p = await peer();
    const frames: Buffer[] = [];
    for (let i = 0; i < 30; i++) {
      const payload = Buffer.from(Array.from({ length: random(40) }, () => random(256)));
      frames.push(frame(random(12), random(256), random(8), payload));
    }
    p.send(...frames);
    // Each round must end one of the two ways: a GOAWAY, or an ACK to a PING sent after the frames (the connection
    // carries on). A close without GOAWAY, or silence (a hang), fails the round.
    const ping = Buffer.from(`fuzz${String(round).padStart(4, "0")}`);
    p.send(frame(PING, 0, 0, ping));
    const outcome = await p.next((f) => f.type === GOAWAY || (f.type === PING && (f.flags & ACK) !== 0 && f.payload.equals(ping)));
    assert.ok(outcome, `round ${round}: the connection closed without a GOAWAY`);
    if (outcome.type === GOAWAY) assert.ok(outcome.payload.readUInt32BE(4) <= 0xd, `round ${round}: GOAWAY with an HTTP/2 error code`);
    p.close();
  }
  // The server still answers.
  const p = await peer();
  p.send(p.headers(1, p.request(1, "/alive")));
  await p.next((f) => f.type === HEADERS && f.streamId === 1);
  p.close();
});

test("node:http2's client (nghttp2) against the engine: concurrent requests with bodies both ways larger than the windows", async () => {
  const client = connect(`http://127.0.0.1:${server.port}`);
  try {
    // Up to 1.1 MB: several times the stream window (256 KiB), so the server must give window back as it reads (and,
    // all together, under the 10 MB node's client may hold for a session).
    const bodies = Array.from({ length: 8 }, (_, i) => Buffer.alloc(50_000 + i * 150_000, i));
    const answers = await Promise.all(bodies.map((body, i) => new Promise<Buffer>((resolve, reject) => {
      const req = client.request({ ":method": "POST", ":path": `/n${i}` });
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks)));
      req.on("error", reject);
      req.end(body);
    })));
    answers.forEach((a, i) => assert.ok(a.equals(bodies[i]!), `body ${i}`));
  } finally {
    client.close();
  }
});
