import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createChannel, createClient, createServer, GrpcError, registerLoadBalancer, registerResolver, Status, type Address, type Server, type Subchannel } from "../src/index.js";
import { UserService, userServiceImpl } from "./user-service-fixture.js";

// Three servers on 127.0.0.1-3, each counting the calls it serves.
const hosts = ["127.0.0.1", "127.0.0.2", "127.0.0.3"];
const served = [0, 0, 0];
const servers: Server[] = [];
const addresses: Address[] = [];
before(async () => {
  for (const [i, host] of hosts.entries()) {
    const impl = userServiceImpl();
    servers[i] = createServer().add(UserService, { ...impl, getUser: (req, ctx) => (served[i]!++, impl.getUser(req, ctx)) });
    addresses[i] = { host, port: await servers[i]!.listen(`${host}:0`) };
  }
});
after(async () => {
  for (const s of servers) await s.shutdown(100);
});
const target = () => `ipv4:${addresses.map((a) => `${(a as { host: string }).host}:${(a as { port: number }).port}`).join(",")}`;

test("a registered load balancer: its picker decides where every call goes", async () => {
  // "last_address": connects to the last address only, and sends everything there.
  registerLoadBalancer({
    name: "last_address",
    create(helper) {
      let subchannel: Subchannel | undefined;
      return {
        updateAddresses(list) {
          subchannel?.shutdown();
          subchannel = helper.createSubchannel(list.at(-1)!, (s) => {
            if (s.state === "READY") helper.updateState("READY", () => s);
            else if (s.state === "TRANSIENT_FAILURE") helper.updateState("TRANSIENT_FAILURE", () => s.lastError!);
            else if (s.state === "IDLE") s.connect();
          });
          helper.updateState("CONNECTING", () => undefined);
          subchannel.connect();
        },
        resolutionFailed: (e) => helper.updateState("TRANSIENT_FAILURE", () => e),
        exitIdle: () => subchannel?.connect(),
        close: () => subchannel?.shutdown(),
      };
    },
  });
  served.fill(0);
  const channel = createChannel(target(), { defaultServiceConfig: { loadBalancingConfig: [{ not_registered: {} }, { last_address: {} }] } });
  try {
    const client = createClient(UserService, channel);
    for (let i = 0; i < 10; i++) await client.getUser({ id: 1 });
    assert.deepEqual(served, [0, 0, 10]);
  } finally {
    channel.close();
  }
  assert.throws(() => registerLoadBalancer({ name: "no spaces", create: () => ({}) as never }), /not a load-balancing policy name/);
});

test("pick_first with shuffleAddressList: channels spread over the addresses instead of all taking the first", async () => {
  served.fill(0);
  const channels = Array.from({ length: 20 }, () => createChannel(target(), { defaultServiceConfig: { loadBalancingConfig: [{ pick_first: { shuffleAddressList: true } }] } }));
  try {
    for (const channel of channels) await createClient(UserService, channel).getUser({ id: 1 });
    // Each channel sends its call to one address; 20 channels all on one of 3 would happen once in 10^9 runs.
    assert.ok(served.filter((n) => n > 0).length >= 2, `calls per address: ${served}`);
  } finally {
    for (const channel of channels) channel.close();
  }
  served.fill(0);
  const plain = createChannel(target());
  try {
    for (let i = 0; i < 5; i++) await createClient(UserService, plain).getUser({ id: 1 });
    assert.deepEqual(served, [5, 0, 0], "without shuffling: the first address");
  } finally {
    plain.close();
  }
});

test("a resolver that finds no addresses, or fails: fail-fast calls get UNAVAILABLE saying so; the channel asks again with backoff", async () => {
  let answer: () => Promise<{ addresses: Address[] }> = async () => ({ addresses: [] });
  registerResolver({ scheme: "flaky", create: () => ({ resolve: () => answer() }) });
  const channel = createChannel("flaky:users");
  const client = createClient(UserService, channel);
  try {
    await assert.rejects(client.getUser({ id: 1 }), (e: GrpcError) => e.code === Status.UNAVAILABLE && /resolved to no addresses/.test(e.message));
    let failedOnce!: () => void;
    const askedAgain = new Promise<void>((r) => (failedOnce = r));
    answer = async () => {
      setImmediate(failedOnce); // once the channel has taken this failure in
      throw new Error("the registry is down");
    };
    const waiting = client.getUser({ id: 1 }, { waitForReady: true, timeout: 20_000 });
    await askedAgain;
    await assert.rejects(client.getUser({ id: 1 }), (e: GrpcError) => e.code === Status.UNAVAILABLE && /the registry is down/.test(e.message));
    answer = async () => ({ addresses: [addresses[1]!] });
    assert.equal((await waiting).user!["username"], "ada", "the waiting call went through once the resolver answered");
  } finally {
    channel.close();
  }
});

test("a resolver that never answers: calls end at their deadline and leave nothing behind", async () => {
  registerResolver({ scheme: "silent", create: () => ({ resolve: () => new Promise(() => {}) }) });
  const channel = createChannel("silent:users");
  const waiting = (channel as unknown as { config: { waiters: Set<unknown> } }).config.waiters;
  try {
    const calls = Array.from({ length: 20 }, () => createClient(UserService, channel).getUser({ id: 1 }, { timeout: 50 }));
    assert.equal(waiting.size, 20, "the calls wait for the resolver's first answer");
    for (const r of await Promise.allSettled(calls)) assert.match(String((r as PromiseRejectedResult).reason), /DEADLINE_EXCEEDED/);
    assert.equal(waiting.size, 0, "each stopped waiting as it ended");
  } finally {
    channel.close();
  }
});
