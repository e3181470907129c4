import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer as createHttp2Server, type Http2Server, type ServerHttp2Stream } from "node:http2";
import { connect, createServer as createNetServer, type AddressInfo } from "node:net";
import { ClientConnection } from "../src/client-connection.js";
import type { ClientStream } from "../src/client-stream.js";
import { ErrorCode } from "../src/errors.js";
import { CLIENT_PREFACE } from "../src/frame.js";
import { FrameParser } from "../src/frame-parser.js";
import { HpackEncoder } from "../src/hpack/encoder.js";
import { engineServer, frame } from "./raw-peer.js";

// The client end of tsgrpc's HTTP/2 engine against node:http2's server (nghttp2) and against the engine's own server.
const nodeServer: Http2Server = createHttp2Server({ settings: { maxConcurrentStreams: 50 } });
nodeServer.on("stream", (stream: ServerHttp2Stream, headers) => {
  stream.on("error", () => {});
  const path = String(headers[":path"]);
  if (path === "/reset") return stream.close(ErrorCode.INTERNAL_ERROR);
  if (path === "/continue") stream.additionalHeaders({ ":status": 100 });
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  stream.on("end", () => {
    if (stream.destroyed || stream.closed) return; // the client went away
    stream.respond({ ":status": 200, "x-path": path }, { waitForTrailers: true });
    stream.on("wantTrailers", () => stream.sendTrailers({ "x-length": String(Buffer.concat(chunks).length) }));
    stream.end(Buffer.concat(chunks));
  });
});
await new Promise<void>((r) => nodeServer.listen(0, "127.0.0.1", r));
const nodePort = (nodeServer.address() as AddressInfo).port;
const ours = await engineServer();
after(async () => {
  nodeServer.close();
  await ours.close();
});

async function open(port: number): Promise<ClientConnection> {
  const socket = connect(port, "127.0.0.1");
  await new Promise((r) => socket.once("connect", r));
  return new ClientConnection(socket);
}

interface Answer {
  headers: Record<string, unknown>;
  body: Buffer;
  trailers: Record<string, unknown> | undefined;
  code: number;
}

function exchange(connection: ClientConnection, path: string, body?: Buffer): Promise<Answer> {
  const stream: ClientStream = connection.request({ ":method": "POST", ":scheme": "http", ":authority": "localhost", ":path": path }, body === undefined);
  if (body) stream.end(body);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    stream.read((c) => chunks.push(Buffer.from(c)), () => {}, (code) => resolve({ headers: stream.response ?? {}, body: Buffer.concat(chunks), trailers: stream.responseTrailers, code }));
  });
}

for (const [name, port] of [["node:http2's server", () => nodePort], ["the engine's server", () => ours.port]] as const) {
  test(`client -> ${name}: concurrent requests with bodies larger than the windows both ways, headers and trailers`, async () => {
    const connection = await open(port());
    try {
      const bodies = Array.from({ length: 10 }, (_, i) => Buffer.alloc(10_000 + i * 150_000, i));
      const answers = await Promise.all(bodies.map((b, i) => exchange(connection, `/n${i}`, b)));
      answers.forEach((a, i) => {
        assert.equal(a.headers[":status"], "200");
        assert.equal(a.headers["x-path"], `/n${i}`);
        assert.ok(a.body.equals(bodies[i]!), `body ${i}`);
        assert.equal(a.code, ErrorCode.NO_ERROR);
      });
      if (name.startsWith("node")) assert.equal(answers[3]!.trailers?.["x-length"], String(bodies[3]!.length));
      else assert.equal(answers[3]!.trailers?.["x-done"], "1");
    } finally {
      connection.destroy();
    }
  });
}

test("client -> node:http2: a 100 Continue is skipped; a reset stream closes with the server's code", async () => {
  const connection = await open(nodePort);
  try {
    const answer = await exchange(connection, "/continue", Buffer.from("x"));
    assert.equal(answer.headers[":status"], "200");
    assert.equal((await exchange(connection, "/reset")).code, ErrorCode.INTERNAL_ERROR);
  } finally {
    connection.destroy();
  }
});

test("client: at the server's SETTINGS_MAX_CONCURRENT_STREAMS a request waits for a stream to close; the last stream id is respected", async () => {
  const connection = await open(nodePort);
  try {
    await exchange(connection, "/warm", Buffer.from("x")); // the server's SETTINGS (50 streams) have arrived
    const held = Array.from({ length: 50 }, () => connection.request({ ":method": "POST", ":scheme": "http", ":authority": "x", ":path": "/hold" }));
    assert.equal(connection.canRequest, true, "a request may still be made: it waits");
    // nghttp2 would refuse a 51st stream: this one waits, its body written meanwhile, and is answered once a slot frees.
    const late = exchange(connection, "/late", Buffer.from("written while waiting"));
    const dropped = connection.request({ ":method": "GET", ":scheme": "http", ":authority": "x", ":path": "/dropped" });
    let droppedCode: number | undefined;
    dropped.read(() => {}, () => {}, (code) => (droppedCode = code));
    dropped.reset(); // leaves the queue without a trace on the wire
    assert.equal(droppedCode, ErrorCode.CANCEL);
    assert.equal(dropped.id, 0, "a dropped waiting request never got a stream id");
    held[0]!.reset();
    const answer = await late;
    assert.equal(answer.code, ErrorCode.NO_ERROR);
    assert.equal(answer.body.toString(), "written while waiting");
    for (const s of held) s.reset();
    (connection as unknown as { nextStreamId: number }).nextStreamId = 2 ** 31 - 1;
    connection.request({ ":method": "GET", ":scheme": "http", ":authority": "x", ":path": "/" }, true);
    assert.throws(() => connection.request({ ":method": "GET", ":scheme": "http", ":authority": "x", ":path": "/" }), /every stream id/);
  } finally {
    connection.destroy();
  }
});

test("client: before the server's SETTINGS arrive at most 100 streams open; waiting requests are refused when the connection goes", async () => {
  const connection = await open(nodePort);
  const requests = Array.from({ length: 150 }, () => connection.request({ ":method": "POST", ":scheme": "http", ":authority": "x", ":path": "/hold" }));
  const codes = new Map<ClientStream, number>();
  for (const r of requests) r.read(() => {}, () => {}, (code) => codes.set(r, code));
  const waiting = requests.filter((r) => r.id === 0);
  assert.equal(waiting.length, 50, "100 started at once, 50 wait for the server's SETTINGS");
  connection.destroy();
  const until = Date.now() + 5_000;
  while (codes.size < 150 && Date.now() < until) await new Promise((r) => setImmediate(r));
  assert.equal(codes.size, 150, "every request closed");
  for (const r of waiting) assert.equal(codes.get(r), ErrorCode.REFUSED_STREAM, "a waiting request never left the client: refused");
});

test("client: the server's GOAWAY refuses the streams above its last stream id, and no new request starts", async () => {
  // A raw server that reads both requests, then sends a final GOAWAY naming only the first and answers it.
  const encoder = new HpackEncoder();
  const raw = createNetServer((socket) => {
    const parser = new FrameParser(1 << 24);
    let preface = CLIENT_PREFACE.length;
    socket.on("data", (chunk: Buffer) => {
      const skip = Math.min(preface, chunk.length);
      preface -= skip;
      parser.push(chunk.subarray(skip), (type, _flags, streamId) => {
        if (type !== 1 || streamId !== 3) return;
        socket.write(Buffer.concat([frame(4, 0, 0), frame(4, 1, 0), frame(7, 0, 0, Buffer.from([0, 0, 0, 1, 0, 0, 0, 0])), frame(1, 0x4 | 0x1, 1, encoder.encode([":status", "200"]))]));
      });
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((r) => raw.listen(0, "127.0.0.1", r));
  const connection = await open((raw.address() as AddressInfo).port);
  try {
    const first = exchange(connection, "/1", Buffer.from("a"));
    const second = exchange(connection, "/3", Buffer.from("b")); // stream 3, sent before the GOAWAY arrives
    assert.equal((await second).code, ErrorCode.REFUSED_STREAM);
    assert.equal((await first).code, ErrorCode.NO_ERROR);
    assert.throws(() => connection.request({ ":method": "GET", ":scheme": "http", ":authority": "x", ":path": "/" }), /closing/);
  } finally {
    connection.destroy();
    raw.close();
  }
});

test("client: a response without :status, or with a request pseudo-header, is reset with PROTOCOL_ERROR", async () => {
  const encoder = new HpackEncoder();
  const raw = createNetServer((socket) => {
    socket.once("data", () => {
      socket.write(Buffer.concat([frame(4, 0, 0), frame(4, 1, 0), frame(1, 0x4 | 0x1, 1, encoder.encode(["x-no-status", "1"])), frame(1, 0x4 | 0x1, 3, encoder.encode([":status", "200", ":path", "/"]))]));
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((r) => raw.listen(0, "127.0.0.1", r));
  const connection = await open((raw.address() as AddressInfo).port);
  try {
    const codes = await Promise.all([exchange(connection, "/a"), exchange(connection, "/b")].map((p) => p.then((a) => a.code)));
    assert.deepEqual(codes, [ErrorCode.PROTOCOL_ERROR, ErrorCode.PROTOCOL_ERROR]);
  } finally {
    connection.destroy();
    raw.close();
  }
});
