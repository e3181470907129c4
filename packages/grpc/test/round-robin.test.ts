import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createChannel, createClient, createServer, type Server } from "../src/index.js";
import { UserService, userServiceImpl } from "./user-service-fixture.js";

// round_robin over three real servers on 127.0.0.1, 127.0.0.2 and 127.0.0.3 (an ipv4: target), each counting the
// calls it serves.
const ROUND_ROBIN = { defaultServiceConfig: { loadBalancingConfig: [{ round_robin: {} }] } };
const hosts = ["127.0.0.1", "127.0.0.2", "127.0.0.3"];
const served = [0, 0, 0];
const servers: Server[] = [];
const ports: number[] = [];

function backend(i: number): Server {
  const impl = userServiceImpl();
  return createServer().add(UserService, { ...impl, getUser: (req, ctx) => (served[i]!++, impl.getUser(req, ctx)) });
}

async function start(i: number, port = 0): Promise<void> {
  servers[i] = backend(i);
  ports[i] = await servers[i]!.listen(`${hosts[i]}:${port}`);
}

after(async () => {
  for (const s of servers) await s?.shutdown(100);
});

test("round_robin spreads calls evenly over every address; a stopped backend gets none, and calls again once it is back", async () => {
  for (const i of [0, 1, 2]) await start(i);
  const channel = createChannel(`ipv4:${hosts.map((h, i) => `${h}:${ports[i]}`).join(",")}`, ROUND_ROBIN);
  const client = createClient(UserService, channel);
  try {
    // The first call waits for a connection; the spread is measured once every backend is connected.
    await client.getUser({ id: 1 }, { timeout: 5_000 });
    for (let tries = 0; served.some((n) => n === 0) && tries < 200; tries++) await client.getUser({ id: 1 }, { timeout: 5_000 });
    served.fill(0);
    await Promise.all(Array.from({ length: 300 }, () => client.getUser({ id: 1 }, { timeout: 5_000 })));
    for (const n of served) assert.ok(n >= 90 && n <= 110, `each backend within 10% of 100 calls: ${served}`);

    // Backend 1 goes away (graceful shutdown: GOAWAY, then close): no call fails, and it serves none.
    await servers[1]!.shutdown(1_000);
    served.fill(0);
    const results = await Promise.allSettled(Array.from({ length: 200 }, () => client.getUser({ id: 1 }, { timeout: 5_000 })));
    assert.deepEqual(results.filter((r) => r.status === "rejected"), [], "no call failed");
    assert.equal(served[1], 0);
    assert.equal(served[0]! + served[2]!, 200);

    // Back on the same port: after its reconnection backoff (about 1 s) it gets calls again.
    await start(1, ports[1]);
    const until = Date.now() + 10_000;
    while (served[1] === 0 && Date.now() < until) await client.getUser({ id: 1 }, { timeout: 5_000 });
    assert.ok(served[1]! > 0, "the restarted backend serves calls again");
  } finally {
    channel.close();
  }
});

test("round_robin with every address down: calls fail fast with UNAVAILABLE, and an unknown policy is refused", async () => {
  const channel = createChannel("ipv4:127.0.0.1:1,127.0.0.2:1", ROUND_ROBIN);
  try {
    await assert.rejects(createClient(UserService, channel).getUser({ id: 1 }, { timeout: 5_000 }), /UNAVAILABLE/);
  } finally {
    channel.close();
  }
  assert.throws(() => createChannel("127.0.0.1:1", { defaultServiceConfig: { loadBalancingConfig: [{ random: {} }] } }), /loadBalancingConfig names no known policy: random/);
});

test("round_robin: waitForReady calls that end (deadline, cancel) while no address is ready are not kept", async () => {
  const channel = createChannel("ipv4:127.0.0.1:1,127.0.0.2:1", ROUND_ROBIN);
  const pending = (channel as unknown as { pending: { size: number } }).pending;
  try {
    const client = createClient(UserService, channel);
    channel.getState(true);
    await channel.whenState("TRANSIENT_FAILURE", AbortSignal.timeout(10_000)); // resolved: calls now wait for an address
    const calls = Array.from({ length: 50 }, () => client.getUser({ id: 1 }, { waitForReady: true, timeout: 100 }));
    assert.equal(pending.size, 50, "the calls wait while no address is ready");
    for (const r of await Promise.allSettled(calls)) assert.match(String((r as PromiseRejectedResult).reason), /DEADLINE_EXCEEDED/);
    assert.equal(pending.size, 0, "each left the waiting list as it ended");
  } finally {
    channel.close();
  }
});
