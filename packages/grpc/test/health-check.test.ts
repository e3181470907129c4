import { test } from "node:test";
import assert from "node:assert/strict";
import { createChannel, createClient, createHealthService, createServer, GrpcError, Health, ServingStatus, Status, type HealthService, type Server } from "../src/index.js";
import { UserService, userServiceImpl } from "./user-service-fixture.js";

// Client-side health checking (gRFC A17) under round_robin: backends on 127.0.0.1-3, each counting the calls it
// serves; the first two run the health service, the third does not.
const SERVICE = "userservice.UserService";

async function backends(): Promise<{ servers: Server[]; health: HealthService[]; served: number[]; target: string }> {
  const served = [0, 0, 0];
  const health = [createHealthService(), createHealthService()];
  const servers: Server[] = [];
  const ports: number[] = [];
  for (const i of [0, 1, 2]) {
    const impl = userServiceImpl();
    const server = createServer().add(UserService, { ...impl, getUser: (req, ctx) => (served[i]!++, impl.getUser(req, ctx)) });
    if (health[i]) server.add(Health, health[i]!.implementation);
    servers.push(server);
    ports.push(await server.listen(`127.0.0.${i + 1}:0`));
  }
  return { servers, health, served, target: `ipv4:${ports.map((p, i) => `127.0.0.${i + 1}:${p}`).join(",")}` };
}

const config = { loadBalancingConfig: [{ round_robin: {} }], healthCheckConfig: { serviceName: SERVICE } };

test("health checking: a backend reporting NOT_SERVING gets no calls until it reports SERVING; one without the health service counts as healthy", async () => {
  const { servers, health, served, target } = await backends();
  health[0]!.setStatus(SERVICE, ServingStatus.SERVING);
  health[1]!.setStatus(SERVICE, ServingStatus.NOT_SERVING);
  const channel = createChannel(target, { defaultServiceConfig: config });
  const client = createClient(UserService, channel);
  try {
    // A subchannel is not READY before its first health report, so backend 1 never gets a call while unhealthy.
    await client.getUser({ id: 1 });
    for (let i = 0; i < 200 && served[2] === 0; i++) await client.getUser({ id: 1 });
    served.fill(0);
    await Promise.all(Array.from({ length: 100 }, () => client.getUser({ id: 1 })));
    assert.equal(served[1], 0, `NOT_SERVING backend 1 got no call: ${served}`);
    assert.equal(served[0]! + served[2]!, 100);
    assert.ok(served[2]! > 0, "backend 2, without a health service, is used");

    health[1]!.setStatus(SERVICE, ServingStatus.SERVING);
    for (let i = 0; i < 1000 && served[1] === 0; i++) await client.getUser({ id: 1 });
    assert.ok(served[1]! > 0, "backend 1 serves again once SERVING");

    health[0]!.setStatus(SERVICE, ServingStatus.NOT_SERVING);
    let run = 0; // calls in a row that avoided backend 0
    for (let i = 0; i < 1000 && run < 20; i++) {
      const before = served[0];
      await client.getUser({ id: 1 });
      run = served[0] === before ? run + 1 : 0;
    }
    assert.equal(run, 20, "backend 0 is left out once it reports NOT_SERVING");
  } finally {
    channel.close();
    for (const s of servers) await s.shutdown(100);
  }
});

test("health checking: every backend unhealthy is TRANSIENT_FAILURE, and fail-fast calls say why; disableHealthCheck ignores it", async () => {
  const { servers, health, target } = await backends();
  await servers[2]!.shutdown(0); // only the two with a health service
  for (const h of health) h.setStatus(SERVICE, ServingStatus.NOT_SERVING);
  const twoTargets = target.split(",").slice(0, 2).join(",");
  const channel = createChannel(twoTargets, { defaultServiceConfig: config });
  try {
    channel.getState(true);
    await channel.whenState("TRANSIENT_FAILURE", AbortSignal.timeout(10_000));
    await assert.rejects(createClient(UserService, channel).getUser({ id: 1 }), (e: GrpcError) => e.code === Status.UNAVAILABLE && /reports NOT_SERVING/.test(e.message));
  } finally {
    channel.close();
  }
  const unchecked = createChannel(twoTargets, { defaultServiceConfig: config, disableHealthCheck: true });
  try {
    assert.equal((await createClient(UserService, unchecked).getUser({ id: 1 })).user!["username"], "ada");
  } finally {
    unchecked.close();
    for (const s of servers.slice(0, 2)) await s.shutdown(100);
  }
});
