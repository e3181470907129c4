import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createChannel, createClient } from "@tsgrpc/grpc";
import { UserService } from "../src/gen/user_service_pb.js";
import { killStarted, start } from "./server-process.js";

// `tsgrpc stats HOST:PORT` against the server as `npm start` runs it, which serves the admin service.

after(killStarted);

const CLI = fileURLToPath(new URL("../../../../packages/cli/bin/tsgrpc.js", import.meta.url));

function tsgrpc(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

test("tsgrpc stats prints the server's call counts per method as a table, and with --json as JSON", async () => {
  const server = await start(["--db", ":memory:", "--quiet"]);
  const target = `127.0.0.1:${server.port}`;
  const channel = createChannel(target);
  try {
    const users = createClient(UserService, channel);
    for (let i = 0; i < 3; i++) await users.getUser({ id: 1 });
    await assert.rejects(users.getUser({ id: 4242 }), /NOT_FOUND/);
    await users.listUsers({});

    const text = await tsgrpc(["stats", target]);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, new RegExp(`^${target} at \\d{4}-\\d\\d-\\d\\dT.*: 2 connection\\(s\\) open, 1 stream\\(s\\) open\n`), "the test's connection and the CLI's; the stats call itself");
    assert.match(text.out, /\ncalls: 6 started, 4 succeeded, 1 failed, 1 in flight; last started \d{4}-/);
    assert.match(text.out, /\nMETHOD +STARTED +OK +FAILED +IN FLIGHT +p50 <= +p90 <= +p99 <= +STATUSES\n/);
    assert.match(text.out, /\n\/userservice\.UserService\/GetUser +4 +3 +1 +0 +\d[\d.]* [µm]?s +\d[\d.]* [µm]?s +\d[\d.]* [µm]?s +OK 3, NOT_FOUND 1\n/);
    assert.match(text.out, /\n\/userservice\.UserService\/ListUsers +1 +1 +0 +0 .* OK 1\n/);
    assert.match(text.out, /\n\/userservice\.UserService\/CreateUser +0 +0 +0 +0 +- +- +- +-\n/);
    assert.match(text.out, /\n\/tsgrpc\.admin\.v1\.Admin\/GetServerStats +1 +0 +0 +1 /);

    const json = await tsgrpc(["stats", target, "--json"]);
    assert.equal(json.code, 0, json.err);
    const stats = JSON.parse(json.out);
    // The earlier stats call has ended since (OK), and this one is in flight.
    assert.deepEqual(stats.calls, { ...stats.calls, started: 7, succeeded: 5, failed: 1, inFlight: 1 });
    const getUser = stats.methods.find((m: { method: string }) => m.method === "/userservice.UserService/GetUser");
    assert.deepEqual(getUser.byStatus, { OK: 3, NOT_FOUND: 1 });
    assert.equal(getUser.latencyBuckets.reduce((a: number, b: number) => a + b, 0), 4);
    assert.equal(getUser.latencyBuckets.length, stats.latencyBucketBoundsSeconds.length + 1);
    assert.ok(getUser.latencySeconds.p50 > 0 && getUser.latencySeconds.p50 <= getUser.latencySeconds.p99);
    assert.ok(!Number.isNaN(Date.parse(getUser.lastCallStarted)));
    assert.equal(stats.connectionsOpen, 2);
  } finally {
    channel.close();
  }
});
