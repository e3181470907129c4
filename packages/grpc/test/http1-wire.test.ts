import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { createServer, type Server, type ServerInterceptor, type ServerOptions } from "../src/index.js";
import { encodeEnvelope } from "../src/protocol/envelope.js";
import { UserService, userServiceImpl } from "./user-service-fixture.js";
import { chunked, RawHttp1, rawRequest, type RawResponse } from "./support/raw-http1.js";

// HTTP/1.1 on the wire: how a tsgrpc server must answer over raw TCP (RFC 9112 message syntax, RFC 9110 semantics),
// whichever engine parses HTTP/1.1. Each test runs per engine (the server option `http1Engine`). Every expectation
// here holds for node:http today; where node:http is lenient or odd, the test asserts the part of the RFC's answer
// that node gives (the safe subset) and says in a comment what the RFC asks and what node does.
//
// A connection's first bytes decide between HTTP/2 and HTTP/1.1 (server/first-bytes.ts): a malformed request line as
// the first bytes goes to HTTP/2 (first-bytes.test.ts), so the request-line cases below come after a good request on
// a connection that is already HTTP/1.1.

const ENGINES = ["tsgrpc", "node"] as const;
type Engine = (typeof ENGINES)[number];

const REST_RULES = [
  { selector: "userservice.UserService.GetUser", get: "/v1/users/{id}" },
  { selector: "userservice.UserService.CreateUser", post: "/v1/users", body: "*" },
  { selector: "userservice.UserService.WatchUsers", get: "/v1/users:watch" },
];
const ORIGIN = "https://app.example";

interface Running {
  server: Server;
  port: number;
  /** A raw connection, closed by `close()`. */
  open(): Promise<RawHttp1>;
  close(): Promise<void>;
}

async function start(engine: Engine, options: ServerOptions = {}): Promise<Running> {
  const server = createServer({ logError: () => {}, rest: { rules: REST_RULES }, cors: { allowedOrigins: [ORIGIN] }, ...options, http1Engine: engine } as ServerOptions).add(UserService, userServiceImpl());
  const port = await server.listen("127.0.0.1:0");
  const opened: RawHttp1[] = [];
  return {
    server,
    port,
    async open() {
      const c = await RawHttp1.open(port);
      opened.push(c);
      return c;
    },
    async close() {
      for (const c of opened) c.close();
      await server.shutdown(100);
    },
  };
}

/** Runs `body` with a fresh server, and closes both whatever happens. */
async function withServer(engine: Engine, options: ServerOptions, body: (s: Running) => Promise<void>): Promise<void> {
  const s = await start(engine, options);
  try {
    await body(s);
  } finally {
    await s.close();
  }
}

const GetUserRequest = UserService.methods["getUser"]!.input;
const GetUserResponse = UserService.methods["getUser"]!.output;
const WatchUsersRequest = UserService.methods["watchUsers"]!.input;
const User = UserService.methods["watchUsers"]!.output;

const restGet = (id: number | string, headers: Record<string, string> = {}) => rawRequest("GET", `/v1/users/${id}`, headers);
const connectPost = (method: string, json: unknown, headers: Record<string, string> = {}) =>
  rawRequest("POST", `/userservice.UserService/${method}`, { "Content-Type": "application/json", ...headers }, JSON.stringify(json));
const grpcWebPost = (method: string, message: Uint8Array) => rawRequest("POST", `/userservice.UserService/${method}`, { "Content-Type": "application/grpc-web+proto" }, Buffer.from(encodeEnvelope(message)));

function json(res: RawResponse): any {
  return JSON.parse(res.body.toString("utf8"));
}

/** A 200 whose JSON body is user 1, "ada" (REST GetUser and Connect GetUser answer alike). */
function assertAda(res: RawResponse, what = "the response"): void {
  assert.equal(res.status, 200, `${what}: ${res.status} ${res.body.toString("latin1")}`);
  assert.match(res.header("content-type") ?? "", /^application\/json/, what);
  assert.equal(json(res).user.username, "ada", what);
}

/** The frames of a gRPC-Web body: messages (flag 0) and the trailer frame (flag 0x80) as text. */
function grpcWebFrames(body: Buffer): { messages: Buffer[]; trailers: string | undefined } {
  const messages: Buffer[] = [];
  let trailers: string | undefined;
  for (let at = 0; at < body.length; ) {
    assert.ok(at + 5 <= body.length, "a whole frame header");
    const flag = body[at]!;
    const length = body.readUInt32BE(at + 1);
    const data = body.subarray(at + 5, at + 5 + length);
    assert.equal(data.length, length, "a whole frame");
    if (flag & 0x80) trailers = data.toString("latin1");
    else messages.push(data);
    at += 5 + length;
  }
  return { messages, trailers };
}

function assertGrpcWebAda(res: RawResponse): void {
  assert.equal(res.status, 200);
  assert.equal(res.header("content-type"), "application/grpc-web+proto");
  const { messages, trailers } = grpcWebFrames(res.body);
  assert.equal(messages.length, 1);
  assert.equal((GetUserResponse.decode(messages[0]!) as any).user.username, "ada");
  assert.match(trailers ?? "", /^grpc-status: 0\r\n/m);
}

/** Polls `condition` every 10 ms for up to `ms` (a wait for the server to notice something, never a sleep for correctness). */
async function waitFor(condition: () => boolean, what: string, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The server still serves: a fresh connection gets user 1. */
async function stillServing(s: Running): Promise<void> {
  const c = await s.open();
  await c.write(restGet(1));
  assertAda(await c.read(), "a fresh connection after the bad input");
  c.close();
}

/** RFC 9110 5.6.7: an IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT". */
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * A client that sends half a header block and stops (slowloris) must be closed after the server's header timeout.
 * Per engine: the server options that make that timeout short, and how long the close may take; or why not tested.
 * An engine without an entry fails the test, so that adding one to ENGINES forces the decision.
 */
const HEADER_TIMEOUT: Partial<Record<string, { options: Record<string, unknown>; closesWithinMs: number } | { skip: string }>> = {
  // node:http has headersTimeout 60 s and requestTimeout 300 s by default (Node 20), but it enforces both only from
  // a timer (connectionsCheckingInterval, 30 s) that http.Server starts when it listens. tsgrpc's node:http server
  // never listens (the listener hands it connections with emit("connection")), so neither timeout ever fires, and a
  // connection with a half-sent header block stays open until the client goes (seen: still open after 100 s).
  // ServerOptions has no option to change that, so nothing short can be asserted here.
  tsgrpc: { options: { http1Timeouts: { headersMs: 300 } }, closesWithinMs: 5_000 },
  node: { skip: "node:http's headersTimeout is never enforced on connections tsgrpc hands it (its checking timer starts only in listen()); a half header block stays open indefinitely" },
};

for (const engine of ENGINES) {
  const on = `(http1Engine ${engine})`;

  // ---- 1. Keep-alive and connection close ----

  test(`keep-alive: REST GET, Connect POST and gRPC-Web POST one after another on one connection, each answered fully and in order ${on}`, { timeout: 20_000 }, async () => {
    await withServer(engine, {}, async (s) => {
      const c = await s.open();
      for (let round = 0; round < 3; round++) {
        await c.write(restGet(1));
        const rest = await c.read();
        assertAda(rest, `REST GET, round ${round}`);
        // RFC 9112 9.3: HTTP/1.1 persists by default. node:http says "Connection: keep-alive" (and "Keep-Alive:
        // timeout=5"); the RFC needs neither, only no "close".
        assert.notEqual(rest.header("connection")?.toLowerCase(), "close");
        assert.equal(rest.version, "HTTP/1.1");

        await c.write(connectPost("GetUser", { id: 1 }));
        assertAda(await c.read(), `Connect POST, round ${round}`);

        await c.write(grpcWebPost("GetUser", GetUserRequest.encode({ id: 1 })));
        assertGrpcWebAda(await c.read());
      }
      assert.equal(c.closed, false, "the connection is still open");
      assert.equal(c.unread.length, 0, "nothing beyond the nine responses");
    });
  });

  test(`HTTP/1.0 without keep-alive and HTTP/1.1 "Connection: close": the connection is closed after the response ${on}`, { timeout: 20_000 }, async () => {
    await withServer(engine, {}, async (s) => {
      const old = await s.open();
      await old.write(restGet(1).toString("latin1").replace("HTTP/1.1", "HTTP/1.0"));
      const r10 = await old.read();
      assertAda(r10, "HTTP/1.0");
      // RFC 9110 2.5: a server sends its own version (node: HTTP/1.1) in answer to 1.0. RFC 9112 9.6: "close" SHOULD
      // be said in the last response (node does).
      assert.match(r10.version, /^HTTP\/1\.[01]$/);
      assert.equal(r10.header("connection")?.toLowerCase(), "close");
      assert.equal((await old.closedByServer()).length, 0, "nothing after the response");

      const close = await s.open();
      await close.write(restGet(1, { Connection: "close" }));
      const rc = await close.read();
      assertAda(rc, "Connection: close");
      assert.equal(rc.header("connection")?.toLowerCase(), "close");
      assert.equal((await close.closedByServer()).length, 0);

      // HTTP/1.0 with "Connection: keep-alive" persists, and the response must say keep-alive (RFC 9112 C.2.2;
      // node does).
      const kept = await s.open();
      await kept.write(restGet(1, { Connection: "keep-alive" }).toString("latin1").replace("HTTP/1.1", "HTTP/1.0"));
      const rk = await kept.read();
      assertAda(rk, "HTTP/1.0 keep-alive");
      assert.equal(rk.header("connection")?.toLowerCase(), "keep-alive");
      await kept.write(restGet(1));
      assertAda(await kept.read(), "the next request on the HTTP/1.0 keep-alive connection");
    });
  });

  test(`a request pipelined after "Connection: close" is not served, and the connection closes ${on}`, { timeout: 20_000 }, async () => {
    await withServer(engine, {}, async (s) => {
      for (const first of [restGet(1, { Connection: "close" }), Buffer.from(restGet(1).toString("latin1").replace("HTTP/1.1", "HTTP/1.0"))]) {
        const c = await s.open();
        await c.write(Buffer.concat([first, restGet(1)]));
        const answers: RawResponse[] = [];
        while (!c.closed || c.unread.length > 0) {
          try {
            answers.push(await c.read());
          } catch (e) {
            if (c.closed && c.unread.length === 0) break;
            throw e;
          }
        }
        // RFC 9112 9.6: the server answers the request that said close, then processes nothing more. node:http does
        // not process the second request, but when the first one's answer is asynchronous (a call) its parser meets
        // the second request first and node answers "400 Bad Request" instead of the first request's response.
        // Safe subset: one response (the first request's, or node's 400), and the connection closes.
        assert.equal(answers.length, 1, `responses: ${answers.map((a) => a.status).join(", ")}`);
        if (answers[0]!.status !== 400) assertAda(answers[0]!, "the first request's response");
        assert.equal(c.closed, true);
      }
    });
  });

  test(`an idle keep-alive connection is closed after the Keep-Alive timeout the server announced ${on}`, { timeout: 30_000 }, async () => {
    await withServer(engine, {}, async (s) => {
      const c = await s.open();
      await c.write(restGet(1));
      const r = await c.read();
      assertAda(r);
      const announced = /timeout=(\d+)/.exec(r.header("keep-alive") ?? "");
      // Without a Keep-Alive header the server promises nothing (RFC 9112 9.5 lets it close an idle connection
      // whenever it likes), and nothing is asserted. With one, it keeps the connection at least that long (closing
      // sooner races the client's next request) and closes it then, sending nothing.
      if (!announced) return;
      // node: keepAliveTimeout 5 s, its socket timer set 1 s later (closed after about 6 s).
      const started = Date.now();
      const rest = await c.closedByServer((Number(announced[1]) + 5) * 1000);
      assert.equal(rest.length, 0, "a clean close, nothing sent");
      assert.ok(Date.now() - started >= Number(announced[1]) * 1000 - 500, "not closed before the announced timeout");
    });
  });

  // ---- 2. Pipelining ----

  test(`pipelining: a REST GET, a Connect POST with a body and a 404 in ONE write get three responses in order, bodies intact ${on}`, { timeout: 20_000 }, async () => {
    await withServer(engine, {}, async (s) => {
      const c = await s.open();
      await c.write(Buffer.concat([restGet(1), connectPost("CreateUser", { username: "piped", email: "p@example.com" }), rawRequest("GET", "/nowhere")]));
      assertAda(await c.read(), "first: the REST GET");
      const created = await c.read();
      assert.equal(created.status, 200, "second: the Connect POST");
      assert.deepEqual([json(created).user.username, json(created).user.email], ["piped", "p@example.com"]);
      const missing = await c.read();
      assert.equal(missing.status, 404, "third: the unknown path");
      assert.equal(c.unread.length, 0);
      // The connection goes on.
      await c.write(restGet(2));
      const again = await c.read();
      assert.equal(again.status, 200);
      assert.equal(json(again).user.username, "piped");
    });
  });

  test(`pipelining: fifty requests of mixed outcome in one write are answered in order ${on}`, { timeout: 20_000 }, async () => {
    await withServer(engine, {}, async (s) => {
      const c = await s.open();
      const kinds = Array.from({ length: 50 }, (_, i) => i % 5);
      await c.write(Buffer.concat(kinds.map((k) =>
        k === 0 ? restGet(1) : k === 1 ? restGet(7) : k === 2 ? connectPost("GetUser", { id: 1 }) : k === 3 ? rawRequest("POST", "/nowhere", { "Content-Type": "application/json" }, "{}") : rawRequest("GET", "/v1/users:watch?roleFilter=x"))));
      for (const [i, k] of kinds.entries()) {
        const r = await c.read();
        const what = `response ${i} (kind ${k})`;
        if (k === 0 || k === 2) assertAda(r, what);
        else if (k === 1) assert.deepEqual([r.status, json(r).code], [404, 5], what); // REST NOT_FOUND: google.rpc.Status JSON
        else if (k === 3) assert.equal(r.status, 404, what);
        else assert.equal(r.body.toString("utf8").trim().split("\n").length, 5, what);
      }
      assert.equal(c.unread.length, 0);
    });
  });

  // ---- 3. Request bodies ----

  test(`a request written one byte per write (head and Content-Length body) is read whole ${on}`, { timeout: 20_000 }, async () => {
    await withServer(engine, {}, async (s) => {
      const c = await s.open();
      const request = connectPost("CreateUser", { username: "dribble", email: "d@example.com" });
      // The request line whole first (the next test cuts it too).
      const lineEnd = request.indexOf("\r\n") + 2;
      await c.write(request.subarray(0, lineEnd));
      await c.dribble(request.subarray(lineEnd));
      const r = await c.read();
      assert.equal(r.status, 200);
      assert.equal(json(r).user.username, "dribble");
      // The next one on the same connection, from its first byte.
      await c.dribble(connectPost("CreateUser", { username: "dribble2", email: "d2@example.com" }));
      assert.equal(json(await c.read()).user.username, "dribble2");
    });
  });

  // The listener's first-bytes sniffing once sent bytes that end in the request line's CR ("POST /x HTTP/1.1\r") to
  // HTTP/2, which answered GOAWAY: any TCP segment boundary there did it.
  test(`a connection's first request written one byte per write is served ${on}`, { timeout: 20_000 }, async () => {
    await withServer(engine, {}, async (s) => {
      const c = await s.open();
      await c.dribble(connectPost("CreateUser", { username: "dribble", email: "d@example.com" }));
      assert.equal(json(await c.read()).user.username, "dribble");
    });
  });

  test(`a chunked request body with chunk extensions and trailers is read whole, whether in one write or byte by byte ${on}`, { timeout: 20_000 }, async () => {
    await withServer(engine, {}, async (s) => {
      // RFC 9112 7.1.1: chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ), the value a
      // token or a quoted-string; a recipient ignores extensions it does not understand. 7.1.2: trailer fields.
      const body = '3;ext=1\r\n{"i\r\n5;a="q s";b\r\nd":1}\r\n0;last\r\nX-Trailer: y\r\nX-Other: z\r\n\r\n';
      const request = Buffer.concat([rawRequest("POST", "/userservice.UserService/GetUser", { "Content-Type": "application/json", "Transfer-Encoding": "chunked" }), Buffer.from(body, "latin1")]);
      const c = await s.open();
      await c.write(Buffer.concat([request, restGet(1)])); // the GET right behind: the body's end must be found exactly
      assertAda(await c.read(), "the chunked POST");
      assertAda(await c.read(), "the GET after it");
      await c.dribble(request);
      assertAda(await c.read(), "the chunked POST, byte by byte");
      // Chunk sizes in upper-case hex with leading zeros, and a coding name in another case ("Chunked": codings are
      // case-insensitive, RFC 9112 7).
      await c.write(Buffer.concat([rawRequest("POST", "/userservice.UserService/GetUser", { "Content-Type": "application/json", "Transfer-Encoding": "Chunked" }), Buffer.from('000A\r\n{"id": 1 }\r\n0\r\n\r\n')]));
      assertAda(await c.read(), "upper-case hex sizes");
      // A chunked REST POST too (each protocol reads the same body stream).
      await c.write(Buffer.concat([rawRequest("POST", "/v1/users", { "Content-Type": "application/json", "Transfer-Encoding": "chunked" }), chunked(['{"username":', '"rest-chunked"}'])]));
      const created = await c.read();
      assert.equal(created.status, 200);
      assert.equal(json(created).user.username, "rest-chunked");
    });
  });

  test(`"Expect: 100-continue" gets "HTTP/1.1 100 Continue" before the body is sent, then the final response ${on}`, { timeout: 20_000 }, async () => {
    await withServer(engine, {}, async (s) => {
      const c = await s.open();
      const body = '{"id":1}';
      await c.write(rawRequest("POST", "/userservice.UserService/GetUser", { "Content-Type": "application/json", "Content-Length": String(body.length), Expect: "100-continue" }));
      const interim = await c.read("POST"); // the body is not sent yet: only a 100 can come
      assert.equal(interim.status, 100);
      assert.equal(interim.version, "HTTP/1.1");
      assert.equal(interim.framing, "none");
      await c.write(body);
      assertAda(await c.read("POST"), "the final response");
      // Expect's value is case-insensitive (RFC 9110 10.1.1).
      await c.write(rawRequest("POST", "/userservice.UserService/GetUser", { "Content-Type": "application/json", "Content-Length": String(body.length), Expect: "100-Continue" }));
      assert.equal((await c.read("POST")).status, 100);
      await c.write(body);
      assertAda(await c.read("POST"));

      // RFC 9110 10.1.1: a server MUST NOT send 100 to an HTTP/1.0 client (it ignores the expectation). If it did, the
      // 100 would come before the final response: the first response read is the final one.
      const old = await s.open();
      await old.write(Buffer.concat([Buffer.from(rawRequest("POST", "/userservice.UserService/GetUser", { "Content-Type": "application/json", "Content-Length": String(body.length), Expect: "100-continue" }).toString("latin1").replace("HTTP/1.1", "HTTP/1.0")), Buffer.from(body)]));
      assertAda(await old.read("POST"), "HTTP/1.0 with Expect: the final response, no 100 before it");

      // An expectation the server does not know: RFC 9110 10.1.1 allows 417 (node:http answers 417, and reads past the
      // body, which the client sent anyway) or serving the request. Either way the framing holds.
      const other = await s.open();
      await other.write(Buffer.concat([rawRequest("POST", "/userservice.UserService/GetUser", { "Content-Type": "application/json", Expect: "something-else" }, body), restGet(1)]));
      const answer = await other.read("POST");
      if (answer.status !== 417) assertAda(answer, "an unknown expectation, served");
      assertAda(await other.read(), "the GET after it");
    });
  });

  // ---- 4. Bad input ----

  /**
   * Requests the RFCs require refused (or whose refusal node:http and the RFC agree on): each gets a status line of
   * `status`, "Connection: close" (RFC 9112 9.6 SHOULD; node sends it) and the connection closed with nothing more
   * sent, and the server goes on serving other connections. node:http's parser-level refusals carry no Date header
   * (RFC 9110 6.6.1 wants one in every 4xx from a server with a clock): not asserted.
   */
  interface Refusal {
    name: string;
    request: string | Buffer;
    status: number[];
    /** Send a good request first (and read its answer): a connection's first bytes must be a valid request line to reach HTTP/1.1 at all. */
    afterGood?: boolean;
    /** Only when the answer is 400 must the connection close (a 501 is a whole request answered: it may persist). */
    closeIf400Only?: boolean;
  }
  const POST_HEAD = "POST /userservice.UserService/GetUser HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
  const refusals: Refusal[] = [
    // RFC 9112 6.1: a server MAY reject Content-Length with Transfer-Encoding (node does, 400) or process it by
    // Transfer-Encoding alone, and MUST close the connection after it either way. Pinned: rejection.
    { name: "Content-Length and Transfer-Encoding both (request smuggling)", request: `${POST_HEAD}Content-Length: 8\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n{"id":1}\r\n0\r\n\r\n`, status: [400] },
    { name: "Transfer-Encoding before Content-Length", request: `${POST_HEAD}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\n{"id":1}\r\n0\r\n\r\n`, status: [400] },
    // RFC 9112 6.3 (5): an invalid Content-Length is an unrecoverable framing error: 400 and close.
    { name: "two different Content-Length values", request: `${POST_HEAD}Content-Length: 8\r\nContent-Length: 9\r\n\r\n{"id":1} `, status: [400] },
    { name: "a Content-Length list of different values", request: `${POST_HEAD}Content-Length: 8, 9\r\n\r\n{"id":1} `, status: [400] },
    { name: "a negative Content-Length", request: `${POST_HEAD}Content-Length: -1\r\n\r\n`, status: [400] },
    { name: "a signed Content-Length (+8)", request: `${POST_HEAD}Content-Length: +8\r\n\r\n{"id":1}`, status: [400] },
    // RFC 9112 6.3 (4): Transfer-Encoding whose final coding is not chunked: 400 and close (MUST).
    { name: "Transfer-Encoding of an unknown coding alone", request: `${POST_HEAD}Transfer-Encoding: foo\r\n\r\n0\r\n\r\n`, status: [400] },
    { name: "Transfer-Encoding: chunked, gzip (chunked not last)", request: `${POST_HEAD}Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n`, status: [400] },
    // RFC 9112 6.1: chunked MUST NOT be applied more than once; node rejects two chunked field lines.
    { name: "Transfer-Encoding: chunked twice", request: `${POST_HEAD}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n{"id":1}\r\n0\r\n\r\n`, status: [400] },
    // RFC 9112 7.1: chunk-size = 1*HEXDIG; an invalid or overflowing size is a framing error.
    { name: "an invalid chunk size (zz)", request: `${POST_HEAD}Transfer-Encoding: chunked\r\n\r\nzz\r\n`, status: [400] },
    { name: "a chunk size that overflows (ffffffffffffffffff)", request: `${POST_HEAD}Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n{"id":1}\r\n0\r\n\r\n`, status: [400] },
    { name: "chunk data not followed by CRLF", request: `${POST_HEAD}Transfer-Encoding: chunked\r\n\r\n8\r\n{"id":1}XX0\r\n\r\n`, status: [400] },
    { name: "a trailer line without a colon", request: `${POST_HEAD}Transfer-Encoding: chunked\r\n\r\n8\r\n{"id":1}\r\n0\r\nBad Trailer\r\n\r\n`, status: [400] },
    // RFC 6585 4: a header block over the server's limit (maxMetadataSize, 16 KiB by default): 431.
    { name: "a header block over 16 KiB", request: `GET /v1/users/1 HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(17_000)}\r\n\r\n`, status: [431] },
    // node:http counts field names and values (not ": " and CRLF) against the limit, and at most 2000 fields
    // (maxHeadersCount): this block is over 16 KiB by any count.
    { name: "a header block of many fields over 16 KiB", request: `GET /v1/users/1 HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 600 }, (_, i) => `X-F${i}: ${"v".repeat(40)}\r\n`).join("")}\r\n`, status: [431] },
    // RFC 9112 3: a request-target longer than the server parses MUST get 414. node:http counts the request line in
    // its header limit and answers 431: both accepted.
    { name: "a 20 KB request-target", request: `GET /v1/users/${"1".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, status: [414, 431] },
    // RFC 9112 5: field-line = field-name ":" OWS field-value OWS.
    { name: "a header line without a colon", request: "GET /v1/users/1 HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n", status: [400] },
    // RFC 9112 5.1: whitespace between a field name and the colon MUST get 400.
    { name: "a space before the colon (Host : x)", request: "GET /v1/users/1 HTTP/1.1\r\nHost : x\r\n\r\n", status: [400] },
    { name: "a space inside a field name", request: "GET /v1/users/1 HTTP/1.1\r\nHost: x\r\nX A: b\r\n\r\n", status: [400] },
    // RFC 9112 5.2: obs-fold in a request MUST be rejected with 400 or replaced by SP; node rejects.
    { name: "an obs-fold continuation line", request: "GET /v1/users/1 HTTP/1.1\r\nHost: x\r\nX-A: a\r\n  folded\r\n\r\n", status: [400] },
    // RFC 9112 2.2: whitespace before the first field line: reject, or ignore that line; node rejects.
    { name: "whitespace before the first field line", request: "GET /v1/users/1 HTTP/1.1\r\n Host: x\r\n\r\n", status: [400] },
    // RFC 9110 5.5: CR, LF or NUL in a field value MUST be rejected or replaced by SP; node rejects (and other CTLs).
    { name: "NUL in a header value", request: "GET /v1/users/1 HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n", status: [400] },
    { name: "a bare CR in a header value", request: "GET /v1/users/1 HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", status: [400] },
    { name: "a control character (0x01) in a header value", request: "GET /v1/users/1 HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n", status: [400] },
    // RFC 9112 2.2: a recipient MAY take a bare LF as a line end; rejecting is allowed, and node rejects (pinned: a
    // lenient line ending is where smuggling parsers disagree).
    { name: "bare LF line endings", request: "GET /v1/users/1 HTTP/1.1\nHost: x\n\n", status: [400] },
    { name: "a bare LF ending one field line", request: "GET /v1/users/1 HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n", status: [400] },
    { name: "bare LF in chunked framing", request: `${POST_HEAD}Transfer-Encoding: chunked\r\n\r\n8\n{"id":1}\n0\n\n`, status: [400] },
    // RFC 9112 3.2: an HTTP/1.1 request without Host MUST get 400.
    { name: "no Host header", request: "GET /v1/users/1 HTTP/1.1\r\n\r\n", status: [400] },
    // RFC 9112 3: request-line = method SP request-target SP HTTP-version; an invalid one SHOULD get 400.
    { name: "a request line of four parts", request: "GET /v1/users/1 HTTP/1.1 extra\r\nHost: x\r\n\r\n", status: [400], afterGood: true },
    // RFC 9112 2.3: HTTP-name is "HTTP", case-sensitive.
    { name: "a lower-case HTTP-name (http/1.1)", request: "GET /v1/users/1 http/1.1\r\nHost: x\r\n\r\n", status: [400], afterGood: true },
    // RFC 9110 9.1: methods are case-sensitive, so "get" is an unknown method, which an origin server SHOULD answer
    // with 501. node:http's parser knows a fixed list of methods and answers 400 (and closes) for any other: both
    // accepted; a 400 must close. Never served as a GET.
    { name: "a lower-case method (get)", request: "get /v1/users/1 HTTP/1.1\r\nHost: x\r\n\r\n", status: [400, 501], closeIf400Only: true },
    { name: "an unknown method (FOO)", request: "FOO /v1/users/1 HTTP/1.1\r\nHost: x\r\n\r\n", status: [400, 501], closeIf400Only: true },
  ];

  for (const r of refusals) {
    test(`bad input, ${r.name}: ${r.status.join(" or ")}, the connection closed, the server unharmed ${on}`, { timeout: 20_000 }, async () => {
      await withServer(engine, {}, async (s) => {
        const c = await s.open();
        if (r.afterGood) {
          await c.write(restGet(1));
          assertAda(await c.read(), "the good request first");
        }
        await c.write(r.request);
        const answer = await c.read();
        assert.ok(r.status.includes(answer.status), `answered ${answer.status} ${answer.reason}`);
        if (answer.status === 400 || !r.closeIf400Only) {
          assert.equal(answer.header("connection")?.toLowerCase(), "close");
          const rest = await c.closedByServer();
          assert.equal(rest.length, 0, `nothing after the refusal: ${JSON.stringify(rest.toString("latin1"))}`);
        }
        await stillServing(s);
      });
    });
  }

  test(`whitespace around a chunk extension's ";" (RFC 9112 7.1.1's BWS): served, or refused with 400 and closed ${on}`, { timeout: 20_000 }, async () => {
    // RFC 7230 had no whitespace there; RFC 9112 added BWS, which a recipient MUST parse and remove. tsgrpc's engine
    // does; node:http (llhttp) refuses it, which the framing survives too.
    await withServer(engine, {}, async (s) => {
      const c = await s.open();
      await c.write(Buffer.concat([Buffer.from(`${POST_HEAD}Transfer-Encoding: chunked\r\n\r\n8 ; a=b\r\n{"id":1}\r\n0\r\n\r\n`), restGet(1)]));
      const answer = await c.read("POST");
      if (engine === "tsgrpc") {
        assertAda(answer, "a chunk with BWS before its extension");
        assertAda(await c.read(), "the request behind it");
      } else {
        assert.equal(answer.status, 400);
        await c.closedByServer();
      }
      await stillServing(s);
    });
  });

  // Where node:http answers otherwise than the RFC asks: the safe subset (an answer, no hang, no crash; framing kept).

  test(`bad input where node:http is lenient: two Host fields, no version, HTTP/2.0, HTTP/0.9, HTTP/1.2 ${on}`, { timeout: 30_000 }, async () => {
    await withServer(engine, {}, async (s) => {
      // RFC 9112 3.2: more than one Host field line MUST get 400. node:http serves it (200). Safe subset: an answer;
      // a 400 closes.
      {
        const c = await s.open();
        await c.write("GET /v1/users/1 HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n");
        const a = await c.read();
        if (a.status === 400) await c.closedByServer();
        else assertAda(a, "two Host fields, served");
      }
      // RFC 9112 3: a request line without an HTTP-version is invalid (SHOULD 400). node:http takes it as HTTP/0.9,
      // answers in HTTP/1.1 all the same and closes. RFC 9110 2.5/15.6.6: HTTP/2.0 and HTTP/0.9 on an HTTP/1.1
      // connection are versions it does not speak here (505 would say so); node:http serves them and closes.
      // Safe subset: the connection closes after at most one answer, and is never kept as HTTP/1.1.
      for (const line of ["GET /v1/users/1\r\n", "GET /v1/users/1 HTTP/2.0\r\n", "GET /v1/users/1 HTTP/0.9\r\n"]) {
        const c = await s.open();
        await c.write(restGet(1));
        assertAda(await c.read());
        await c.write(`${line}Host: x\r\n\r\n`);
        const rest = await c.closedByServer();
        assert.ok(rest.length === 0 || /^HTTP\/1\.[01] \d{3} /.test(rest.toString("latin1")), `${JSON.stringify(line)}: ${JSON.stringify(rest.toString("latin1", 0, 200))}`);
      }
      // RFC 9110 2.5 (and 9112 2.3): a higher minor version of HTTP/1 is served as the highest the server speaks,
      // HTTP/1.1. node:http answers 400 and closes. Safe subset: served, or 400 and closed.
      {
        const c = await s.open();
        await c.write(restGet(1));
        assertAda(await c.read());
        await c.write("GET /v1/users/1 HTTP/1.2\r\nHost: x\r\n\r\n");
        const a = await c.read();
        if (a.status === 400) await c.closedByServer();
        else assertAda(a, "HTTP/1.2 served as 1.1");
      }
      await stillServing(s);
    });
  });

  test(`bad input where node:http is lenient: transfer codings it does not implement, and Transfer-Encoding in HTTP/1.0 ${on}`, { timeout: 20_000 }, async () => {
    await withServer(engine, {}, async (s) => {
      // RFC 9112 6.1: a request with a transfer coding the server does not implement SHOULD get 501. node:http frames
      // "gzip, chunked" by its chunked and hands the still gzipped bytes on as the body (the Connect JSON then fails:
      // 400, connection kept). Safe subset: no success unless the body was really decoded, and the framing holds: the
      // request pipelined behind it is answered, unless the connection closed.
      const gz = gzipSync(Buffer.from('{"id":1}'));
      const c = await s.open();
      await c.write(Buffer.concat([rawRequest("POST", "/userservice.UserService/GetUser", { "Content-Type": "application/json", "Transfer-Encoding": "gzip, chunked" }), chunked([gz]), restGet(1)]));
      const a = await c.read("POST");
      if (a.status < 300) assertAda(a, "a gzip transfer coding, decoded");
      else assert.ok([400, 501].includes(a.status), `answered ${a.status}`);
      if (a.header("connection")?.toLowerCase() === "close") await c.closedByServer();
      else assertAda(await c.read(), "the request behind it");

      // RFC 9112 6.1: Transfer-Encoding in an HTTP/1.0 request MUST be taken as faulty framing, and the connection
      // closed after it. node:http processes it and keeps an HTTP/1.0 keep-alive connection open; tsgrpc refuses it
      // (400, as for other faulty framing) and closes. Safe subset: served right, or 400 and closed.
      const old = await s.open();
      await old.write(Buffer.from(`POST /userservice.UserService/GetUser HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n{"id":1}\r\n0\r\n\r\n`));
      const answer = await old.read("POST");
      if (answer.status === 400) await old.closedByServer();
      else assertAda(answer);
      await stillServing(s);
    });
  });

  test(`a Connect POST over maxReceiveMessageSize: 429 resource_exhausted (the Connect mapping), early, and the connection goes on ${on}`, { timeout: 30_000 }, async () => {
    await withServer(engine, { maxReceiveMessageSize: 1024 }, async (s) => {
      // The Connect protocol maps resource_exhausted to HTTP 429, and that is what its clients expect; 413 (RFC 9110
      // 15.5.14) is what a plain HTTP server says of a body over its limit, but this limit is the call's, so the
      // engine must leave the answer to the Connect adapter (node:http does: 429).
      const c = await s.open();
      await c.write(Buffer.concat([connectPost("CreateUser", { username: "a".repeat(5000) }), restGet(1)]));
      const r = await c.read("POST");
      assert.equal(r.status, 429);
      assert.equal(json(r).code, "resource_exhausted");
      assertAda(await c.read(), "the request behind it, on the same connection");

      // A 5 MB Content-Length with only 3000 bytes sent: the answer comes before the rest of the body (the server
      // stops at the limit, not at the end of the body).
      const big = await s.open();
      const head = rawRequest("POST", "/userservice.UserService/CreateUser", { "Content-Type": "application/json", "Content-Length": String(5_000_000) });
      const first = Buffer.from(`{"username":"${"a".repeat(2987)}`);
      await big.write(Buffer.concat([head, first]));
      const early = await big.read("POST");
      assert.equal(early.status, 429);
      // Then the rest of the body, and a request. RFC 9112 9.6/9110 15.5.14 let the server close instead of reading
      // a refused body on; node:http reads it to its end and serves the next request. Either is accepted.
      const rest = Buffer.alloc(5_000_000 - first.length, "a");
      for (let at = 0; at < rest.length && !big.closed; at += 256 * 1024) await big.write(rest.subarray(at, at + 256 * 1024));
      await big.write(restGet(1));
      if (!big.closed) {
        try {
          assertAda(await big.read(), "the request after the refused body");
        } catch (e) {
          if (!big.closed) throw e;
        }
      }
      await stillServing(s);
    });
  });

  test(`a header block over a configured maxMetadataSize gets 431; one under it is served ${on}`, { timeout: 20_000 }, async () => {
    await withServer(engine, { maxMetadataSize: 4096 }, async (s) => {
      const under = await s.open();
      await under.write(restGet(1, { "X-Pad": "p".repeat(3000) }));
      assertAda(await under.read());
      const over = await s.open();
      await over.write(restGet(1, { "X-Pad": "p".repeat(5000) }));
      assert.equal((await over.read()).status, 431);
      await over.closedByServer();
      await stillServing(s);
    });
  });

  // ---- 5. Slow and vanishing clients ----

  test(`a client that sends half a header block and stops is closed after the server's header timeout ${on}`, { timeout: 60_000 }, async (t) => {
    const setting = HEADER_TIMEOUT[engine];
    if (setting === undefined) assert.fail(`say in HEADER_TIMEOUT how http1Engine ${engine} bounds a half-sent header block`);
    if ("skip" in setting) return t.skip(setting.skip);
    await withServer(engine, setting.options as ServerOptions, async (s) => {
      const c = await s.open();
      await c.write("GET /v1/users/1 HTTP/1.1\r\nHost: x\r\nX-Slow: ");
      const rest = await c.closedByServer(setting.closesWithinMs);
      // RFC 9110 15.5.9: a 408 may say why; or nothing at all.
      assert.ok(rest.length === 0 || /^HTTP\/1\.1 408 /.test(rest.toString("latin1")), JSON.stringify(rest.toString("latin1")));
      await stillServing(s);
    });
  });

  test(`clients that vanish mid-request (in the head, in a Content-Length body, mid-chunk, mid gRPC-Web frame) leave the server serving ${on}`, { timeout: 20_000 }, async () => {
    await withServer(engine, {}, async (s) => {
      const envelope = Buffer.from(encodeEnvelope(GetUserRequest.encode({ id: 1 })));
      // Mid-head: no call yet; the connection must go. Mid-body: the call has begun (each protocol starts it on the
      // head), and must end (cancelled).
      const head = Buffer.from("GET /v1/users/1 HTTP/1.1\r\nHost: x\r\nX-Half");
      const bodies: Buffer[] = [
        rawRequest("POST", "/userservice.UserService/CreateUser", { "Content-Type": "application/json", "Content-Length": "1000" }, '{"username":"cut'),
        Buffer.concat([rawRequest("POST", "/v1/users", { "Content-Type": "application/json", "Transfer-Encoding": "chunked" }), Buffer.from('40\r\n{"username":"cu')]),
        Buffer.concat([rawRequest("POST", "/userservice.UserService/GetUser", { "Content-Type": "application/grpc-web+proto", "Content-Length": String(envelope.length) }), envelope.subarray(0, 3)]),
      ];
      {
        const c = await s.open();
        await c.write(head);
        // The server counts an HTTP/1.1 connection once its first bytes said HTTP/1.1, that is once it has read them.
        await waitFor(() => s.server.stats().connectionsOpen === 1, "the server to take the connection");
        c.close();
        await waitFor(() => s.server.stats().connectionsOpen === 0, "the server to drop the connection");
      }
      for (const cut of bodies) {
        const started = s.server.stats().calls.started;
        const c = await s.open();
        await c.write(cut);
        await waitFor(() => s.server.stats().calls.started === started + 1, "the call to start");
        await new Promise((r) => setImmediate(r));
        c.close();
        await waitFor(() => s.server.stats().streamsOpen === 0 && s.server.stats().calls.inFlight === 0, "the server to end the vanished client's call");
      }
      await stillServing(s);
    });
  });

  // node:http's path once re-added the dead socket to its count when the response's "close" came after the socket's:
  // stats().connectionsOpen stayed 1, and the socket was held for good, one per client that vanished mid-request.
  test(`a client that vanishes mid-body is no longer counted (and held) as an open connection ${on}`, { timeout: 20_000 }, async () => {
    await withServer(engine, {}, async (s) => {
      const c = await s.open();
      await c.write(rawRequest("POST", "/userservice.UserService/CreateUser", { "Content-Type": "application/json", "Content-Length": "1000" }, '{"username":"cut'));
      await waitFor(() => s.server.stats().streamsOpen === 1, "the call to start");
      c.close();
      await waitFor(() => s.server.stats().connectionsOpen === 0, "the connection count to drop to 0");
    });
  });

  test(`a client that pipelines many requests and never reads: the server stops reading (bounded work and memory), then serves them all once it reads ${on}`, { timeout: 60_000 }, async (t) => {
    await withServer(engine, {}, async (s) => {
      // Each answer is ~256 KB and each request ~8 KB (node:http reads 64 KB at a time, so one read holds only a few
      // requests). N answers are ~150 MB: far more than the kernel buffers between the two ends (up to tens of MB), so a
      // server that kept reading would have to keep most of them in memory.
      const setup = await s.open();
      await setup.write(connectPost("CreateUser", { username: "big" + "x".repeat(256 * 1024), email: "big@example.com" }));
      const created = await setup.read();
      assert.equal(created.status, 200);
      const id = json(created).user.id as number;
      setup.close();

      const N = 600;
      const before = s.server.stats().calls.started;
      const c = await s.open();
      c.socket.pause(); // never reads
      const request = restGet(id, { "X-Pad": "p".repeat(8 * 1024) });
      for (let i = 0; i < N; i++) c.socket.write(request);
      // What can be asserted without timing is only the outcome once the server has settled: wait until its count of
      // calls started stays put for 500 ms (bounded), then it must be far below N. (A server that never stops reading
      // does not settle before it has started all N: it fails here however slow the machine. A slow machine can only
      // make a settling server look settled earlier, never fail this.)
      let last = -1;
      let stableSince = Date.now();
      const deadline = Date.now() + 20_000;
      for (;;) {
        const started = s.server.stats().calls.started - before;
        if (started !== last) (last = started), (stableSince = Date.now());
        else if (Date.now() - stableSince >= 500) break;
        if (Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      t.diagnostic(`calls started while the client read nothing: ${last} of ${N}`);
      assert.ok(last < N / 2, `the server started ${last} of ${N} calls for a client that reads nothing (about ${Math.round((last * 256) / 1024)} MB of answers)`);
      assert.ok(last >= 1, "it did start serving");

      // Once the client reads, every answer comes, whole and in order.
      c.socket.resume();
      for (let i = 0; i < N; i++) {
        const r = await c.read("GET", 10_000);
        assert.equal(r.status, 200, `answer ${i}`);
        if (i === 0 || i === N - 1) assert.equal(json(r).user.id, id);
      }
      assert.equal(s.server.stats().calls.started - before, N);
    });
  });

  // ---- 6. Response framing ----

  // ---- 8. Half-closing clients ----

  test(`a client's FIN while its call runs cancels the call and ends the connection (it is how fetch aborts) ${on}`, { timeout: 20_000 }, async () => {
    // TCP does not tell a half-close from a client that closed its socket, and browsers and fetch abort a request by
    // closing theirs (a FIN, not a reset): like node:http by default and Go's net/http, the server takes a FIN as the
    // client gone. The handler here answers only once its call is cancelled, so nothing but the FIN can end it.
    let cancelled = 0;
    const untilCancelled: ServerInterceptor = (next) => async function* (call) {
      await new Promise<void>((resolve) => call.ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
      cancelled++;
      yield* next(call);
    };
    await withServer(engine, { interceptors: [untilCancelled] }, async (s) => {
      const c = await s.open();
      await c.write(restGet(1));
      await waitFor(() => s.server.stats().calls.inFlight === 1, "the call to start");
      c.endWriting();
      await c.closedByServer();
      await waitFor(() => cancelled === 1 && s.server.stats().calls.inFlight === 0, "the call to be cancelled");
    });
  });

  test(`a client that half-closes in the middle of a request body: the call ends and the connection closes ${on}`, { timeout: 20_000 }, async () => {
    await withServer(engine, {}, async (s) => {
      const started = s.server.stats().calls.started;
      const c = await s.open();
      await c.write(rawRequest("POST", "/userservice.UserService/CreateUser", { "Content-Type": "application/json", "Content-Length": "1000" }, '{"username":"cut'));
      await waitFor(() => s.server.stats().calls.started === started + 1, "the call to start");
      c.endWriting();
      await c.closedByServer();
      await waitFor(() => s.server.stats().calls.inFlight === 0 && s.server.stats().connectionsOpen === 0, "the call to end and the connection to go");
      await stillServing(s);
    });
  });

  test(`HEAD on a REST GET route: GET's headers, Content-Length included, and no body (the response after it parses) ${on}`, { timeout: 20_000 }, async () => {
    await withServer(engine, {}, async (s) => {
      const c = await s.open();
      // RFC 9110 9.1/9.3.2: a general-purpose server MUST support HEAD, answering with GET's headers and no content.
      // No body is proved by the GET pipelined behind it (a body would be read as its status line).
      await c.write(Buffer.concat([rawRequest("HEAD", "/v1/users/1"), restGet(1), rawRequest("HEAD", "/nowhere"), restGet(1), rawRequest("PUT", "/v1/users/1")]));
      const head = await c.read("HEAD");
      const get = await c.read("GET");
      assertAda(get);
      assert.equal(head.status, 200);
      assert.equal(head.header("content-type"), get.header("content-type"));
      assert.equal(head.header("content-length"), get.header("content-length"));
      assert.equal((await c.read("HEAD")).status, 404);
      assertAda(await c.read("GET"));
      const put = await c.read();
      assert.equal(put.status, 405);
      assert.equal(put.header("allow"), "GET, HEAD");
      assert.equal(c.unread.length, 0);
    });
  });

  test(`204 and 304 responses carry no body and no framing headers, even when the handler writes one ${on}`, { timeout: 20_000 }, async () => {
    const httpHandler: ServerOptions["httpHandler"] = (req, res) => {
      const status = req.url === "/not-modified" ? 304 : req.url === "/no-content" ? 204 : 404;
      res.writeHead(status, status === 304 ? { etag: '"v1"' } : {});
      if (status === 404) res.end();
      else res.end("must not be sent");
    };
    await withServer(engine, { httpHandler }, async (s) => {
      const c = await s.open();
      // The CORS preflight: the router's 204. Each followed by a GET, which must parse right after the head.
      await c.write(Buffer.concat([
        rawRequest("OPTIONS", "/userservice.UserService/GetUser", { Origin: ORIGIN, "Access-Control-Request-Method": "POST" }), restGet(1),
        rawRequest("GET", "/no-content"), restGet(1),
        rawRequest("GET", "/not-modified", { "If-None-Match": '"v1"' }), restGet(1),
      ]));
      // RFC 9110 15.3.5/15.4.5 and 8.6: no content in 204 or 304, and no Content-Length or Transfer-Encoding in a 204
      // (the reader refuses both).
      const preflight = await c.read("OPTIONS");
      assert.equal(preflight.status, 204);
      assert.equal(preflight.header("access-control-allow-origin"), ORIGIN);
      assertAda(await c.read());
      const noContent = await c.read();
      assert.equal(noContent.status, 204);
      assertAda(await c.read());
      const notModified = await c.read();
      assert.equal(notModified.status, 304);
      assert.equal(notModified.header("etag"), '"v1"');
      assert.equal(notModified.header("transfer-encoding"), undefined);
      assertAda(await c.read());
      assert.equal(c.unread.length, 0);
    });
  });

  test(`responses of unknown length (a REST NDJSON stream, a gRPC-Web stream) are chunked and end with the last chunk; Date on every response ${on}`, { timeout: 20_000 }, async () => {
    await withServer(engine, {}, async (s) => {
      const c = await s.open();
      await c.write(rawRequest("GET", "/v1/users:watch?roleFilter=r"));
      const ndjson = await c.read();
      assert.equal(ndjson.status, 200);
      assert.equal(ndjson.header("content-type"), "application/x-ndjson");
      assert.equal(ndjson.framing, "chunked");
      assert.equal(ndjson.chunks.at(-1), 0);
      assert.equal(ndjson.header("content-length"), undefined);
      const lines = ndjson.body.toString("utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
      assert.deepEqual(lines.map((l) => l.result.username), ["u0", "u1", "u2", "u3", "u4"]);

      await c.write(grpcWebPost("WatchUsers", WatchUsersRequest.encode({ roleFilter: "r" })));
      const web = await c.read("POST");
      assert.equal(web.status, 200);
      assert.equal(web.framing, "chunked");
      assert.equal(web.chunks.at(-1), 0);
      const { messages, trailers } = grpcWebFrames(web.body);
      assert.deepEqual(messages.map((m) => (User.decode(m) as any).username), ["u0", "u1", "u2", "u3", "u4"]);
      assert.match(trailers ?? "", /^grpc-status: 0\r\n/m);

      // RFC 9110 6.6.1: an origin server with a clock MUST send Date in 2xx, 3xx and 4xx responses.
      await c.write(Buffer.concat([restGet(1), restGet(7), rawRequest("GET", "/nowhere")]));
      const answers = [ndjson, web, await c.read(), await c.read(), await c.read()];
      assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 404, 404]);
      for (const a of answers) {
        const date = a.header("date");
        assert.match(date ?? "", IMF_FIXDATE, `Date of a ${a.status}`);
        assert.ok(Math.abs(Date.parse(date!) - Date.now()) < 60_000, `Date ${date} is now`);
      }
    });
  });

  // ---- 7. Upgrade ----

  test(`"Upgrade: h2c" over HTTP/1.1 is served as plain HTTP/1.1 (no 101), and the connection stays HTTP/1.1 ${on}`, { timeout: 20_000 }, async () => {
    await withServer(engine, {}, async (s) => {
      // RFC 9110 7.8: a server may ignore Upgrade; gRPC servers do not switch to h2c from HTTP/1.1 (they take HTTP/2
      // with prior knowledge, which this port does). node:http drops requests pipelined in the same packet behind an
      // Upgrade request it ignores (the RFC would answer them): not asserted; the next request is sent after the answer.
      const upgrade = { Connection: "Upgrade, HTTP2-Settings", Upgrade: "h2c", "HTTP2-Settings": "AAMAAABkAARAAAAAAAIAAAAA" };
      const c = await s.open();
      await c.write(restGet(1, upgrade));
      const r = await c.read();
      assertAda(r, "the GET with Upgrade: h2c");
      assert.equal(r.header("upgrade"), undefined);
      await c.write(connectPost("GetUser", { id: 1 }, upgrade));
      assertAda(await c.read("POST"), "a Connect POST with Upgrade: h2c");
      await c.write(restGet(1));
      assertAda(await c.read(), "a plain request after them");
      assert.equal(c.closed, false);
    });
  });
}
