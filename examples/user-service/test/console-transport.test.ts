import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { browserTestSkip, CONSOLE_DIR, launchChromium, pageErrors } from "./chromium.js";
import { startApp, until, type Running } from "./helpers.js";

// The web console's protocol switch in headless Chromium: with each choice the page lists, creates (and shows the
// server's field violations), and watches users, and the server sees every call the page makes arrive over the chosen
// protocol (the content-type of each request, as the server's call tracer gets it).
const skip = browserTestSkip(true);
const WAIT = { timeout: 15_000 };

const USERS = "/userservice.UserService/";
const UNARY = [`${USERS}ListUsers`, `${USERS}CreateUser`];
const STREAMS = [`${USERS}WatchUsers`, "/grpc.health.v1.Health/Watch"];

/** The content-types each protocol of the switch sends, for unary and for server-streaming calls. */
const PROTOCOLS = {
  "grpc-web": { label: "gRPC-Web", unary: "application/grpc-web+proto", stream: "application/grpc-web+proto" },
  "connect-json": { label: "Connect (JSON)", unary: "application/json", stream: "application/connect+json" },
  "connect-binary": { label: "Connect (binary)", unary: "application/proto", stream: "application/connect+proto" },
} as const;
type Choice = keyof typeof PROTOCOLS;

/** Each call the server got: its path and its request's content-type. */
const seen: { path: string; contentType: string }[] = [];
let running: Running;
let browser: Browser;

before(async () => {
  if (skip) return;
  running = await startApp({
    consoleDir: CONSOLE_DIR,
    callTracer: ({ path, headers }) => void seen.push({ path, contentType: String(headers["content-type"]) }),
  });
  browser = await launchChromium();
});

const opened: Page[] = [];
afterEach(async () => {
  for (const page of opened.splice(0)) await page.close();
});

after(async () => {
  await browser?.close();
  await running?.stop();
});

/** Chromium logs each HTTP error status: Connect answers the refused create with 400 (INVALID_ARGUMENT), as it should. */
const REFUSED_CREATE = "Failed to load resource: the server responded with a status of 400 (Bad Request)";

/**
 * The console in a new browser context (nothing remembered yet), once it has made the calls it makes on opening: the
 * list, the live list and health, and the list again once the live list's first users arrive (the store here has fewer
 * users than a page holds, so the page is the last one, which the console lists again for new users).
 */
async function openConsole(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  opened.push(page);
  const errors = pageErrors(page, (text) => text === REFUSED_CREATE);
  const from = seen.length;
  await page.goto(`http://127.0.0.1:${running.port}/`);
  await page.waitForSelector("#live li[data-id='1']", WAIT);
  await page.waitForSelector("#health[data-status=SERVING]", WAIT);
  await until(() => seen.slice(from).filter((call) => call.path === `${USERS}ListUsers`).length === 2, "the list fetched again for the live list's users");
  return { page, errors };
}

/** The calls the server got since `from` (an index of `seen`), as "path content-type". */
const callsSince = (from: number) => seen.slice(from).map(({ path, contentType }) => `${path} ${contentType}`);

/** Waits until the server has got each of `paths` since `from`, then checks that every call since came over `choice`. */
async function assertCallsOver(choice: Choice, from: number, paths: string[]): Promise<void> {
  await until(() => paths.every((path) => seen.slice(from).some((call) => call.path === path)), `calls to ${paths.join(", ")}`);
  const { unary, stream } = PROTOCOLS[choice];
  const expected = seen.slice(from).map(({ path }) => `${path} ${UNARY.includes(path) ? unary : STREAMS.includes(path) ? stream : "(a call the console does not make)"}`);
  assert.deepEqual(callsSince(from), expected);
}

/** What the console does with users, the same whatever the protocol: a refused and an accepted create, live and listed. */
async function useConsole(page: Page, name: string): Promise<void> {
  await page.fill("#username", "X");
  await page.fill("#email", "not-an-email");
  await page.click("#create button[type=submit]");
  await page.waitForSelector("#username-error:not([hidden])", WAIT);
  assert.equal(await page.textContent("#username-error"), "Username must be 3 to 32 characters long");

  await page.fill("#username", name);
  await page.fill("#email", `${name}@example.com`);
  await page.click("#create button[type=submit]");
  const created = await page.waitForSelector(`#create-result:text-matches("^Created user \\\\d+: ${name}$")`, WAIT);
  const id = /user (\d+)/.exec((await created.textContent())!)![1];
  await page.waitForSelector(`#live li[data-id='${id}']`, WAIT);
  await page.waitForSelector(`#users tbody tr[data-id='${id}']`, WAIT);
  await page.selectOption("#page-size", "5");
  await page.waitForSelector('#page-caption:text-matches("^Page 1: users 1 to ")', WAIT);
}

test("web console: gRPC-Web until another protocol is chosen", { skip }, async () => {
  const from = seen.length;
  const { page, errors } = await openConsole();
  assert.equal(await page.inputValue("#transport"), "grpc-web");
  assert.deepEqual(await page.$$eval("#transport option", (options) => options.map((o) => o.textContent)), Object.values(PROTOCOLS).map((p) => p.label));
  await useConsole(page, "over.grpcweb");
  await assertCallsOver("grpc-web", from, [...UNARY, ...STREAMS]);
  assert.deepEqual(errors, []);
});

for (const choice of ["connect-json", "connect-binary"] as const) {
  test(`web console: switched to ${PROTOCOLS[choice].label}, every call the page makes goes over it, streams included`, { skip }, async () => {
    const { page, errors } = await openConsole();
    const from = seen.length;
    await page.selectOption("#transport", choice);
    // The switch restarts the page's streams and fetches the list again, over the new protocol.
    await assertCallsOver(choice, from, [`${USERS}ListUsers`, ...STREAMS]);
    await page.waitForSelector("#health[data-status=SERVING]", WAIT);
    await useConsole(page, `over.${choice.replace("-", ".")}`);
    await assertCallsOver(choice, from, [...UNARY, ...STREAMS]);
    assert.deepEqual(errors, []);
  });
}

test("web console: the chosen protocol is remembered by the browser across a reload", { skip }, async () => {
  const { page } = await openConsole();
  await page.selectOption("#transport", "connect-binary");
  const from = seen.length;
  await page.reload();
  await page.waitForSelector("#live li[data-id='1']", WAIT);
  assert.equal(await page.inputValue("#transport"), "connect-binary");
  await assertCallsOver("connect-binary", from, [`${USERS}ListUsers`, ...STREAMS]);
});
