import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import type { CallLogEntry } from "../src/call-log.js";
import { browserTestSkip, CONSOLE_DIR, launchChromium, pageErrors } from "./chromium.js";
import { startApp, type Running } from "./helpers.js";
import { servePage, type PageServer } from "./page-server.js";

// The web console and gRPC-Web in a real browser: Debian's chromium, headless, driven by playwright-core.
const SCREENSHOT = fileURLToPath(new URL("../../../../docs/web-console.png", import.meta.url));
const skip = browserTestSkip(true);

const WAIT = { timeout: 15_000 };
let running: Running;
let browser: Browser;
const log: CallLogEntry[] = [];
/** WatchUsers subscriptions the store holds now: each open watch holds one until the server frees it. */
let subscriptions = 0;

before(async () => {
  if (skip) return;
  // Pages of 127.0.0.1 may call; pages of localhost may not (the default also allows localhost: narrowed here to test refusal).
  running = await startApp({ consoleDir: CONSOLE_DIR, allowedOrigins: ["http://127.0.0.1:*"], log: (e) => log.push(e) });
  const onChange = running.app.store.onChange.bind(running.app.store);
  running.app.store.onChange = (listener) => {
    const unsubscribe = onChange(listener);
    subscriptions++;
    return () => {
      subscriptions--;
      return unsubscribe();
    };
  };
  browser = await launchChromium();
});

/** Pages a test opened: closed after it, whether it passed or not, so that the next one starts with no watchers. */
const opened: Page[] = [];
async function newPage(): Promise<Page> {
  const page = await browser.newPage();
  opened.push(page);
  return page;
}
afterEach(async () => {
  for (const page of opened.splice(0)) await page.close();
});

after(async () => {
  await browser?.close();
  await running?.stop();
});

async function until(what: string, condition: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function openConsole(): Promise<Page> {
  const page = await newPage();
  const errors = pageErrors(page);
  await page.goto(`http://127.0.0.1:${running.port}/`);
  await page.waitForSelector("#users tbody tr", WAIT);
  await page.waitForSelector("#live li[data-id='1']", WAIT);
  assert.deepEqual(errors, []);
  return page;
}

const liveIds = (page: Page) => page.$$eval("#live li", (items) => items.map((li) => Number(li.getAttribute("data-id"))));
const rowIds = (page: Page) => page.$$eval("#users tbody tr", (rows) => rows.map((tr) => Number(tr.getAttribute("data-id"))));

test("web console: the user list, health, a validation error from the server, a created user live in a second page", { skip }, async () => {
  const first = await openConsole();
  const second = await openConsole();
  assert.deepEqual(await rowIds(first), [1, 2]);
  await first.waitForSelector("#health[data-status=SERVING]", WAIT);

  // The server's BadRequest field violations, shown at their fields.
  await first.fill("#username", "X");
  await first.fill("#email", "not-an-email");
  await first.click("#create button[type=submit]");
  await first.waitForSelector("#username-error:not([hidden])", WAIT);
  assert.equal(await first.textContent("#username-error"), "Username must be 3 to 32 characters long");
  assert.match((await first.textContent("#email-error"))!, /^Email must be one local part/);
  assert.equal(await first.getAttribute("#username", "aria-invalid"), "true");
  assert.ok(log.some((e) => e.method.endsWith("/CreateUser") && e.status === "INVALID_ARGUMENT"));

  await first.fill("#username", "carol");
  await first.fill("#email", "carol@example.com");
  await first.click("#create button[type=submit]");
  await first.waitForSelector('#create-result:text-is("Created user 3: carol")', WAIT);
  assert.equal(await first.getAttribute("#username", "aria-invalid"), null);
  // The second page never reloads: WatchUsers brings carol, and its list (on its last page) shows her too.
  await second.waitForSelector("#live li[data-id='3']", WAIT);
  await second.waitForSelector("#users tbody tr[data-id='3']", WAIT);

  // A user created anywhere (here by a gRPC client) appears in both pages.
  await running.client.createUser({ username: "dora", email: "dora@example.com" });
  for (const page of [first, second]) await page.waitForSelector("#live li[data-id='4']", WAIT);
  assert.deepEqual(await liveIds(second), [4, 3, 2, 1]);

  for (const page of [first, second]) await page.waitForSelector("#users tbody tr[data-id='4']", WAIT);

  mkdirSync(dirname(SCREENSHOT), { recursive: true });
  await first.setViewportSize({ width: 1200, height: 720 });
  await first.screenshot({ path: SCREENSHOT, fullPage: true });
});

test("web console: pages of users forward and back", { skip }, async () => {
  for (let i = 0; i < 5; i++) await running.client.createUser({ username: `pager${i}`, email: `pager${i}@example.com` });
  const page = await openConsole();
  await page.selectOption("#page-size", "5");
  await page.waitForSelector('#page-caption:text-matches("^Page 1: users 1 to 5$")', WAIT);
  const firstPage = await rowIds(page);
  assert.equal(await page.isDisabled("#prev"), true);
  await page.click("#next");
  await page.waitForSelector('#page-caption:text-matches("^Page 2")', WAIT);
  const secondPage = await rowIds(page);
  assert.ok(secondPage[0]! > firstPage[4]!, `${secondPage} follows ${firstPage}`);
  await page.click("#prev");
  await page.waitForSelector('#page-caption:text-matches("^Page 1")', WAIT);
  assert.deepEqual(await rowIds(page), firstPage);
});

test("web console: stopping the watch cancels the stream on the server; closing the tab mid-stream frees the watcher", { skip }, async () => {
  await until("no watchers left from earlier tests", () => subscriptions === 0);
  const stopped = await openConsole();
  const closed = await openConsole();
  await until("both pages watching", () => subscriptions === 2);
  const cancelledBefore = log.filter((e) => e.method.endsWith("/WatchUsers") && e.status === "CANCELLED").length;

  await stopped.click("#watch-toggle");
  assert.equal(await stopped.textContent("#watch-state"), "stopped");
  await until("the stopped watch freed", () => subscriptions === 1);

  await closed.close();
  await until("the closed tab's watch freed", () => subscriptions === 0);
  await until("both watches logged as cancelled", () => log.filter((e) => e.method.endsWith("/WatchUsers") && e.status === "CANCELLED").length === cancelledBefore + 2);

  // Watching again opens a new stream that sees new users.
  await stopped.click("#watch-toggle");
  await until("watching again", () => subscriptions === 1);
  const { user } = await running.client.createUser({ username: "after.stop", email: "after.stop@example.com" });
  await stopped.waitForSelector(`#live li[data-id='${user!.id}']`, WAIT);
});

/** A page of another origin on its own tiny server: `script` is bundled into it by esbuild. */
async function foreignPage(host: string, script: string): Promise<{ page: Page; server: PageServer }> {
  const server = await servePage(script);
  const page = await newPage();
  await page.goto(`http://${host}:${server.port}/`);
  await page.waitForFunction(() => "calls" in globalThis, undefined, WAIT);
  return { page, server };
}

// The official grpc-web client (GrpcWebClientBase, as protoc-gen-grpc-web's generated code uses it) with our codecs.
const OFFICIAL_CLIENT = `
import { GrpcWebClientBase, MethodDescriptor, MethodType } from "grpc-web";
import { GetUserRequest, GetUserResponse, WatchUsersRequest, User } from "../src/gen/user_service_pb.js";
const getUser = new MethodDescriptor("/userservice.UserService/GetUser", MethodType.UNARY, Object, Object, (r) => GetUserRequest.encode(r), (b) => GetUserResponse.decode(b));
const watchUsers = new MethodDescriptor("/userservice.UserService/WatchUsers", MethodType.SERVER_STREAMING, Object, Object, (r) => WatchUsersRequest.encode(r), (b) => User.decode(b));
window.calls = {
  getUser(base, format, id) {
    const client = new GrpcWebClientBase({ format });
    return client.unaryCall(base + "/userservice.UserService/GetUser", GetUserRequest.create({ id }), { "x-trace": "t1" }, getUser)
      .then((r) => ({ username: r.user.username }), (e) => ({ code: e.code, message: e.message }));
  },
  watchUsers(base, count) {
    return new Promise((resolve) => {
      const names = [];
      const stream = new GrpcWebClientBase({ format: "text" }).serverStreaming(base + "/userservice.UserService/WatchUsers", WatchUsersRequest.create({}), {}, watchUsers);
      // Messages that arrived in the same chunk are still delivered after cancel(): only the first count are kept.
      stream.on("data", (u) => { names.push(u.username); if (names.length === count) { stream.cancel(); resolve({ names: names.slice() }); } });
      stream.on("error", (e) => resolve({ names, code: e.code, message: e.message }));
    });
  },
};
`;

test("the official grpc-web client from a page of another allowed origin: unary (binary and text), errors, server streaming", { skip }, async () => {
  const { page, server } = await foreignPage("127.0.0.1", OFFICIAL_CLIENT);
  try {
    const base = `http://127.0.0.1:${running.port}`;
    const call = (format: string, id: number) => page.evaluate(([b, f, i]) => (globalThis as any).calls.getUser(b, f, i), [base, format, id] as const);
    assert.deepEqual(await call("binary", 1), { username: "alice" });
    assert.deepEqual(await call("text", 2), { username: "bob" });
    assert.deepEqual(await call("text", 999), { code: 5, message: "User 999 not found" });
    assert.deepEqual(await call("binary", -1), { code: 3, message: "User ID must be positive" });
    const watched = await page.evaluate(([b]) => (globalThis as any).calls.watchUsers(b, 2), [base] as const);
    assert.deepEqual(watched, { names: ["alice", "bob"] });
    await until("the cancelled stream freed", () => subscriptions === 0);
  } finally {
    server.close();
  }
});

// tsgrpc's own browser client, from a page of an origin the server does not allow: the browser's preflight is refused,
// so the call fails in the page and the handler never runs.
const OUR_CLIENT = `
import { createClient, createGrpcWebTransport } from "@tsgrpc/grpc/web";
import { UserService } from "../src/gen/user_service_pb.js";
window.calls = {
  getUser(base, id) {
    const client = createClient(UserService, createGrpcWebTransport({ baseUrl: base }));
    return client.getUser({ id }).then((r) => ({ username: r.user.username }), (e) => ({ code: e.code, message: e.rawMessage }));
  },
};
`;

test("a page of an origin that is not allowed: the preflight is refused and nothing runs on the server", { skip }, async () => {
  const allowed = await foreignPage("127.0.0.1", OUR_CLIENT);
  const refused = await foreignPage("localhost", OUR_CLIENT);
  try {
    const base = `http://127.0.0.1:${running.port}`;
    const getUser = (page: Page) => page.evaluate(([b]) => (globalThis as any).calls.getUser(b, 2), [base] as const);
    assert.deepEqual(await getUser(allowed.page), { username: "bob" });
    const calls = log.length;
    const result = await getUser(refused.page);
    assert.equal(result.code, 14, `UNAVAILABLE: the browser hides why (CORS): ${JSON.stringify(result)}`);
    assert.equal(log.length, calls, "no call reached the service");
  } finally {
    allowed.server.close();
    refused.server.close();
  }
});
