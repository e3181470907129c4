import { test, after } from "node:test";
import assert from "node:assert/strict";
import { connect, type ClientHttp2Session } from "node:http2";
import { Agent, request as http1Request } from "node:http";
import { createServer } from "../src/index.js";
import { UserService, userServiceImpl } from "./user-service-fixture.js";

// The router's one policy for odd requests: the same request gets the same answer whichever listener path carries it
// (HTTP/2 on tsgrpc's engine, HTTP/2 on node:http2, HTTP/1.1), and its body is drained, so that the connection keeps
// serving (each body is larger than HTTP/2's default 64 KiB window: one left unread would stall the next request).

const servers = await Promise.all((["tsgrpc", "node"] as const).map(async (engine) => {
  const server = createServer({ http2Engine: engine, logError: () => {} }).add(UserService, userServiceImpl());
  return { engine, server, port: await server.listen("127.0.0.1:0") };
}));
after(() => Promise.all(servers.map(({ server }) => server.shutdown(100))));

interface Answer {
  status: number;
  allow: string | undefined;
  grpcStatus: string | undefined;
}

interface OddRequest {
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  expected: Answer;
}

const GET_USER = "/userservice.UserService/GetUser";
const BODY = Buffer.alloc(100_000, 1);
const odd: OddRequest[] = [
  { name: "an unknown path", method: "POST", path: "/nowhere.Service/Nothing", headers: { "content-type": "application/json" }, expected: { status: 404, allow: undefined, grpcStatus: undefined } },
  { name: "a GET of an unknown path", method: "GET", path: "/nowhere", headers: {}, expected: { status: 404, allow: undefined, grpcStatus: undefined } },
  { name: "a GET of a method", method: "GET", path: GET_USER, headers: {}, expected: { status: 405, allow: "POST", grpcStatus: undefined } },
  { name: "a PUT of a method", method: "PUT", path: GET_USER, headers: { "content-type": "application/grpc-web+proto" }, expected: { status: 405, allow: "POST", grpcStatus: undefined } },
  { name: "a wrong content-type", method: "POST", path: GET_USER, headers: { "content-type": "text/plain" }, expected: { status: 415, allow: undefined, grpcStatus: undefined } },
  { name: "no content-type", method: "POST", path: GET_USER, headers: {}, expected: { status: 415, allow: undefined, grpcStatus: undefined } },
  {
    name: "a gRPC-Web call to a method the server does not have",
    method: "POST",
    path: "/userservice.UserService/Nope",
    headers: { "content-type": "application/grpc-web+proto" },
    expected: { status: 200, allow: undefined, grpcStatus: "12" },
  },
];

/** Sends a request with BODY on an HTTP/2 session; resolves once its response has ended. */
function overHttp2(session: ClientHttp2Session, r: OddRequest, body: Buffer | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ":method": r.method, ":path": r.path, ...r.headers }, { endStream: body === undefined });
    let answer: Answer | undefined;
    stream.on("response", (h) => (answer = { status: h[":status"]!, allow: h["allow"] as string | undefined, grpcStatus: h["grpc-status"] as string | undefined }));
    stream.on("data", () => {});
    stream.on("error", () => {}); // the server may reset the unread rest (NO_ERROR) after its answer
    stream.on("close", () => (answer ? resolve(answer) : reject(new Error(`${r.name}: no response (rst ${stream.rstCode})`))));
    if (body) stream.end(body);
  });
}

function overHttp1(port: number, agent: Agent, r: OddRequest, body: Buffer | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http1Request({ host: "127.0.0.1", port, agent, method: r.method, path: r.path, headers: r.headers }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode!, allow: res.headers["allow"], grpcStatus: res.headers["grpc-status"] as string | undefined }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** The ordinary request that must still work on the same connection afterwards. */
const probe: OddRequest = { name: "probe", method: "GET", path: "/nowhere", headers: {}, expected: odd[1]!.expected };

for (const { engine } of servers) {
  const port = () => servers.find((s) => s.engine === engine)!.port;
  const on = engine === "node" ? "node:http2" : "tsgrpc's HTTP/2 engine";

  test(`odd requests over HTTP/2 (${on}) get the router's answers, and the connection keeps serving`, async () => {
    const session = connect(`http://127.0.0.1:${port()}`);
    session.on("error", () => {});
    try {
      for (const r of odd) {
        const body = r.method === "GET" ? undefined : BODY;
        assert.deepEqual(await overHttp2(session, r, body), r.expected, r.name);
      }
      // 6 x 100 KB sent on a connection whose window is 64 KiB: only a server that drained them gets this far.
      assert.deepEqual(await overHttp2(session, probe, undefined), probe.expected);
    } finally {
      session.close();
    }
  });
}

test("odd requests over HTTP/1.1 get the same answers, and the keep-alive connection keeps serving", async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let sockets = 0;
  agent.on("free", () => {});
  try {
    for (const r of odd) {
      const body = r.method === "GET" ? undefined : BODY;
      const req = overHttp1(servers[0]!.port, agent, r, body);
      assert.deepEqual(await req, r.expected, r.name);
    }
    assert.deepEqual(await overHttp1(servers[0]!.port, agent, probe, undefined), probe.expected);
    sockets = Object.values(agent.freeSockets).flat().length;
    assert.equal(sockets, 1, "one keep-alive connection served every request");
  } finally {
    agent.destroy();
  }
});

test("a method's path stays the RPC server's with an httpHandler, and refusals carry CORS headers for allowed origins", async () => {
  let handled = 0;
  const server = createServer({ cors: { allowedOrigins: ["https://app.example"] }, httpHandler: (_req, res) => (handled++, res.writeHead(200).end("page")) }).add(UserService, userServiceImpl());
  const port = await server.listen("127.0.0.1:0");
  try {
    // A Connect GET of a method without NO_SIDE_EFFECTS: 405, not the page server's answer.
    const get = await fetch(`http://127.0.0.1:${port}${GET_USER}?connect=v1&encoding=json&message=%7B%7D`, { headers: { origin: "https://app.example" } });
    assert.deepEqual([get.status, get.headers.get("allow"), get.headers.get("access-control-allow-origin")], [405, "POST", "https://app.example"]);
    const wrongType = await fetch(`http://127.0.0.1:${port}${GET_USER}`, { method: "POST", headers: { "content-type": "text/plain", origin: "https://app.example" }, body: "x" });
    assert.deepEqual([wrongType.status, wrongType.headers.get("access-control-allow-origin")], [415, "https://app.example"]);
    const other = await fetch(`http://127.0.0.1:${port}${GET_USER}`, { method: "PUT", headers: { origin: "https://evil.example" } });
    assert.deepEqual([other.status, other.headers.get("access-control-allow-origin")], [405, null]);
    assert.equal((await fetch(`http://127.0.0.1:${port}/index.html`)).status, 200);
    assert.equal(handled, 1, "only the page went to the httpHandler");
  } finally {
    await server.shutdown(100);
  }
});
