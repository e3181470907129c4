import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { existsSync } from "node:fs";
import { engineServer } from "./raw-peer.js";

// nghttp2's command-line peers against the engine: curl with prior knowledge (h2c) and h2load under load.
const server = await engineServer();
after(() => server.close());
const has = (tool: string) => existsSync(`/usr/bin/${tool}`);
/** Runs a tool without blocking this process (which is also the server). */
const run = (tool: string, args: string[]) => promisify(execFile)(tool, args, { encoding: "utf8", timeout: 60_000 });

test("curl --http2-prior-knowledge: a POST is echoed with its headers and trailers", { skip: has("curl") ? false : "no curl" }, async () => {
  const { stdout } = await run("curl", ["-sS", "--http2-prior-knowledge", "-D", "-", "--data-binary", "hello engine", `http://127.0.0.1:${server.port}/curl`]);
  // curl -D - prints the response headers, then the body, then the trailers (the echo server sends x-done: 1).
  const [head, rest] = stdout.split("\r\n\r\n", 2) as [string, string | undefined];
  assert.match(head, /^HTTP\/2 200/);
  assert.match(head, /\r\nx-path: \/curl$/m);
  assert.equal(rest, "hello engine" + "x-done: 1\r\n", "the body, then the trailers");
});

test("h2load: 20,000 requests over 4 connections, 32 streams each, all answered", { skip: has("h2load") ? false : "no h2load (apt-get install nghttp2-client)" }, async () => {
  const { stdout } = await run("h2load", ["-n", "20000", "-c", "4", "-m", "32", `http://127.0.0.1:${server.port}/load`]);
  assert.match(stdout, /requests: 20000 total, 20000 started, 20000 done, 20000 succeeded, 0 failed, 0 errored/);
  assert.match(stdout, /status codes: 20000 2xx/);
});
