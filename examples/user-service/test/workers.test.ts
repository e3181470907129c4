import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createChannel, createClient, type Channel } from "@tsgrpc/grpc";
import { UserService } from "../src/gen/user_service_pb.js";
import { until } from "./helpers.js";
import { exited, killStarted, MAIN, start } from "./server-process.js";

after(killStarted); // a failed assertion must not leave the server's processes running

// The server on several cores: `--workers 2` forks two worker processes on one port (node:cluster gives each new
// connection to the next worker), sharing a SQLite file; a user created through one worker reaches the watchers of
// both, relayed by the primary.
test("--workers 2 on SQLite: connections spread over the workers, and every watcher on either sees every user once; SIGTERM stops all, exit 0", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-workers-"));
  const server = await start(["--workers", "2", "--db", join(dir, "users.db"), "--quiet"]);
  const channels: Channel[] = [];
  try {
    assert.match(server.output(), /2 worker processes/);
    // Eight connections: four land on each worker.
    const clients = Array.from({ length: 8 }, () => createClient(UserService, (channels.push(createChannel(`127.0.0.1:${server.port}`)), channels.at(-1)!)));
    const seen: number[][] = clients.map(() => []);
    const controller = new AbortController();
    const watching = clients.map(async (client, i) => {
      try {
        for await (const u of client.watchUsers({}, { signal: controller.signal })) seen[i]!.push(u.id);
      } catch {
        // cancelled at the end
      }
    });
    await until(() => seen.every((s) => s.length >= 2), "every watcher to list the seed users (it is listening then)");
    const created: number[] = [];
    for (let i = 0; i < 20; i++) created.push((await clients[i % 8]!.createUser({ username: `worker${i}`, email: `worker${i}@example.com` })).user!.id);
    await until(() => seen.every((s) => s.length >= 22), "every watcher to see every user");
    controller.abort();
    await Promise.all(watching);
    for (const s of seen) assert.deepEqual([...s.slice(2)].sort((a, b) => a - b), [...created].sort((a, b) => a - b), "every user once, on every watcher");
  } finally {
    for (const c of channels) c.close();
    server.child.kill("SIGTERM");
    assert.equal(await exited(server.child), 0);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--workers with a store the workers cannot share, or a bad count, is a usage error", () => {
  for (const [args, reason] of [
    [["--workers", "2", "--db", ":memory:"], /--workers needs a store the workers share/],
    [["--workers", "0"], /--workers must be 1 to 256 or auto, not "0"/],
  ] as const) {
    const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8", timeout: 15_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, reason);
  }
});
