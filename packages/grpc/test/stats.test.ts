import { test } from "node:test";
import assert from "node:assert/strict";
import { Admin, createAdminService, createChannel, createClient, createGrpcWebTransport, createServer, Health, LATENCY_BUCKETS, latencyQuantile, serverStatsSnapshot, type Server } from "../src/index.js";
import { UserService, userServiceImpl } from "./user-service-fixture.js";

// server.stats() and channel.stats(): channelz's call counts, per method, for every kind of call, OK or failing,
// cancelled, and in flight; per subchannel under round_robin; and the same counts through the admin service.

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** A UserService whose GetUser for id 999 blocks until cancelled; `entered()` settles with the signal of the next such call. */
function blockingServer(): { server: Server; entered: () => Promise<AbortSignal> } {
  const impl = userServiceImpl();
  const waiting: ((signal: AbortSignal) => void)[] = [];
  const server = createServer().add(UserService, {
    ...impl,
    getUser: (req, ctx) => {
      if ((req as Record<string, unknown>)["id"] === 999) waiting.shift()?.(ctx.signal);
      return impl.getUser(req, ctx);
    },
  });
  return { server, entered: () => new Promise((resolve) => waiting.push(resolve)) };
}

/** Settles once the server has counted the call whose signal this is (it counts the call right after aborting it). */
const counted = (signal: AbortSignal) => new Promise((resolve) => (signal.aborted ? setImmediate(resolve) : signal.addEventListener("abort", () => setImmediate(resolve))));

test("server.stats() and channel.stats() count each RPC kind, OK and failing calls, cancellations, and calls in flight", async () => {
  const { server, entered } = blockingServer();
  const port = await server.listen("127.0.0.1:0");
  const channel = createChannel(`127.0.0.1:${port}`);
  const client = createClient(UserService, channel) as Record<string, any>;
  try {
    // Before any call: nothing counted, no subchannel yet.
    assert.deepEqual(channel.stats(), { target: `dns:///127.0.0.1:${port}`, state: "IDLE", calls: { started: 0, succeeded: 0, failed: 0, inFlight: 0, lastCallStarted: undefined }, methods: [], subchannels: [] });
    assert.deepEqual(server.stats().calls, { started: 0, succeeded: 0, failed: 0, inFlight: 0, lastCallStarted: undefined });
    const before = Date.now();
    await client.getUser({ id: 1 }); // unary OK
    await assert.rejects(client.getUser({ id: 2 }), /NOT_FOUND/); // unary failing
    for await (const _ of client.watchUsers({ roleFilter: "x" })); // server streaming
    await client.bulkCreateUsers([{ username: "a" }, { username: "b" }]); // client streaming
    for await (const _ of client.userChat([{ sender: "x", text: "hi" }])); // bidi streaming
    await assert.rejects(createClient(Health, channel).check({ service: "" }), /UNIMPLEMENTED/); // a method the server does not serve

    // A call in flight: the handler has started, and neither side has a status yet.
    const abort = new AbortController();
    const nextCall = entered();
    const blocked = client.getUser({ id: 999 }, { signal: abort.signal });
    const serverSignal = await nextCall;
    let s = server.stats();
    assert.equal(s.calls.inFlight, 1);
    assert.equal(s.streamsOpen, 1);
    assert.equal(s.connectionsOpen, 1);
    assert.equal(channel.stats().calls.inFlight, 1);
    assert.equal(channel.stats().methods.find((m) => m.method === "/userservice.UserService/GetUser")!.inFlight, 1);

    // Cancelled by the client: CANCELLED on both sides (the server counts it as the call ends, after its signal aborts).
    const serverEnded = counted(serverSignal);
    abort.abort();
    await assert.rejects(blocked, /CANCELLED/);
    await serverEnded;

    // Past its deadline: DEADLINE_EXCEEDED for the client; the server ends it with DEADLINE_EXCEEDED too, or with
    // CANCELLED when the client's RST_STREAM arrives before its own timer fires (the two deadlines race).
    const late = entered();
    await assert.rejects(client.getUser({ id: 999 }, { timeout: 100 }), /DEADLINE_EXCEEDED/);
    await counted(await late);

    s = server.stats();
    const method = (name: string) => s.methods.find((m) => m.method === `/userservice.UserService/${name}`)!;
    assert.deepEqual(
      { started: s.calls.started, succeeded: s.calls.succeeded, failed: s.calls.failed, inFlight: s.calls.inFlight },
      { started: 8, succeeded: 4, failed: 4, inFlight: 0 },
    );
    assert.ok(s.calls.lastCallStarted!.getTime() >= before && s.calls.lastCallStarted!.getTime() <= Date.now());
    const { DEADLINE_EXCEEDED = 0, CANCELLED = 0, ...others } = method("GetUser").byStatus;
    assert.deepEqual(others, { OK: 1, NOT_FOUND: 1 });
    assert.ok(CANCELLED >= 1 && DEADLINE_EXCEEDED + CANCELLED === 2, `${CANCELLED} CANCELLED, ${DEADLINE_EXCEEDED} DEADLINE_EXCEEDED`);
    assert.deepEqual([method("GetUser").started, method("GetUser").succeeded, method("GetUser").failed], [4, 1, 3]);
    for (const name of ["WatchUsers", "BulkCreateUsers", "UserChat"]) assert.deepEqual(method(name).byStatus, { OK: 1 }, name);
    assert.deepEqual(method("CreateUser").started, 0);
    const other = s.methods.find((m) => m.method === "other")!;
    assert.deepEqual([other.started, other.failed, other.byStatus], [1, 1, { UNIMPLEMENTED: 1 }]);
    // Every ended call is in the latency histogram, whose buckets are A66's.
    for (const m of s.methods) assert.equal(sum(m.latencyBuckets), m.succeeded + m.failed, m.method);
    assert.equal(method("GetUser").latencyBuckets.length, LATENCY_BUCKETS.length + 1);
    assert.ok(latencyQuantile(method("GetUser").latencyBuckets, 0.5)! > 0);
    assert.equal(latencyQuantile(method("CreateUser").latencyBuckets, 0.5), undefined);

    // The channel counts the same calls (the unknown method under its own path).
    const c = channel.stats();
    assert.equal(c.target, `dns:///127.0.0.1:${port}`);
    assert.equal(c.state, "READY");
    assert.deepEqual([c.calls.started, c.calls.succeeded, c.calls.failed, c.calls.inFlight], [8, 4, 4, 0]);
    const cm = (path: string) => c.methods.find((m) => m.method === path)!;
    assert.deepEqual([cm("/userservice.UserService/GetUser").succeeded, cm("/userservice.UserService/GetUser").failed], [1, 3]);
    assert.equal(cm("/grpc.health.v1.Health/Check").failed, 1);
    // pick_first's one subchannel carried every attempt.
    assert.equal(c.subchannels.length, 1);
    assert.deepEqual([c.subchannels[0]!.address, c.subchannels[0]!.state], [`127.0.0.1:${port}`, "READY"]);
    assert.deepEqual([c.subchannels[0]!.calls.started, c.subchannels[0]!.calls.succeeded, c.subchannels[0]!.calls.failed], [8, 4, 4]);
  } finally {
    channel.close();
    await server.shutdown(100);
  }
});

test("channel.stats() under round_robin: each subchannel's attempts, matching what each of two real servers served", async () => {
  const servers = [createServer().add(UserService, userServiceImpl()), createServer().add(UserService, userServiceImpl())];
  const ports = [await servers[0]!.listen("127.0.0.1:0"), await servers[1]!.listen("127.0.0.2:0")];
  const addresses = [`127.0.0.1:${ports[0]}`, `127.0.0.2:${ports[1]}`];
  const channel = createChannel(`ipv4:${addresses.join(",")}`, { defaultServiceConfig: { loadBalancingConfig: [{ round_robin: {} }] } });
  const client = createClient(UserService, channel) as Record<string, any>;
  try {
    // Calls until both backends have served one (round_robin connects to both, and the first calls go to the first ready).
    while (servers.some((s) => s.stats().calls.succeeded === 0)) await client.getUser({ id: 1 });
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? assert.rejects(client.getUser({ id: 2 })) : client.getUser({ id: 1 }))));
    const c = channel.stats();
    assert.deepEqual(c.subchannels.map((s) => s.address).sort(), addresses);
    for (const sub of c.subchannels) {
      const served = servers[addresses.indexOf(sub.address)]!.stats().calls;
      assert.equal(sub.state, "READY");
      assert.ok(sub.calls.started > 10, `${sub.address} carried a share of the calls: ${sub.calls.started}`);
      assert.deepEqual([sub.calls.started, sub.calls.succeeded, sub.calls.failed], [served.started, served.succeeded, served.failed], sub.address);
    }
    assert.equal(sum(c.subchannels.map((s) => s.calls.started)), c.calls.started);
    assert.equal(sum(c.subchannels.map((s) => s.calls.failed)), 10);
  } finally {
    channel.close();
    for (const s of servers) await s.shutdown(100);
  }
});

test("the admin service serves server.stats() over gRPC (tsgrpc.admin.v1.Admin/GetServerStats)", async () => {
  const server = createServer().add(UserService, userServiceImpl());
  server.add(Admin, createAdminService(server));
  const port = await server.listen("127.0.0.1:0");
  const channel = createChannel(`127.0.0.1:${port}`);
  try {
    const users = createClient(UserService, channel) as Record<string, any>;
    await users.getUser({ id: 1 });
    await assert.rejects(users.getUser({ id: 0 }), /INVALID_ARGUMENT/);
    const answer = await createClient(Admin, channel).getServerStats({});
    assert.deepEqual(answer.latencyBucketBoundsSeconds, LATENCY_BUCKETS);
    const stats = serverStatsSnapshot(answer);
    const local = server.stats();
    // Read while the admin call itself was in flight.
    assert.deepEqual([stats.calls.started, stats.calls.succeeded, stats.calls.failed, stats.calls.inFlight], [3, 1, 1, 1]);
    assert.deepEqual(stats.methods.find((m) => m.method === "/userservice.UserService/GetUser"), local.methods.find((m) => m.method === "/userservice.UserService/GetUser"));
    assert.equal(stats.connectionsOpen, 1);
    assert.ok(Math.abs(stats.timestamp!.getTime() - Date.now()) < 60_000);
  } finally {
    channel.close();
    await server.shutdown(100);
  }
});

// Connect calls are counted where the router starts them too (startCall), once the Connect adapter (a stub for now,
// another engineer's) runs them.
test("server.stats() counts gRPC-Web calls like gRPC ones, and gRPC-Web's refusals", async () => {
  const server = createServer().add(UserService, userServiceImpl());
  const port = await server.listen("127.0.0.1:0");
  try {
    const web = createClient(UserService, createGrpcWebTransport({ baseUrl: `http://127.0.0.1:${port}` })) as Record<string, any>;
    await web.getUser({ id: 1 });
    await assert.rejects(web.getUser({ id: 2 }), /NOT_FOUND/);
    // A method the server does not have: the router refuses it, and counts it under "other".
    const refused = await fetch(`http://127.0.0.1:${port}/userservice.UserService/Nope`, { method: "POST", headers: { "content-type": "application/grpc-web+proto" }, body: new Uint8Array(0) });
    assert.equal(refused.headers.get("grpc-status"), "12");
    await refused.arrayBuffer();
    await web.getUser({ id: 1 });
    const s = server.stats();
    assert.deepEqual(s.methods.find((m) => m.method === "/userservice.UserService/GetUser")!.byStatus, { OK: 2, NOT_FOUND: 1 });
    assert.deepEqual(s.methods.find((m) => m.method === "other")!.byStatus, { UNIMPLEMENTED: 1 });
    assert.deepEqual([s.calls.started, s.calls.succeeded, s.calls.failed, s.calls.inFlight], [4, 2, 2, 0]);
  } finally {
    await server.shutdown(100);
  }
});
