import { test } from "node:test";
import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import { connect as connectTcp } from "node:net";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createServer, type Server, type ServerOptions } from "../src/index.js";
import { UserService, userServiceImpl } from "./user-service-fixture.js";
import { RawHttp1, rawRequest } from "./support/raw-http1.js";

// tsgrpc's HTTP/1.1 engine where a review of it found it wanting (http1-wire.test.ts holds what both engines share):
// big answers to slow readers, floods of empty lines, clients that stall a body or stop reading, the httpHandler's
// response as a real Writable (pipe, pipeline), headers a handler gets wrong, HEAD of a stream, saying "close".

const BIG = 48 * 1024 * 1024;

function handler(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? "";
  if (url === "/big") {
    // Given whole to end(): it goes out at once, and the response ends while most of it still waits to be sent.
    res.setHeader("content-type", "application/octet-stream");
    res.end(Buffer.alloc(BIG, 120));
  } else if (url.startsWith("/pipe")) {
    res.setHeader("content-type", "text/plain");
    const source = Readable.from(Array.from({ length: 200 }, (_, i) => `line ${i}\n`));
    if (url === "/pipe") source.pipe(res);
    else void pipeline(source, res);
  } else if (url === "/bad-header") {
    try {
      res.setHeader("x-bad", "a\r\nx-injected: 1");
    } catch {
      res.writeHead(500, { "content-type": "text/plain" }).end("refused a bad header\n");
    }
  } else if (url === "/dated") {
    res.writeHead(200, { date: "Sun, 06 Nov 1994 08:49:37 GMT" }).end("old");
  } else if (url === "/throws") {
    throw new Error("a handler's bug");
  } else if (url === "/ignore-body") {
    res.writeHead(200).end("did not read it");
  } else {
    res.writeHead(404).end();
  }
}

const REST_RULES = [
  { selector: "userservice.UserService.GetUser", get: "/v1/users/{id}" },
  { selector: "userservice.UserService.WatchUsers", get: "/v1/users:watch" },
];

async function withServer(options: ServerOptions, body: (server: Server, open: () => Promise<RawHttp1>, port: number) => Promise<void>): Promise<void> {
  const server = createServer({ logError: () => {}, httpHandler: handler as never, rest: { rules: REST_RULES }, ...options }).add(UserService, userServiceImpl());
  const port = await server.listen("127.0.0.1:0");
  const opened: RawHttp1[] = [];
  try {
    await body(server, async () => {
      const c = await RawHttp1.open(port);
      opened.push(c);
      return c;
    }, port);
  } finally {
    for (const c of opened) c.close();
    await server.shutdown(100);
  }
}

/** Polls `condition` every 10 ms for up to `ms` (a wait for the server to notice something). */
async function waitFor(condition: () => boolean, what: string, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** GETs `path` on a fresh socket that reads nothing for `waitMs`, then counts what arrives: the bytes after the head, and whether the server closed. */
async function slowRead(port: number, path: string, headers: string, waitMs: number): Promise<{ head: string; bodyBytes: number; closed: boolean }> {
  const socket = connectTcp({ port, host: "127.0.0.1" });
  await new Promise((resolve) => socket.once("connect", resolve));
  socket.pause();
  socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n${headers}\r\n`);
  await sleep(waitMs);
  let head = "";
  let bodyBytes = 0;
  return new Promise((resolve) => {
    const done = (closed: boolean) => {
      socket.destroy();
      resolve({ head, bodyBytes, closed });
    };
    const timer = setTimeout(() => done(false), 20_000);
    socket.on("data", (d: Buffer) => {
      if (!head.endsWith("\r\n\r\n")) {
        const at = Buffer.concat([Buffer.from(head, "latin1"), d]).indexOf("\r\n\r\n");
        if (at < 0) return void (head += d.toString("latin1"));
        const whole = Buffer.concat([Buffer.from(head, "latin1"), d]);
        head = whole.toString("latin1", 0, at + 4);
        bodyBytes += whole.length - at - 4;
      } else bodyBytes += d.length;
      if (bodyBytes >= BIG && !/connection: close/i.test(head)) (clearTimeout(timer), done(false));
    });
    socket.on("close", () => (clearTimeout(timer), done(true)));
    socket.on("error", () => {});
    socket.resume();
  });
}

test("a big answer to a reader that waits is delivered whole, with Connection: close and past the keep-alive time", { timeout: 60_000 }, async () => {
  await withServer({ http1Timeouts: { keepAliveMs: 300 } }, async (_server, _open, port) => {
    // Longer than the 2 s linger after a close and than keep-alive: neither may cut an answer still going out (BIG is
    // more than the kernel buffers between the two ends hold, so the server still has some of it).
    const closing = await slowRead(port, "/big", "Connection: close\r\n", 2_500);
    assert.match(closing.head, /^HTTP\/1\.1 200 /);
    assert.equal(closing.bodyBytes, BIG, "with Connection: close");
    assert.ok(closing.closed);
    const kept = await slowRead(port, "/big", "", 1_000);
    assert.equal(kept.bodyBytes, BIG, "kept alive");
  });
});

test("a flood of empty lines before a request line is refused with 431 at the head-size limit", async () => {
  await withServer({}, async (_server, open) => {
    const c = await open();
    await c.write("GET /v1/users/1 HTTP/1.1\r\nHost: x\r\n\r\n"); // the first bytes must say HTTP/1.1
    assert.equal((await c.read()).status, 200);
    await c.write(Buffer.from("\r\n".repeat(20_000)));
    assert.equal((await c.read()).status, 431);
    await c.closedByServer();
  });
});

test("a client that stalls its request body, or stops reading its answers, loses the connection after stalledMs", { timeout: 30_000 }, async () => {
  await withServer({ http1Timeouts: { stalledMs: 300 } }, async (server, open) => {
    const body = await open();
    await body.write(rawRequest("POST", "/userservice.UserService/CreateUser", { "Content-Type": "application/json", "Content-Length": "1000" }, '{"user'));
    const answer = await body.read("POST", 10_000);
    assert.equal(answer.status, 408);
    await body.closedByServer();
    await waitFor(() => server.stats().calls.inFlight === 0, "the stalled call to end");

    // Pipelined requests for big answers, never read: the server stops, then gives the connection up.
    const reader = await open();
    reader.pauseReading();
    await reader.write(Buffer.concat(Array.from({ length: 2 }, () => rawRequest("GET", "/big"))));
    await waitFor(() => server.stats().connectionsOpen === 0, "the server to drop a client that does not read", 20_000);
  });
});

test("the httpHandler's response is a Writable: pipe and pipeline stream a body (node:http's API, as over node:http)", async () => {
  for (const engine of ["tsgrpc", "node"] as const) {
    await withServer({ http1Engine: engine }, async (_server, open) => {
      const c = await open();
      for (const path of ["/pipe", "/pipeline"]) {
        await c.write(rawRequest("GET", path));
        const r = await c.read();
        assert.equal(r.status, 200, `${engine} ${path}`);
        assert.equal(r.body.toString(), Array.from({ length: 200 }, (_, i) => `line ${i}\n`).join(""), `${engine} ${path}`);
      }
    });
  }
});

test("a header a handler gets wrong throws at setHeader (nothing sent), so that it can still answer", async () => {
  await withServer({}, async (_server, open) => {
    const c = await open();
    await c.write(Buffer.concat([rawRequest("GET", "/bad-header"), rawRequest("GET", "/v1/users/1")]));
    const refused = await c.read();
    assert.equal(refused.status, 500);
    assert.equal(refused.body.toString(), "refused a bad header\n");
    assert.equal((await c.read()).status, 200, "the next answer, in step");
  });
});

test("a handler's own Date is the one sent; 100 Continue only for a body that is read", async () => {
  await withServer({}, async (_server, open) => {
    const c = await open();
    await c.write(rawRequest("GET", "/dated"));
    const dated = await c.read();
    assert.equal(dated.headerAll("date").length, 1);
    assert.equal(dated.header("date"), "Sun, 06 Nov 1994 08:49:37 GMT");
    await c.write(rawRequest("POST", "/ignore-body", { "Content-Length": "5", Expect: "100-continue" }));
    const first = await c.read("POST");
    assert.equal(first.status, 200, "the final answer, no 100 before it");
  });
});

test("HEAD of a server-streaming REST route: the headers, then the end (and the stream's handler cancelled)", async () => {
  await withServer({}, async (server, open) => {
    const c = await open();
    await c.write(Buffer.concat([rawRequest("HEAD", "/v1/users:watch"), rawRequest("GET", "/v1/users/1")]));
    const head = await c.read("HEAD");
    assert.equal(head.status, 200);
    assert.equal(head.header("content-type"), "application/x-ndjson");
    assert.equal((await c.read()).status, 200, "the request after it");
    await waitFor(() => server.stats().calls.inFlight === 0, "the watch to be cancelled");
  });
});

test("the connection says it closes: an early answer before the body is in, and an HTTP/1.0 body delimited by the close", async () => {
  await withServer({ maxReceiveMessageSize: 1024 }, async (_server, open) => {
    const early = await open();
    await early.write(rawRequest("POST", "/userservice.UserService/CreateUser", { "Content-Type": "application/json", "Content-Length": "100000" }, `{"username":"${"a".repeat(2000)}`));
    const r = await early.read("POST");
    assert.equal(r.status, 429);
    assert.equal(r.header("connection"), "close");
    await early.closedByServer();

    const old = await open();
    await old.write("GET /pipe HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    const streamed = await old.read();
    assert.equal(streamed.header("connection"), "close", "a close-delimited body");
    assert.equal(streamed.body.toString().split("\n").length, 201);
  });
});

test("an httpHandler that throws: the error is reported, the client gets a 500 and the server goes on", async () => {
  const reported: unknown[] = [];
  await withServer({ logError: (_message, error) => void reported.push(error) }, async (_server, open) => {
    const c = await open();
    await c.write(rawRequest("GET", "/throws"));
    assert.equal((await c.read()).status, 500);
    await c.closedByServer();
    assert.equal((reported[0] as Error).message, "a handler's bug");
    const next = await open();
    await next.write(rawRequest("GET", "/v1/users/1"));
    assert.equal((await next.read()).status, 200);
  });
});
