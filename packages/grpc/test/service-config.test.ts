import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { createChannel, createClient, createServer, GrpcError, registerResolver, ServiceConfigError, Status, parseServiceConfig, type Resolution } from "../src/index.js";
import { UserService, userServiceImpl } from "./user-service-fixture.js";
import { ScriptedServer } from "./support/scripted-server.js";

const server = createServer().add(UserService, userServiceImpl());
let port = 0;
before(async () => (port = await server.listen("127.0.0.1:0")));
after(() => server.shutdown(100));

test("a full service config parses into typed values", () => {
  const config = parseServiceConfig(
    JSON.stringify({
      loadBalancingConfig: [{ weighted_unknown: {} }, { round_robin: {} }],
      methodConfig: [
        { name: [{ service: "userservice.UserService", method: "GetUser" }], timeout: "1.5s", waitForReady: true, maxRequestMessageBytes: 1024, maxResponseMessageBytes: "2048", retryPolicy: { maxAttempts: 3, initialBackoff: ".1s", maxBackoff: "1s", backoffMultiplier: 2, retryableStatusCodes: ["UNAVAILABLE", 8] } },
        { name: [{}], hedgingPolicy: { maxAttempts: 2, hedgingDelay: "0.000000001s" } },
      ],
      retryThrottling: { maxTokens: 10, tokenRatio: 0.1234 },
      healthCheckConfig: { serviceName: "userservice.UserService" },
    }),
  );
  assert.deepEqual(config.loadBalancingConfig.map((e) => e.policy), ["weighted_unknown", "round_robin"]);
  const getUser = config.methodConfigs.get("userservice.UserService/GetUser")!;
  assert.equal(getUser.timeoutMs, 1500);
  assert.equal(getUser.waitForReady, true);
  assert.equal(getUser.maxResponseMessageBytes, 2048);
  assert.deepEqual([...getUser.retryPolicy!.retryableStatusCodes], [Status.UNAVAILABLE, Status.RESOURCE_EXHAUSTED]);
  assert.equal(getUser.retryPolicy!.initialBackoffMs, 100);
  assert.equal(config.methodConfigs.get("")!.hedgingPolicy!.hedgingDelayMs, 0.000001);
  assert.deepEqual(config.retryThrottling, { maxTokens: 10, tokenRatio: 0.123 });
  assert.equal(config.healthCheckServiceName, "userservice.UserService");
});

test("bad service configs are a ServiceConfigError naming the field at fault", () => {
  const retry = { maxAttempts: 3, initialBackoff: "0.1s", maxBackoff: "1s", backoffMultiplier: 2, retryableStatusCodes: ["UNAVAILABLE"] };
  const method = (extra: object) => JSON.stringify({ methodConfig: [{ name: [{ service: "s" }], ...extra }] });
  const bad: Array<[string, RegExp]> = [
    ["{", /is not JSON/],
    ["[]", /must be a JSON object/],
    ['{"methodConfig": {}}', /methodConfig must be a JSON array/],
    [method({ retryPolicy: { ...retry, maxAttempts: 0 } }), /methodConfig\[0\]\.retryPolicy\.maxAttempts must be an integer from 2/],
    [method({ retryPolicy: { ...retry, maxAttempts: 1 } }), /maxAttempts must be an integer from 2/],
    [method({ retryPolicy: { ...retry, maxAttempts: 2.5 } }), /maxAttempts must be an integer/],
    [method({ retryPolicy: { ...retry, initialBackoff: "-1s" } }), /initialBackoff must be above zero/],
    [method({ retryPolicy: { ...retry, initialBackoff: "0s" } }), /initialBackoff must be above zero/],
    [method({ retryPolicy: { ...retry, maxBackoff: "10" } }), /maxBackoff must be a duration such as "1.5s", not "10"/],
    [method({ retryPolicy: { ...retry, backoffMultiplier: 0 } }), /backoffMultiplier must be a number above 0/],
    [method({ retryPolicy: { ...retry, retryableStatusCodes: [] } }), /retryableStatusCodes must not be empty/],
    [method({ retryPolicy: { ...retry, retryableStatusCodes: ["NOPE"] } }), /retryableStatusCodes\[0\] must be a status code/],
    [method({ retryPolicy: { ...retry, retryableStatusCodes: ["OK"] } }), /retryableStatusCodes\[0\] must be a status code other than OK/],
    [method({ retryPolicy: { maxAttempts: 3 } }), /retryableStatusCodes is required/],
    [method({ retryPolicy: retry, hedgingPolicy: { maxAttempts: 2 } }), /both a retryPolicy and a hedgingPolicy/],
    [method({ timeout: "-1s" }), /timeout must be zero or more/],
    [method({ maxRequestMessageBytes: -1 }), /maxRequestMessageBytes must be an integer from 0/],
    [method({ waitForReady: "yes" }), /waitForReady must be true or false/],
    [JSON.stringify({ methodConfig: [{ name: [{ service: "s" }] }, { name: [{ service: "s" }] }] }), /"s\/" is configured twice/],
    [JSON.stringify({ methodConfig: [{ name: [{ method: "M" }] }] }), /names a method without its service/],
    [JSON.stringify({ methodConfig: [{ name: [] }] }), /must list at least one name/],
    [JSON.stringify({ retryThrottling: { maxTokens: 0, tokenRatio: 0.1 } }), /maxTokens must be a number above 0/],
    [JSON.stringify({ retryThrottling: { maxTokens: 1001, tokenRatio: 0.1 } }), /maxTokens must be a number from/],
    [JSON.stringify({ retryThrottling: { maxTokens: 10 } }), /needs maxTokens and tokenRatio/],
    [JSON.stringify({ loadBalancingConfig: [{ a: {}, b: {} }] }), /exactly one field/],
  ];
  for (const [text, reason] of bad) assert.throws(() => parseServiceConfig(text), (e: unknown) => e instanceof ServiceConfigError && reason.test(e.message), `${text} -> ${reason}`);
});

test("createChannel checks its default service config strictly: unknown fields and unknown policies are errors", () => {
  assert.throws(() => createChannel("127.0.0.1:1", { defaultServiceConfig: { methodConfig: [{ name: [{}], retryPolcy: {} }] } }), /methodConfig\[0\]\.retryPolcy: unknown field/);
  assert.throws(() => createChannel("127.0.0.1:1", { defaultServiceConfig: { loadBalancingConfig: [{ nope: {} }] } }), /names no known policy: nope/);
  assert.throws(() => createChannel("127.0.0.1:1", { defaultServiceConfig: { loadBalancingConfig: [{ pick_first: { shuffleAddressList: 1 } }] } }), /shuffleAddressList must be true or false/);
  assert.throws(() => createChannel("127.0.0.1:1", { defaultServiceConfig: "not json" }), ServiceConfigError);
  // A resolver's config may come from a newer schema: unknown fields are ignored there, as gRPC does.
  assert.equal(parseServiceConfig({ futureField: 1, methodConfig: [{ name: [{}], timeout: "1s", future: true }] }).methodConfigs.get("")!.timeoutMs, 1000);
});

test("a method's config applies to its calls: timeout, message limits; the most specific name wins", async () => {
  const channel = createChannel(`127.0.0.1:${port}`, {
    defaultServiceConfig: {
      methodConfig: [
        { name: [{ service: "userservice.UserService", method: "GetUser" }], timeout: "0.2s" },
        { name: [{ service: "userservice.UserService" }], maxRequestMessageBytes: 50 },
        { name: [{}], maxResponseMessageBytes: 10 },
      ],
    },
  });
  const client = createClient(UserService, channel);
  try {
    // GetUser: its own config only (the timeout); id 999 never answers.
    await assert.rejects(client.getUser({ id: 999 }), (e: GrpcError) => e.code === Status.DEADLINE_EXCEEDED);
    assert.equal((await client.getUser({ id: 1 })).user!["username"], "ada");
    // CreateUser: the service's config, a 50-byte request limit.
    await assert.rejects(client.createUser({ username: "x".repeat(100) }), (e: GrpcError) => e.code === Status.RESOURCE_EXHAUSTED && /more than the limit of 50/.test(e.message));
    const created = await client.createUser({ username: "bo" });
    assert.equal(created.user!["username"], "bo");
    // A call's own timeout still applies when shorter than the config's.
    await assert.rejects(client.getUser({ id: 999 }, { timeout: 50 }), (e: GrpcError) => e.code === Status.DEADLINE_EXCEEDED);
  } finally {
    channel.close();
  }
  const other = createChannel(`127.0.0.1:${port}`, { defaultServiceConfig: { methodConfig: [{ name: [{}], maxResponseMessageBytes: 10 }] } });
  try {
    await assert.rejects(createClient(UserService, other).listUsers({}), (e: GrpcError) => e.code === Status.RESOURCE_EXHAUSTED);
  } finally {
    other.close();
  }
});

test("waitForReady from the service config: a call waits for the server instead of failing fast", async () => {
  const late = createServer().add(UserService, userServiceImpl());
  const latePort = await late.listen("127.0.0.1:0");
  await late.shutdown(0);
  const channel = createChannel(`127.0.0.1:${latePort}`, { defaultServiceConfig: { methodConfig: [{ name: [{}], waitForReady: true, timeout: "20s" }] } });
  const client = createClient(UserService, channel);
  const restarted = createServer().add(UserService, userServiceImpl());
  try {
    const pending = client.getUser({ id: 1 });
    await channel.whenState("TRANSIENT_FAILURE");
    await restarted.listen(`127.0.0.1:${latePort}`);
    assert.equal((await pending).user!["username"], "ada");
    // The call's own option wins over the config's.
    await channel.whenState("READY");
  } finally {
    channel.close();
    await restarted.shutdown(100);
  }
});

test("a resolver's service config is used; an invalid one is reported and the previous one kept; null means the default", async () => {
  // The grpc-timeout each call carries (seen by a scripted server) tells which config set it: 1 s, 5 s or 20 s.
  const scripted = new ScriptedServer(() => ({}));
  const scriptedPort = await scripted.listen();
  let push: ((r: Resolution) => void) | undefined;
  const addresses = [{ host: "127.0.0.1", port: scriptedPort }];
  const withTimeout = (t: string) => ({ methodConfig: [{ name: [{}], timeout: t }] });
  registerResolver({ scheme: "config-test", create: () => ({ resolve: async () => ({ addresses, serviceConfig: withTimeout("1s") }), watch: (onUpdate) => (push = onUpdate) }) });
  const channel = createChannel("config-test:users", { defaultServiceConfig: withTimeout("20s") });
  const client = createClient(UserService, channel);
  const timeoutOfNextCall = async (): Promise<number> => {
    await client.getUser({ id: 1 });
    return scripted.seen.at(-1)!.timeoutMs!;
  };
  try {
    await channel.getConnection();
    assert.ok((await timeoutOfNextCall()) <= 1000, "the resolver's 1 s timeout");
    push!({ addresses, serviceConfig: withTimeout("5s") });
    assert.ok((await timeoutOfNextCall()) > 1000, "an update's 5 s");
    push!({ addresses, serviceConfig: '{"methodConfig": [{"name": [{}], "timeout": "soon"}]}' });
    assert.match(String(channel.serviceConfigError), /methodConfig\[0\]\.timeout must be a duration/);
    const kept = await timeoutOfNextCall();
    assert.ok(kept > 1000 && kept <= 5000, "the previous config was kept");
    push!({ addresses, serviceConfig: null });
    assert.equal(channel.serviceConfigError, undefined);
    assert.ok((await timeoutOfNextCall()) > 5000, "null: back to the default config's 20 s");
  } finally {
    channel.close();
    await scripted.close();
  }
});
