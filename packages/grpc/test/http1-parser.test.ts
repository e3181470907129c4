import { test } from "node:test";
import assert from "node:assert/strict";
import { bodyDecoder } from "../src/server/http1/body-decoder.js";
import { Http1Error } from "../src/server/http1/http1-error.js";
import { parseRequestHead, type RequestHead } from "../src/server/http1/request-head.js";

// tsgrpc's HTTP/1.1 request parser against RFC 9112's rules: what it takes, and the status of what it refuses.
// (The whole engine is tested over sockets, beside node:http, in http1-wire.test.ts.)

const b = (s: string) => Buffer.from(s, "latin1");
const MAX = 16 * 1024;

function head(text: string): RequestHead {
  const parsed = parseRequestHead(b(text), 0, MAX);
  assert.ok(parsed, `incomplete: ${JSON.stringify(text)}`);
  return parsed.head;
}

function refusal(text: string, max = MAX): number | "incomplete" {
  try {
    return parseRequestHead(b(text), 0, max) === undefined ? "incomplete" : assert.fail(`accepted: ${JSON.stringify(text)}`);
  } catch (e) {
    if (e instanceof Http1Error) return e.status;
    throw e;
  }
}

test("a request head: line, fields, framing and connection", () => {
  const h = head("POST /pkg.Svc/Method?x=1 HTTP/1.1\r\nHost: a\r\nContent-Type:  application/json \t\r\nContent-Length: 12\r\nX-Many: 1\r\nx-many: 2\r\nCookie: a=1\r\nCookie: b=2\r\nSet-Cookie: s=1\r\nSet-Cookie: s=2\r\nUser-Agent: one\r\nUser-Agent: two\r\n\r\n");
  assert.equal(h.method, "POST");
  assert.equal(h.target, "/pkg.Svc/Method?x=1");
  assert.equal(h.version, "1.1");
  assert.deepEqual({ ...h.headers }, {
    host: "a", "content-type": "application/json", "content-length": "12", "x-many": "1, 2", cookie: "a=1; b=2", "set-cookie": ["s=1", "s=2"], "user-agent": "one",
  });
  assert.deepEqual(h.framing, { kind: "length", length: 12 });
  assert.equal(h.close, false);
  assert.equal(h.expectsContinue, false);
});

test("HTTP/1.0, keep-alive and close, absolute-form targets, empty lines first, chunked, 100-continue", () => {
  assert.equal(head("GET / HTTP/1.0\r\n\r\n").close, true);
  assert.equal(head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").close, false);
  assert.equal(head("GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade, close\r\n\r\n").close, true);
  assert.equal(head("GET / HTTP/1.2\r\nHost: a\r\n\r\n").version, "1.1");
  assert.equal(head("GET http://example.com:8080/v1/users/1?q=2 HTTP/1.1\r\nHost: a\r\n\r\n").target, "/v1/users/1?q=2");
  assert.equal(head("GET http://example.com HTTP/1.1\r\nHost: a\r\n\r\n").target, "/");
  assert.equal(head("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n").target, "*");
  assert.equal(head("\r\n\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n").target, "/x");
  assert.deepEqual(head("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n").framing, { kind: "chunked" });
  assert.deepEqual(head("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n").framing, { kind: "none" });
  assert.equal(head("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n").expectsContinue, true);
  assert.equal(head("POST / HTTP/1.1\r\nHost: a\r\nExpect: something-else\r\n\r\n").unmetExpectation, true);
  const parsed = parseRequestHead(b("XXGET / HTTP/1.1\r\nHost: a\r\n\r\nbody"), 2, MAX)!;
  assert.equal(parsed.bodyStart, 29);
  const weird = head("GET / HTTP/1.1\r\nHost: a\r\n__proto__: x\r\nconstructor: y\r\ntoString: z\r\ntostring: w\r\n\r\n");
  assert.deepEqual(Object.entries(weird.headers), [["host", "a"], ["__proto__", "x"], ["constructor", "y"], ["tostring", "z, w"]]);
  assert.equal(Object.getPrototypeOf(weird.headers), Object.prototype);
});

test("malformed heads get the status RFC 9112 asks for", () => {
  const cases: [string, number | "incomplete"][] = [
    ["GET / HTTP/1.1\r\nHost: a\r\n", "incomplete"],
    ["GET / HTTP/1.1\r\n", "incomplete"],
    ["GET / HTTP/1.1\nHost: a\n\n", 400], // bare LF: refused at once, not left to the header timeout
    ["GET / HTTP/1.1\r\nHost: a\n\r\n", 400],
    ["GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400],
    ["GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n", 400],
    ["GET / HTTP/1.1\r\nHost: a\r\nX: a\x7f\r\n\r\n", 400],
    ["GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400], // whitespace before the colon (RFC 9112 5.1)
    ["GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n  folded\r\n\r\n", 400], // obs-fold
    ["GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", 400],
    ["GET / HTTP/1.1\r\nHost: a\r\n: empty name\r\n\r\n", 400],
    ["GET / HTTP/1.1\r\nHo(st: a\r\n\r\n", 400],
    ["GET / HTTP/1.1\r\n\r\n", 400], // no Host
    ["GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400],
    ["GET / HTTP/1.1 extra\r\nHost: a\r\n\r\n", 400],
    ["GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400],
    ["GET /\r\nHost: a\r\n\r\n", 400],
    ["GET /é HTTP/1.1\r\nHost: a\r\n\r\n", 400],
    ["G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400],
    ["GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505],
    ["GET / HTTP/0.9\r\nHost: a\r\n\r\n", 505],
    ["GET / http/1.1\r\nHost: a\r\n\r\n", 400],
    ["OPTIONS !/ HTTP/1.1\r\nHost: a\r\n\r\n", 400], // neither a path, an absolute URI nor * (found by fuzzing)
    ["CONNECT example.com:443 HTTP/1.1\r\nHost: a\r\n\r\n", 400],
    ["POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400],
    ["POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", 400],
    ["POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400],
    ["POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n", 400],
    ["POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400],
    ["POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1e3\r\n\r\n", 400],
    ["POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", 400],
    ["POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501],
    ["POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400],
    ["POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n", 400],
    ["POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400], // chunked twice
    ["POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400],
    ["get / HTTP/1.1\r\nHost: a\r\n\r\n", 501], // methods are case-sensitive: an unknown one
    ["FOO / HTTP/1.1\r\nHost: a\r\n\r\n", 501],
  ];
  for (const [text, expected] of cases) assert.equal(refusal(text), expected, JSON.stringify(text));
  assert.equal(refusal(`GET /${"a".repeat(100)} HTTP/1.1\r\nHost: a\r\n\r\n`, 64), 431);
  assert.equal(refusal(`GET /${"a".repeat(100)}`, 64), 431); // too large before it is even complete
  assert.equal(refusal(`GET / HTTP/1.1\r\nHost: a\r\nX: ${"v".repeat(16 * 1024)}\r\n\r\n`), 431);
});

/** The body a decoder with this framing takes from `input`, which arrives `piece` bytes at a time. */
function decode(framing: Parameters<typeof bodyDecoder>[0], input: string, piece = Infinity): { body: string; took: number; done: boolean } {
  const decoder = bodyDecoder(framing);
  const bytes = b(input);
  let body = "";
  let arrived = 0;
  let took = 0;
  while (arrived < bytes.length && !decoder.done) {
    arrived = Math.min(bytes.length, arrived + piece);
    took += decoder.push(bytes.subarray(0, arrived), took, (chunk) => (body += chunk.toString("latin1")));
  }
  return { body, took, done: decoder.done };
}

test("bodies by Content-Length and chunked, whole or a byte at a time", () => {
  for (const piece of [Infinity, 1, 3]) {
    assert.deepEqual(decode({ kind: "length", length: 5 }, "hello, and the next request", piece), { body: "hello", took: 5, done: true });
    const chunked = "5\r\nhello\r\n7;name=value;q=\"a b\"\r\n, world\r\nA \r\n0123456789\r\n0\r\nTrailer-One: x\r\nTrailer-Two: y\r\n\r\nGET /next";
    assert.deepEqual(decode({ kind: "chunked" }, chunked, piece), { body: "hello, world0123456789", took: chunked.length - "GET /next".length, done: true });
    assert.deepEqual(decode({ kind: "chunked" }, "0\r\n\r\n", piece), { body: "", took: 5, done: true });
    assert.deepEqual(decode({ kind: "chunked" }, "5\r\nhel", piece), { body: "hel", took: 6, done: false });
  }
  assert.deepEqual(decode({ kind: "none" }, "GET / HTTP/1.1"), { body: "", took: 0, done: true });
});

test("malformed chunked bodies are 400 (431 for trailers past the limit)", () => {
  const bad: [string, number][] = [
    ["zz\r\nhello\r\n0\r\n\r\n", 400],
    ["ffffffffffffffffff\r\n", 400], // a size past 2^52
    ["-5\r\nhello\r\n", 400],
    ["5\nhello\r\n0\r\n\r\n", 400], // bare LF
    ["5\r\nhello!\r\n0\r\n\r\n", 400], // data longer than its size
    ["5\r\nhelloXX0\r\n\r\n", 400],
    ["5 5\r\nhello\r\n", 400],
    ["5;\r\nhello\r\n", 400],
    ["0\r\nBad Trailer\r\n\r\n", 400],
    [`${"0".repeat(5000)}5\r\n`, 400],
    [`0\r\n${"X: y\r\n".repeat(3000)}\r\n`, 431],
  ];
  for (const [input, status] of bad) {
    assert.throws(() => decode({ kind: "chunked" }, input), (e) => e instanceof Http1Error && e.status === status, JSON.stringify(input.slice(0, 40)));
  }
});
