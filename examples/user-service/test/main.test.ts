import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer as createTcpServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createChannel, createClient } from "@tsgrpc/grpc";
import { UserService } from "../src/gen/user_service_pb.js";
import { exited, killStarted, MAIN, start } from "./server-process.js";
import { runTutorialClient, skipPython, TUTORIAL_OUTPUT } from "./tutorial-client.js";

// The server as `npm start` runs it: a process with a store on disk.

// A failed assertion must not leave a server process running (the test run would never end).
after(killStarted);

test("the server process: a committed user survives kill -9; SIGTERM shuts down cleanly with status 0", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-users-"));
  const db = join(dir, "data", "users.db");
  try {
    const first = await start(["--db", db, "--quiet"]);
    const channel = createChannel(`127.0.0.1:${first.port}`);
    const client = createClient(UserService, channel);
    const { user } = await client.createUser({ username: "durable", email: "durable@example.com" });
    channel.close();
    first.child.kill("SIGKILL");
    await exited(first.child);

    const second = await start(["--db", db]);
    assert.match(second.output(), /npx tsgrpc call 127\.0\.0\.1:\d+ userservice\.UserService\/GetUser/);
    // The web console on the same port. `npm run build` (so `npm ci` and `npm test`) builds it; a run without it
    // fails here rather than passing without having looked.
    assert.match(second.output(), new RegExp(`Web console: http://127\\.0\\.0\\.1:${second.port}/`));
    assert.ok(existsSync(fileURLToPath(new URL("../console/index.html", import.meta.url))), "the web console is not built: run `npm run build` first");
    const page = await fetch(`http://127.0.0.1:${second.port}/`);
    assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
    assert.match(await page.text(), /<title>UserService console<\/title>/);
    const channel2 = createChannel(`127.0.0.1:${second.port}`);
    const client2 = createClient(UserService, channel2);
    assert.deepEqual((await client2.getUser({ id: user!.id })).user, user);
    assert.equal((await client2.listUsers({})).users.length, 3, "alice and bob were not seeded twice");
    channel2.close();
    second.child.kill("SIGTERM");
    assert.equal(await exited(second.child), 0);
    assert.match(second.output(), /SIGTERM: shutting down/);
    assert.match(second.output(), /"method":"\/userservice.UserService\/GetUser".*"status":"OK"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the server process refuses bad arguments with its usage and status 2", () => {
  for (const args of [["--port", "abc"], ["--port", "70000"], ["--bogus"], ["--auth", "/nonexistent/tokens.json"]]) {
    const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8", timeout: 15_000 });
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /usage: npm start/);
  }
});

test("a port that is taken is said in one sentence naming --port, exit 1, not a stack trace", async () => {
  const blocker = createTcpServer();
  const port = await new Promise<number>((resolve) => blocker.listen(0, "127.0.0.1", () => resolve((blocker.address() as { port: number }).port)));
  try {
    const child = spawn(process.execPath, [MAIN, "--port", String(port), "--host", "127.0.0.1", "--db", ":memory:"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve)); // "close": its output is all read
    assert.equal(code, 1, err);
    assert.equal(err, `Cannot listen: port ${port} on 127.0.0.1 is already in use: pick another with --port N.\n`);
    assert.equal(out, "");
  } finally {
    blocker.close();
  }
});

test("the tutorial's own Python client (grpcio) runs against the server unchanged", { skip: skipPython, timeout: 60_000 }, async () => {
  const server = await start(["--db", ":memory:", "--quiet"]);
  try {
    const run = runTutorialClient(`127.0.0.1:${server.port}`);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.lines, TUTORIAL_OUTPUT);
  } finally {
    server.child.kill("SIGTERM");
    await exited(server.child);
  }
});
