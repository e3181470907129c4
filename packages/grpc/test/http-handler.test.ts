import { test, after } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:http2";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "../src/index.js";

// The server's httpHandler: requests that are neither gRPC nor gRPC-Web, on the gRPC port, with node's request and
// response API, over HTTP/1.1 and over HTTP/2 on either HTTP/2 implementation.
function handler(req: IncomingMessage, res: ServerResponse): void {
  if (req.url === "/hello") {
    res.setHeader("x-handled", "yes");
    res.writeHead(200, { "content-type": "text/plain" }).end(`hello over ${req.httpVersion}`);
  } else if (req.url === "/echo" && req.method === "POST") {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => res.writeHead(201).end(Buffer.concat(chunks)));
  } else if (req.url === "/chunks") {
    res.writeHead(200);
    for (let i = 0; i < 100; i++) res.write(Buffer.alloc(10_000, 97 + (i % 26)));
    res.end();
  } else {
    res.writeHead(404).end();
  }
}

const servers = await Promise.all((["tsgrpc", "node"] as const).map(async (engine) => {
  const server = createServer({ http2Engine: engine, httpHandler: handler as never });
  return { engine, server, port: await server.listen("127.0.0.1:0") };
}));
after(() => Promise.all(servers.map(({ server }) => server.shutdown(100))));

async function h2(port: number, path: string, body?: Buffer, initialWindowSize?: number): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  const client = connect(`http://127.0.0.1:${port}`, { settings: { initialWindowSize } });
  try {
    const req = client.request({ ":method": body ? "POST" : "GET", ":path": path });
    req.end(body);
    const chunks: Buffer[] = [];
    const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
      req.on("response", resolve);
      req.on("error", reject);
    });
    req.on("data", (c: Buffer) => chunks.push(c));
    await new Promise((resolve) => req.on("end", resolve));
    return { status: headers[":status"] as number, headers, body: Buffer.concat(chunks) };
  } finally {
    client.close();
  }
}

for (const { engine } of servers) {
  const port = () => servers.find((s) => s.engine === engine)!.port;
  const on = engine === "node" ? "node:http2" : "tsgrpc's HTTP/2 engine";

  test(`httpHandler over HTTP/2 (${on}): headers set both ways, a request body read, a body written in many chunks`, async () => {
    const hello = await h2(port(), "/hello");
    assert.equal(hello.status, 200);
    assert.equal(hello.headers["x-handled"], "yes");
    assert.equal(hello.body.toString(), "hello over 2.0");
    const upload = Buffer.alloc(300_000, 7);
    const echo = await h2(port(), "/echo", upload);
    assert.equal(echo.status, 201);
    assert.ok(echo.body.equals(upload));
    const chunks = await h2(port(), "/chunks");
    assert.equal(chunks.body.length, 1_000_000);
    assert.equal((await h2(port(), "/nowhere")).status, 404);
  });

  test(`httpHandler over HTTP/2 (${on}): a response that outgrows a small client window arrives whole`, async () => {
    // The handler ends while most of the body still waits for the client's window: the end is queued behind the
    // data, not taken for an abandoned response (which tsgrpc's engine once reset with CANCEL).
    // /echo reads the whole request before it answers, so node's Duplex is done both ways when the handler ends; a
    // body under the 16 KiB high-water mark is taken at once, and the end follows it while it still waits for window.
    const upload = Buffer.alloc(10_000, 7);
    for (const window of [5, 1000]) {
      const echo = await h2(port(), "/echo", upload, window);
      assert.ok(echo.body.equals(upload), `window ${window}: ${echo.body.length} bytes arrived`);
    }
  });

  test(`httpHandler over HTTP/1.1 next to gRPC on the same port (${on} for HTTP/2)`, async () => {
    const res = await fetch(`http://127.0.0.1:${port()}/hello`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "hello over 1.1");
  });
}
