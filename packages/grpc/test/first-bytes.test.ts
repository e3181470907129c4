import { test, after } from "node:test";
import assert from "node:assert/strict";
import { connect as connectTcp, type Socket } from "node:net";
import { protocolOf } from "../src/server/first-bytes.js";
import { createServer } from "../src/index.js";

// A plaintext port speaks HTTP/2 (prior knowledge) and HTTP/1.1: the first bytes decide which. An HTTP/1.x request line
// goes to HTTP/1.1; anything else is an invalid HTTP/2 preface and gets the RFC 9113 3.4 answer (GOAWAY
// PROTOCOL_ERROR), not an HTTP/1.1 "400" the peer cannot parse as frames.

const b = (s: string) => Buffer.from(s, "latin1");

test("the first bytes name the protocol, or wait until they can", () => {
  const cases: [string, ReturnType<typeof protocolOf>][] = [
    ["PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "http2"],
    ["PRI ", "http2"],
    ["PR", undefined],
    ["", undefined],
    ["GET / HTTP/1.1\r\n", "http1"],
    ["POST /userservice.UserService/GetUser HTTP/1.1\r\nHost: x\r\n", "http1"],
    ["OPTIONS * HTTP/1.0\n", "http1"],
    ["\r\n\r\nGET /x HTTP/1.1\r\n", "http1"],
    ["GET / HTTP/1.1", undefined],
    ["POST /x HTTP/1.1\r", undefined], // cut between the request line's CR and LF
    ["POST /x HTTP/1.1\r\r", "http2"],
    ["GET /some/long/path?and=query", undefined],
    ["GE", undefined],
    ["INVALID CONNECTION PREFACE\r\n\r\n", "http2"],
    ["GET / HTTP/2.0\r\n", "http2"],
    ["GET /\r\n", "http2"],
    ["G\x00T", "http2"],
    ["\x00\x00\x12\x04\x00\x00\x00\x00\x00", "http2"],
    ["GET  / HTTP/1.1\r\n", "http2"],
    ["A".repeat(40), "http2"],
    ["GET /" + "a".repeat(9000), "http1"],
  ];
  for (const [bytes, expected] of cases) assert.equal(protocolOf(b(bytes)), expected, JSON.stringify(bytes));
});

const servers = await Promise.all((["tsgrpc", "node"] as const).map(async (engine) => {
  const server = createServer({ http2Engine: engine });
  return { engine, server, port: await server.listen("127.0.0.1:0") };
}));
after(() => Promise.all(servers.map(({ server }) => server.shutdown(100))));

/** Sends `bytes` and collects everything the server answers until it closes the connection. */
function exchange(port: number, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connectTcp(port, "127.0.0.1", () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on("data", (c) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks)));
    socket.setTimeout(5000, () => reject(new Error("the server neither answered nor closed")));
  });
}

/** The error code of the first GOAWAY frame in `bytes`, or undefined. */
function goawayCode(bytes: Buffer): number | undefined {
  for (let at = 0; at + 9 <= bytes.length; at += 9 + bytes.readUIntBE(at, 3)) {
    if (bytes[at + 3] === 0x7) return bytes.readUInt32BE(at + 9 + 4);
  }
  return undefined;
}

// node:http2 (nghttp2) answers a bad preface with GOAWAY INTERNAL_ERROR; the engine with the RFC's PROTOCOL_ERROR.
const PREFACE_ERROR = { tsgrpc: 0x1, node: 0x2 };

for (const { engine, port } of servers) {
  test(`an invalid connection preface gets a GOAWAY and the connection closed (${engine} engine)`, async () => {
    const answer = await exchange(port, b("INVALID CONNECTION PREFACE\r\n\r\n"));
    assert.equal(goawayCode(answer), PREFACE_ERROR[engine], `answer: ${JSON.stringify(answer.toString("latin1"))}`);
  });

  test(`binary noise gets a GOAWAY too (${engine} engine)`, async () => {
    const answer = await exchange(port, Buffer.from([0, 0, 4, 8, 0, 0, 0, 0, 0, 0, 0, 0, 1]));
    assert.equal(goawayCode(answer), PREFACE_ERROR[engine]);
  });

  test(`an HTTP/1.1 request on the same port still gets an HTTP/1.1 answer (${engine} engine)`, async () => {
    const answer = await exchange(port, b("GET /nothing-here HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
    assert.match(answer.toString("latin1"), /^HTTP\/1\.1 \d{3} /);
  });
}
