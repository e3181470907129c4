import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { base64Encode, getDescriptorRegistry, messageType } from "@tsgrpc/protobuf/codegen-support";
import { file_user_service } from "../src/gen/user_service_pb.js";
import { browserTestSkip, launchChromium } from "./chromium.js";
import { until } from "./helpers.js";
import { servePage, type PageServer } from "./page-server.js";
import { callLog, killStarted, start, type Started } from "./server-process.js";

// connect-es's browser client, @connectrpc/connect-web, as the independent Connect client of `npm start`'s server: its
// Connect transport, bundled by esbuild into a page of another (allowed) origin in headless Chromium, calls the
// UserService in JSON and in binary. It needs the schema in @bufbuild/protobuf's form: the page builds it at run time
// from user_service.proto's descriptor (the one the generated code carries) with createFileRegistry.
const skip = browserTestSkip(false);

const FileDescriptorSet = messageType(getDescriptorRegistry().getMessage("google.protobuf.FileDescriptorSet")!);
const descriptorsOf = (file: object) => base64Encode(FileDescriptorSet.encode({ file: [file] }));
/** user_service.proto as it is: no method has `idempotency_level = NO_SIDE_EFFECTS`, so no call may be a GET. */
const DESCRIPTORS = descriptorsOf(file_user_service.proto);
/** The same with GetUser marked NO_SIDE_EFFECTS on the client only: the client sends GETs the server must refuse. */
const MARKED_DESCRIPTORS = descriptorsOf({
  ...file_user_service.proto,
  service: file_user_service.proto.service.map((s) => ({ ...s, method: s.method.map((m) => (m.name === "GetUser" ? { ...m, options: { idempotencyLevel: 1 } } : m)) })),
});

const PAGE = `
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { base64Decode } from "@bufbuild/protobuf/wire";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";

/** Each request the transport made, as "METHOD content-type". */
const sent = [];
const recordingFetch = (url, init) => {
  sent.push(init.method + " " + (new Headers(init.headers).get("content-type") ?? "-"));
  return fetch(url, init);
};
/** A connect-web client of the UserService; config: { baseUrl, useBinaryFormat, useHttpGet, descriptors }. */
function client({ descriptors, ...options }) {
  const UserService = createFileRegistry(fromBinary(FileDescriptorSetSchema, base64Decode(descriptors))).getService("userservice.UserService");
  return createClient(UserService, createConnectTransport({ ...options, fetch: recordingFetch }));
}
const failure = (e) => (e instanceof ConnectError ? { code: Code[e.code], rawMessage: e.rawMessage, message: e.message } : { thrown: String(e) });
const settle = (call) => call.catch(failure);

window.calls = {
  sent: () => sent.splice(0),
  getUser: (config, id) => settle(client(config).getUser({ id }).then((r) => ({ username: r.user.username }))),
  listUsers: (config, pageSize, pageToken) => settle(client(config).listUsers({ pageSize, pageToken }).then((r) => ({ usernames: r.users.map((u) => u.username), nextPageToken: r.nextPageToken }))),
  createUser: (config, username, email) => settle(client(config).createUser({ username, email }).then((r) => ({ id: r.user.id, username: r.user.username }))),
  /**
   * Reads count users of WatchUsers, then cancels the call with its signal (connect-es's streams have no return():
   * leaving the loop alone would leave the request open). Users that arrive after the cancel are not kept.
   */
  async watchUsers(config, count) {
    const names = [];
    const control = new AbortController();
    try {
      for await (const user of client(config).watchUsers({}, { signal: control.signal })) {
        if (names.length < count) names.push(user.username);
        if (names.length === count) control.abort();
      }
    } catch (e) {
      return { names, ...failure(e) };
    }
    return { names, ended: "by the server" };
  },
};
`;

let server: Started;
let browser: Browser;
let pageServer: PageServer;
let page: Page;
let base: string;

before(async () => {
  if (skip) return;
  server = await start(["--db", ":memory:"]);
  base = `http://127.0.0.1:${server.port}`;
  pageServer = await servePage(PAGE);
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${pageServer.port}/`);
  await page.waitForFunction(() => "calls" in globalThis);
});

after(async () => {
  await browser?.close();
  pageServer?.close();
  killStarted();
});

type Config = { baseUrl: string; useBinaryFormat: boolean; useHttpGet?: boolean; descriptors: string };
const config = (useBinaryFormat: boolean, extra: Partial<Config> = {}): Config => ({ baseUrl: base, useBinaryFormat, descriptors: DESCRIPTORS, ...extra });
/** Runs window.calls[name](...args) in the page. */
const call = (name: string, ...args: unknown[]): Promise<any> => page.evaluate(([n, a]) => (globalThis as any).calls[n as string](...(a as unknown[])), [name, args] as const);
/** The server's call log entries for `method` (its name) so far. */
const logged = (method: string) => callLog(server).filter((e) => e.method === `/userservice.UserService/${method}`);

for (const binary of [false, true]) {
  const format = binary ? "binary" : "JSON";
  const unaryType = binary ? "application/proto" : "application/json";

  test(`connect-web (${format}) in Chromium -> npm start: GetUser, ListUsers, CreateUser, a NOT_FOUND`, { skip }, async () => {
    await call("sent");
    assert.deepEqual(await call("getUser", config(binary), 1), { username: "alice" });
    const first = await call("listUsers", config(binary), 1, "");
    assert.deepEqual(first.usernames, ["alice"]);
    assert.notEqual(first.nextPageToken, "");
    assert.deepEqual((await call("listUsers", config(binary), 1, first.nextPageToken)).usernames, ["bob"]);
    const name = `connectweb.${format.toLowerCase()}`;
    const created = await call("createUser", config(binary), name, `${name}@example.com`);
    assert.equal(created.username, name);
    assert.deepEqual(await call("getUser", config(binary), created.id), { username: name });

    // connect-web's ConnectError: the code, the server's message, and the message with the code before it.
    assert.deepEqual(await call("getUser", config(binary), 999), { code: "NotFound", rawMessage: "User 999 not found", message: "[not_found] User 999 not found" });
    assert.deepEqual(await call("sent"), Array(6).fill(`POST ${unaryType}`));
    await until(() => logged("GetUser").at(-1)?.status === "NOT_FOUND", "the server to log the NOT_FOUND");
  });

  test(`connect-web (${format}) in Chromium -> npm start: WatchUsers read for two users, then cancelled: the server sees the cancel`, { skip }, async () => {
    const cancelled = () => logged("WatchUsers").filter((e) => e.status === "CANCELLED").length;
    const before = cancelled();
    await call("sent");
    const watched = await call("watchUsers", config(binary), 2);
    assert.deepEqual([watched.names, watched.code], [["alice", "bob"], "Canceled"]);
    assert.deepEqual(await call("sent"), [`POST application/connect+${binary ? "proto" : "json"}`]);
    await until(() => cancelled() === before + 1, "the server to log the left stream as CANCELLED");
  });
}

test("connect-web with useHttpGet: GetUser still goes as a POST (user_service.proto marks no method NO_SIDE_EFFECTS); marked on the client only, its GET is not served", { skip }, async () => {
  await call("sent");
  assert.deepEqual(await call("getUser", config(false, { useHttpGet: true }), 2), { username: "bob" });
  assert.deepEqual(await call("sent"), ["POST application/json"]);

  // The server hands a GET of a method it does not serve by GET to its httpHandler (the console: 404), with no CORS
  // headers, so the page learns only that the fetch failed: connect-web reports UNKNOWN "Failed to fetch".
  const calls = logged("GetUser").length;
  const refused = await call("getUser", config(false, { useHttpGet: true, descriptors: MARKED_DESCRIPTORS }), 2);
  assert.deepEqual(await call("sent"), ["GET -"]);
  assert.ok(refused.code !== undefined && refused.username === undefined, JSON.stringify(refused));
  // The handler never ran: the next GetUser the server logs is the POST that follows.
  assert.deepEqual(await call("getUser", config(false), 1), { username: "alice" });
  await until(() => logged("GetUser").length > calls, "the server to log the POST");
  assert.deepEqual(logged("GetUser").slice(calls).map((e) => e.status), ["OK"]);
});
