import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { connect as http2Connect } from "node:http2";
import { fileURLToPath } from "node:url";
import { Compiler } from "@tsgrpc/compiler";
import { createServer, GrpcError, packDetail, ResourceInfo, RestRouteError, Status, type Server, type ServerContext, type ServerInterceptor } from "@tsgrpc/grpc";
import { createServiceDefinition } from "@tsgrpc/protobuf";
import { Registry } from "@tsgrpc/protobuf/codegen-support";

// REST/JSON transcoding (google.api.http) on tsgrpc's server, called over plain HTTP by curl (the independent client),
// fetch (HTTP/1.1) and node:http2: every rule shape the schema declares, errors as google.rpc.Status JSON with the HTTP
// status of their code, server streams as newline-delimited JSON, and the requests a route must refuse.
const protoDir = fileURLToPath(new URL("../../test/rest", import.meta.url));
const compiler = new Compiler({ includePaths: [protoDir] });
const registry = Registry.from(compiler.withImports(compiler.compile(["library.proto"])));
const Library = createServiceDefinition(registry.getService("tsgrpc.resttest.Library")!, registry);

type Book = { name: string; title: string; genre: number; pages: bigint; authors: string[]; published?: { seconds: bigint; nanos: number }; rating?: { value: number } };

/** The requests the handlers saw, newest last (what the query and body became). */
const seen: object[] = [];
/** What interceptors saw of each call: its gRPC path and an HTTP header as metadata. */
const intercepted: string[] = [];

const book = (name: string): Book => ({ name, title: "The Dispossessed", genre: 1, pages: 387n, authors: ["Ursula K. Le Guin"], published: { seconds: 138_758_400n, nanos: 0 }, rating: { value: 5 } });

const impl = {
  async getBook(req: { name: string; bookId: string }, ctx: ServerContext) {
    seen.push(req);
    if (req.name.includes("/slow/")) {
      await new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason), { once: true }));
    }
    if (req.name.includes("missing")) throw new GrpcError(Status.NOT_FOUND, `no book ${req.name}`, { details: [packDetail(ResourceInfo, { resourceType: "book", resourceName: req.name, description: "not on this shelf" })] });
    ctx.responseHeaders.set("x-served-by", "tsgrpc");
    return book(req.name || `books/${req.bookId}`);
  },
  listBooks(req: object) {
    seen.push(req);
    return { books: [book("shelves/1/books/1")], nextPageToken: "next" };
  },
  createBook(req: { parent: string; book?: Book }) {
    seen.push(req);
    return { ...book(`${req.parent}/books/new`), title: req.book?.title ?? "" };
  },
  updateBook(req: Book) {
    seen.push(req);
    return req;
  },
  deleteBook(req: { name: string }) {
    seen.push(req);
    return { deleted: book(req.name), remaining: 3 };
  },
  async *watchBooks(req: { pageSize: number; failAfterFirst: boolean }) {
    seen.push(req);
    for (let i = 1; i <= req.pageSize; i++) {
      yield book(`shelves/1/books/${i}`);
      if (req.failAfterFirst) throw new GrpcError(Status.UNAVAILABLE, "the shelf fell over");
    }
  },
  cover() {
    return { contentType: "image/svg+xml", data: new TextEncoder().encode("<svg/>"), extensions: [] };
  },
  unrouted(req: { name: string }) {
    return book(req.name);
  },
};

const recordCalls: ServerInterceptor = (next) => (call) => {
  intercepted.push(`${call.method.path} ${call.ctx.metadata.get("x-caller") ?? "-"}`);
  return next(call);
};

let server: Server;
let base = "";
let port = 0;

before(async () => {
  server = createServer({ interceptors: [recordCalls], maxReceiveMessageSize: 64 * 1024, cors: { allowedOrigins: ["https://app.example"] } });
  server.add(Library, impl as never);
  port = await server.listen("127.0.0.1:0");
  base = `http://127.0.0.1:${port}`;
});

after(() => server?.forceShutdown());

/** `curl ARGS` against the server: status, headers (lower-case) and body. */
function curl(args: string[]): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    execFile("curl", ["-s", "-i", "--max-time", "20", ...args], { encoding: "utf8" }, (error, stdout) => {
      if (error) return reject(error);
      const split = stdout.indexOf("\r\n\r\n");
      const [statusLine, ...lines] = stdout.slice(0, split).split("\r\n");
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
      resolve({ status: Number(statusLine!.split(" ")[1]), headers, body: stdout.slice(split + 4) });
    });
  });
}

const BOOK_JSON = { name: "shelves/1/books/2", title: "The Dispossessed", genre: "FICTION", pages: "387", authors: ["Ursula K. Le Guin"], published: "1974-05-26T00:00:00Z", rating: 5 };

test("curl: GET with a multi-segment path variable and an additional binding; HTTP headers reach interceptors as metadata", async () => {
  const r = await curl(["-H", "x-caller: curl", `${base}/v1/shelves/1/books/2`]);
  assert.equal(r.status, 200);
  assert.equal(r.headers["content-type"], "application/json");
  assert.equal(r.headers["x-served-by"], "tsgrpc");
  assert.deepEqual(JSON.parse(r.body), BOOK_JSON);
  assert.ok(intercepted.includes("/tsgrpc.resttest.Library/GetBook curl"));
  const other = await curl([`${base}/v1/books/7`]);
  assert.equal(JSON.parse(other.body).name, "books/7");
  assert.deepEqual(seen.at(-1), { name: "", bookId: "7" });
});

test("query parameters: repeated enums by name and number, a Timestamp, a FieldMask, by JSON or proto name", async () => {
  const r = await fetch(`${base}/v1/shelves/3/books?pageSize=2&genres=FICTION&genres=2&since=2026-01-01T00:00:00Z&read_mask=title,pages`);
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { books: [{ ...BOOK_JSON, name: "shelves/1/books/1" }], nextPageToken: "next" });
  const req = seen.at(-1) as { parent: string; pageSize: number; genres: number[]; since: { seconds: bigint }; readMask: { paths: string[] } };
  assert.equal(req.parent, "shelves/3");
  assert.equal(req.pageSize, 2);
  assert.deepEqual(req.genres, [1, 2]);
  assert.equal(req.since.seconds, 1_767_225_600n);
  assert.deepEqual(req.readMask.paths, ["title", "pages"]);
});

test("bodies: a body field with a query parameter, body * under a path variable, DELETE with response_body", async () => {
  const created = await curl(["-X", "POST", "-H", "content-type: application/json", "-d", '{"title": "Kindred", "pages": 264}', `${base}/v1/shelves/9/books?validateOnly=true`]);
  assert.equal(created.status, 200, created.body);
  assert.equal(JSON.parse(created.body).name, "shelves/9/books/new");
  const req = seen.at(-1) as { parent: string; book: Book; validateOnly: boolean };
  assert.deepEqual([req.parent, req.book.title, req.book.pages, req.validateOnly], ["shelves/9", "Kindred", 264n, true]);
  // The path has the last word over the body.
  const patched = await fetch(`${base}/v1/shelves/1/books/5`, { method: "PATCH", body: JSON.stringify({ name: "shelves/x/books/y", title: "New title", genre: "HISTORY" }) });
  assert.deepEqual(await patched.json(), { name: "shelves/1/books/5", title: "New title", genre: "HISTORY" });
  const deleted = await fetch(`${base}/v1/shelves/1/books/4`, { method: "DELETE" });
  assert.deepEqual(await deleted.json(), { ...BOOK_JSON, name: "shelves/1/books/4" }, "response_body: only the deleted field");
});

test("server streaming as newline-delimited JSON, an error after the first message as a last error line", async () => {
  const r = await fetch(`${base}/v1/shelves/1/books:watch?pageSize=3`);
  assert.equal(r.headers.get("content-type"), "application/x-ndjson");
  const lines = (await r.text()).trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.result.name), ["shelves/1/books/1", "shelves/1/books/2", "shelves/1/books/3"]);
  const failing = await fetch(`${base}/v1/shelves/1/books:watch?pageSize=3&failAfterFirst=true`);
  assert.equal(failing.status, 200);
  const out = (await failing.text()).trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(out, [{ result: { ...BOOK_JSON, name: "shelves/1/books/1" } }, { error: { code: Status.UNAVAILABLE, message: "the shelf fell over", details: [] } }]);
});

test("HttpBody responses go out as their own content type; HTTP/2 clients get the same routes, HEAD included", async () => {
  const cover = await fetch(`${base}/v1/shelves/1/books/2/cover`);
  assert.equal(cover.headers.get("content-type"), "image/svg+xml");
  assert.equal(await cover.text(), "<svg/>");
  const session = http2Connect(base);
  const request = (method: string) =>
    new Promise<{ status: number; length: string | undefined; body: string }>((resolve, reject) => {
      const stream = session.request({ ":method": method, ":path": "/v1/shelves/2/books/8" });
      let body = "";
      let status = 0;
      let length: string | undefined;
      stream.on("response", (h) => ([status, length] = [Number(h[":status"]), h["content-length"] as string | undefined]));
      stream.on("data", (d) => (body += d));
      stream.on("end", () => resolve({ status, length, body }));
      stream.on("error", reject);
    });
  try {
    const get = await request("GET");
    assert.equal(get.status, 200);
    assert.equal(JSON.parse(get.body).name, "shelves/2/books/8");
    // RFC 9110 9.3.2: HEAD is GET's answer without its content.
    assert.deepEqual(await request("HEAD"), { status: 200, length: get.length, body: "" });
    assert.equal(get.length, String(Buffer.byteLength(get.body)));
  } finally {
    session.close();
  }
});

test("errors are google.rpc.Status JSON with the HTTP status of their code, details in Any's JSON form; deadlines from grpc-timeout", async () => {
  const r = await curl([`${base}/v1/shelves/1/books/missing`]);
  assert.equal(r.status, 404);
  assert.deepEqual(JSON.parse(r.body), {
    code: Status.NOT_FOUND,
    message: "no book shelves/1/books/missing",
    details: [{ "@type": "type.googleapis.com/google.rpc.ResourceInfo", resourceType: "book", resourceName: "shelves/1/books/missing", description: "not on this shelf" }],
  });
  const slow = await fetch(`${base}/v1/shelves/slow/books/1`, { headers: { "grpc-timeout": "50m" } });
  assert.equal(slow.status, 504);
  assert.equal(((await slow.json()) as { code: number }).code, Status.DEADLINE_EXCEEDED);
});

test("requests a route cannot take: 405 with Allow, 404 off the templates, 400 naming the parameter or field, 429 past the size limit", async () => {
  const put = await fetch(`${base}/v1/shelves/1/books/2`, { method: "PUT", body: "{}" });
  assert.equal(put.status, 405);
  assert.equal(put.headers.get("allow"), "DELETE, GET, HEAD, PATCH");
  assert.equal((await fetch(`${base}/v1/shelves/1/books/2/extra`)).status, 404);
  assert.equal((await fetch(`${base}/v1/shelves//books/2`)).status, 404);
  const cases: [string, RequestInit, number, RegExp][] = [
    ["/v1/shelves/1/books?color=red", {}, 400, /query parameter "color": tsgrpc\.resttest\.ListBooksRequest has no such field/],
    ["/v1/shelves/1/books?pageSize=many", {}, 400, /page_?[sS]ize/],
    ["/v1/shelves/1/books?genres=PURPLE", {}, 400, /genres|Genre|PURPLE/],
    ["/v1/shelves/1/books?parent=shelves/2", {}, 400, /query parameter "parent": the path sets that field/],
    ["/v1/shelves/1/books/2", { method: "PATCH", body: '{"title": 7}' }, 400, /title/],
    ["/v1/shelves/1/books/2", { method: "PATCH", body: '{"subtitle": "x"}' }, 400, /subtitle/],
    ["/v1/shelves/1/books/2", { method: "PATCH", body: "{not json" }, 400, /not JSON/],
    ["/v1/shelves/1/books/2", { method: "PATCH", body: "[]" }, 400, /must be a JSON object/],
    ["/v1/books/7", { method: "GET", headers: { "content-type": "text/plain" }, body: undefined }, 200, /books\/7/],
    ["/v1/shelves/1/books", { method: "POST", body: JSON.stringify({ title: "x".repeat(100_000) }) }, 429, /larger than max/],
  ];
  for (const [path, init, status, why] of cases) {
    const r = await fetch(base + path, init);
    const text = await r.text();
    assert.equal(r.status, status, `${path}: ${text}`);
    assert.match(status === 200 ? text : (JSON.parse(text) as { message: string }).message, why, path);
    if (status !== 200) assert.equal(JSON.parse(text).code, status === 429 ? Status.RESOURCE_EXHAUSTED : Status.INVALID_ARGUMENT, path);
  }
  // A body on a route that takes none (GET), sent by curl as it would send any.
  const withBody = await curl(["-X", "GET", "-d", '{"name": "x"}', `${base}/v1/books/7`]);
  assert.equal(withBody.status, 400);
  assert.match((JSON.parse(withBody.body) as { message: string }).message, /GET \/v1\/books\/\{book_id\} takes no request body/);
});

test("CORS: a preflight allows the routes' methods; another origin is refused before the handler runs", async () => {
  const pre = await fetch(`${base}/v1/shelves/1/books/2`, { method: "OPTIONS", headers: { origin: "https://app.example", "access-control-request-method": "PATCH" } });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get("access-control-allow-methods"), "DELETE, GET, PATCH, POST");
  const before = seen.length;
  const r = await fetch(`${base}/v1/books/1`, { headers: { origin: "https://evil.example" } });
  assert.equal(r.status, 403);
  assert.equal(seen.length, before);
  const ok = await fetch(`${base}/v1/books/1`, { headers: { origin: "https://app.example" } });
  assert.equal(ok.headers.get("access-control-allow-origin"), "https://app.example");
});

test("rest: rules route a method without the option and replace one's; rest: false serves none; a rule that cannot work fails add()", async () => {
  const routed = createServer({ rest: { rules: [{ selector: "tsgrpc.resttest.Library.Unrouted", get: "/v2/unrouted/{name}" }, { selector: "tsgrpc.resttest.Library.GetBook", get: "/v2/books/{book_id}" }] } });
  routed.add(Library, impl as never);
  const off = createServer({ rest: false });
  off.add(Library, impl as never);
  const [p1, p2] = [await routed.listen("127.0.0.1:0"), await off.listen("127.0.0.1:0")];
  try {
    assert.equal(((await (await fetch(`http://127.0.0.1:${p1}/v2/unrouted/abc`)).json()) as Book).name, "abc");
    assert.equal(((await (await fetch(`http://127.0.0.1:${p1}/v2/books/5`)).json()) as Book).name, "books/5");
    assert.equal((await fetch(`http://127.0.0.1:${p1}/v1/books/5`)).status, 404, "the rule replaced the annotation");
    assert.equal((await fetch(`http://127.0.0.1:${p2}/v1/books/5`)).status, 404);
  } finally {
    routed.forceShutdown();
    off.forceShutdown();
  }
  const bad = createServer({ rest: { rules: [{ selector: "tsgrpc.resttest.Library.ListBooks", get: "/v2/{page_size.x}" }] } });
  assert.throws(() => bad.add(Library, impl as never), (e: Error) => e instanceof RestRouteError && /ListBooks.*"page_size" is not a message field/.test(e.message));
});
