import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { createServer, GrpcError, Status, wasCompressed, type Server, type ServerContext } from "@tsgrpc/grpc";
import { UserService, type CreateUserRequest } from "../src/gen/user_service_pb.js";
import { browserTestSkip, launchChromium } from "./chromium.js";
import { servePage, type PageServer } from "./page-server.js";

// tsgrpc's Connect transport compressing in headless Chromium, from a page of another origin: requests compressed by
// the browser's CompressionStream (a unary body whole, a stream's messages one by one), responses compressed by the
// server decoded (a unary body by the browser's fetch, a stream's messages by DecompressionStream), through CORS.
const skip = browserTestSkip(false);

const PAGE = `
import { createClient, createConnectTransport } from "@tsgrpc/grpc/web";
import { UserService } from "../src/gen/user_service_pb.js";

/** Each response's encodings, as the page can read them. */
const responses = [];
const recordingFetch = async (url, init) => {
  const response = await fetch(url, init);
  responses.push(new URL(url).pathname.split("/").pop() + " " + (response.headers.get("content-encoding") ?? response.headers.get("connect-content-encoding") ?? "-"));
  return response;
};
async function* requests(...usernames) {
  for (const username of usernames) yield { username };
}
window.calls = {
  async compressed(baseUrl, useBinaryFormat) {
    const client = createClient(UserService, createConnectTransport({ baseUrl, useBinaryFormat, sendCompression: "gzip", compressMinBytes: 0, fetch: recordingFetch }));
    const created = await client.createUser({ username: "x".repeat(3000), email: "x@example.com" });
    const watched = [];
    for await (const user of client.watchUsers({})) watched.push(user.username);
    const bulk = await client.bulkCreateUsers(requests("a", "b"));
    return { created: created.user.username.length, watched, bulk: bulk.createdCount, responses: responses.splice(0) };
  },
  brotli() {
    try {
      createConnectTransport({ baseUrl: "/", sendCompression: "br" });
      return "accepted";
    } catch (e) {
      return e.message;
    }
  },
};
`;

const unimplemented = async () => {
  throw new GrpcError(Status.UNIMPLEMENTED, "not in this test");
};

/** What the server got: each call's request encoding header, and whether each streamed request arrived compressed. */
const received: string[] = [];
let server: Server;
let base: string;
let pageServer: PageServer;
let browser: Browser;
let page: Page;

before(async () => {
  if (skip) return;
  pageServer = await servePage(PAGE);
  server = createServer({
    cors: { allowedOrigins: [`http://127.0.0.1:${pageServer.port}`] },
    callTracer: ({ path, headers }) => void received.push(`${path.split("/").pop()} ${headers["content-encoding"] ?? headers["connect-content-encoding"] ?? "-"}`),
  }).add(UserService, {
    getUser: unimplemented,
    listUsers: unimplemented,
    userChat: unimplemented,
    async createUser(req: CreateUserRequest, ctx: ServerContext) {
      ctx.responseCompression = "gzip";
      return { user: { id: 1, username: req.username, email: req.email } };
    },
    async *watchUsers(_req: unknown, ctx: ServerContext) {
      ctx.responseCompression = "gzip";
      yield { id: 1, username: "alice" };
      yield { id: 2, username: "bob" };
    },
    async bulkCreateUsers(requests: AsyncIterable<CreateUserRequest>) {
      let createdCount = 0;
      for await (const request of requests) {
        received.push(`BulkCreateUsers message ${wasCompressed(request) ? "compressed" : "plain"}`);
        createdCount++;
      }
      return { createdCount };
    },
  } as never);
  base = `http://127.0.0.1:${await server.listen("127.0.0.1:0")}`;
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${pageServer.port}/`);
  await page.waitForFunction(() => "calls" in globalThis);
});

after(async () => {
  await browser?.close();
  pageServer?.close();
  await server?.shutdown(100);
});

const call = (name: string, ...args: unknown[]): Promise<any> => page.evaluate(([n, a]) => (globalThis as any).calls[n as string](...(a as unknown[])), [name, args] as const);

for (const binary of [true, false]) {
  test(`tsgrpc's Connect transport (${binary ? "binary" : "JSON"}) in Chromium, sendCompression gzip: the server gets gzip, the page decodes the server's gzip`, { skip }, async () => {
    received.length = 0;
    const result = await call("compressed", base, binary);
    assert.deepEqual(result, {
      created: 3000,
      watched: ["alice", "bob"],
      bulk: 2,
      responses: ["CreateUser gzip", "WatchUsers gzip", "BulkCreateUsers -"],
    });
    // A JSON stream's messages reach the call transcoded to binary by the server's exchange, which decompressed them.
    const arrived = `BulkCreateUsers message ${binary ? "compressed" : "plain"}`;
    assert.deepEqual(received, ["CreateUser gzip", "WatchUsers gzip", "BulkCreateUsers gzip", arrived, arrived]);
  });
}

test("tsgrpc's Connect transport in Chromium refuses sendCompression br, unless Chromium's CompressionStream has Brotli", { skip }, async () => {
  const answer = await call("brotli");
  assert.ok(answer === "accepted" || /^Compression "br" is not supported here: this runtime's CompressionStream speaks gzip/.test(answer), answer);
});
