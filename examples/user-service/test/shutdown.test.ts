import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createChannel, createClient, GrpcError, Health, ServingStatus, Status, type Channel } from "@tsgrpc/grpc";
import { UserService } from "../src/gen/user_service_pb.js";
import { ROOM_SENDER } from "../src/chat-room.js";
import { participant } from "./chat-participant.js";
import { exited, killStarted, start } from "./server-process.js";

after(killStarted);

// A shutdown (SIGTERM, or a --workers drain) with WatchUsers and UserChat streams open: health turns NOT_SERVING, then
// those streams, which never end by themselves, end at once with UNAVAILABLE (their clients reconnect elsewhere), and
// the process exits. The grace is 600 s here, and each test's timeout is 60 s: only an ended stream lets it pass.
const LONG_GRACE = ["--shutdown-grace", "600"];

/** How a stream ended: its status, once it has. */
async function ending(stream: AsyncIterable<unknown>): Promise<GrpcError | string> {
  try {
    for await (const _ of stream);
    return "ended without an error";
  } catch (e) {
    return e as GrpcError;
  }
}

const isShuttingDown = (e: GrpcError | string) => e instanceof GrpcError && e.code === Status.UNAVAILABLE && /shutting down/.test(e.rawMessage);

test("SIGTERM with watchers and a chat open: NOT_SERVING first, then the streams end UNAVAILABLE, and the process exits 0 long before the grace", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-shutdown-"));
  const server = await start(["--db", join(dir, "users.db"), "--quiet", ...LONG_GRACE]);
  const channel = createChannel(`127.0.0.1:${server.port}`);
  try {
    const client = createClient(UserService, channel);
    const events: string[] = [];
    // A health watcher (a load balancer's): it hears NOT_SERVING, then goes, as a load balancer would.
    const stopHealth = new AbortController();
    const health = createClient(Health, channel).watch({ service: "" }, { signal: stopHealth.signal })[Symbol.asyncIterator]();
    assert.equal((await health.next()).value?.status, ServingStatus.SERVING);
    const watches = Array.from({ length: 2 }, () => {
      const stream = client.watchUsers({})[Symbol.asyncIterator]();
      return { stream, first: stream.next() };
    });
    for (const w of watches) assert.equal((await w.first).value?.username, "alice");
    const watchEnds = watches.map((w) => ending({ [Symbol.asyncIterator]: () => w.stream }).then((e) => (events.push("watch ended"), e)));
    const member = participant(client);
    member.send("ann", "");
    assert.equal(await member.next(), `${ROOM_SENDER}: ann joined`);
    const chatEnd = member.next().then((m) => m, (e: GrpcError) => (events.push("chat ended"), e));

    server.child.kill("SIGTERM");
    assert.equal((await health.next()).value?.status, ServingStatus.NOT_SERVING);
    events.push("NOT_SERVING");
    stopHealth.abort();
    for (const e of await Promise.all(watchEnds)) assert.ok(isShuttingDown(e), String(e));
    const chat = await chatEnd;
    assert.ok(chat instanceof GrpcError && isShuttingDown(chat), String(chat));
    assert.equal(await exited(server.child), 0);
    assert.equal(events[0], "NOT_SERVING", `health turned first: ${events.join(", ")}`);
  } finally {
    channel.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--workers 2 drained with SIGTERM: the watchers on both workers end UNAVAILABLE, and the primary exits 0 long before the grace", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-shutdown-"));
  const server = await start(["--workers", "2", "--db", join(dir, "users.db"), "--quiet", ...LONG_GRACE]);
  const channels: Channel[] = [];
  try {
    // node:cluster hands connections to the workers in turn: four connections are two on each.
    const streams = await Promise.all(Array.from({ length: 4 }, async () => {
      const stream = createClient(UserService, (channels.push(createChannel(`127.0.0.1:${server.port}`)), channels.at(-1)!)).watchUsers({})[Symbol.asyncIterator]();
      assert.equal((await stream.next()).value?.username, "alice");
      return stream;
    }));
    const ends = streams.map((s) => ending({ [Symbol.asyncIterator]: () => s }));
    server.child.kill("SIGTERM");
    for (const e of await Promise.all(ends)) assert.ok(isShuttingDown(e), String(e));
    assert.equal(await exited(server.child), 0);
  } finally {
    for (const c of channels) c.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--shutdown-grace that is not 0 to 3600 seconds is a usage error", async () => {
  const { spawnSync } = await import("node:child_process");
  const { MAIN } = await import("./server-process.js");
  const r = spawnSync(process.execPath, [MAIN, "--shutdown-grace", "soon"], { encoding: "utf8", timeout: 15_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--shutdown-grace must be 0 to 3600 seconds, not "soon"/);
});
