import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createChannel, createClient, createServer, GrpcError, Metadata, Status, type ChannelOptions } from "../src/index.js";
import { UserService, userServiceImpl } from "./user-service-fixture.js";
import { ScriptedServer, type AttemptScript } from "./support/scripted-server.js";

// gRFC A6 against a scripted server on node:http2: each test names its calls (x-call metadata) and scripts what the
// server does with each attempt of them; the server records every attempt it saw.
const scripts = new Map<string, (attempt: number) => AttemptScript>();
const server = new ScriptedServer((call, attempt) => scripts.get(call.replace(/#.*/, ""))?.(attempt) ?? {});
let port = 0;
before(async () => (port = await server.listen()));
after(() => server.close());

const UNAVAILABLE_THEN_OK = (failures: number) => (n: number): AttemptScript => (n < failures ? { status: Status.UNAVAILABLE } : {});

function retryConfig(policy: Record<string, unknown>, extra: Record<string, unknown> = {}): ChannelOptions {
  return { defaultServiceConfig: { methodConfig: [{ name: [{ service: "userservice.UserService" }], retryPolicy: { maxAttempts: 4, initialBackoff: "0.01s", maxBackoff: "0.05s", backoffMultiplier: 2, retryableStatusCodes: ["UNAVAILABLE"], ...policy } }], ...extra } };
}

async function withClient<T>(options: ChannelOptions, body: (call: (name: string, opts?: object) => Promise<unknown>) => Promise<T>): Promise<T> {
  const channel = createChannel(`127.0.0.1:${port}`, options);
  const client = createClient(UserService, channel);
  try {
    return await body((name, opts) => client.getUser({ id: 1 }, { metadata: { "x-call": name }, timeout: 10_000, ...opts }));
  } finally {
    channel.close();
  }
}

async function statusOf(p: Promise<unknown>): Promise<Status> {
  try {
    await p;
    return Status.OK;
  } catch (e) {
    assert.ok(e instanceof GrpcError, String(e));
    return e.code;
  }
}

test("a retryable failure is retried until it succeeds; each attempt tells the server how many came before it", async () => {
  scripts.set("retry-ok", UNAVAILABLE_THEN_OK(2));
  await withClient(retryConfig({}), async (call) => assert.equal(await statusOf(call("retry-ok")), Status.OK));
  assert.deepEqual(server.attemptsOf("retry-ok").map((a) => a.previousAttempts), [undefined, "1", "2"]);
});

test("a status not in retryableStatusCodes is not retried; maxAttempts is capped at 5 unless the channel allows more", async () => {
  scripts.set("fatal", () => ({ status: Status.INVALID_ARGUMENT }));
  scripts.set("always", () => ({ status: Status.UNAVAILABLE }));
  await withClient(retryConfig({ maxAttempts: 10 }), async (call) => {
    assert.equal(await statusOf(call("fatal")), Status.INVALID_ARGUMENT);
    assert.equal(await statusOf(call("always#capped")), Status.UNAVAILABLE);
  });
  assert.equal(server.attemptsOf("fatal").length, 1);
  assert.equal(server.attemptsOf("always#capped").length, 5);
  await withClient({ ...retryConfig({ maxAttempts: 7 }), maxAttemptsLimit: 7 }, async (call) => assert.equal(await statusOf(call("always#seven")), Status.UNAVAILABLE));
  assert.equal(server.attemptsOf("always#seven").length, 7);
});

test("no retry policy: a failure is final", async () => {
  await withClient({}, async (call) => assert.equal(await statusOf(call("always#nopolicy")), Status.UNAVAILABLE));
  assert.equal(server.attemptsOf("always#nopolicy").length, 1);
});

test("the backoff grows by the multiplier up to maxBackoff (each wait at least its bound when the jitter draws the top)", async () => {
  scripts.set("backoff", UNAVAILABLE_THEN_OK(4));
  const random = Math.random;
  Math.random = () => 0.999_999; // the top of random(0, bound): each wait is its bound
  try {
    await withClient(retryConfig({ maxAttempts: 5, initialBackoff: "0.1s", maxBackoff: "0.25s", backoffMultiplier: 2 }), async (call) => assert.equal(await statusOf(call("backoff")), Status.OK));
  } finally {
    Math.random = random;
  }
  const at = server.attemptsOf("backoff").map((a) => a.at);
  const waits = at.slice(1).map((t, i) => t - at[i]!);
  // Bounds 100, 200, 250 (capped), 250 ms; a timer never fires early, so these are lower bounds (1 ms of clock rounding).
  [100, 200, 250, 250].forEach((bound, i) => assert.ok(waits[i]! >= bound - 1, `wait ${i + 1} was ${waits[i]} ms, its bound ${bound} ms`));
});

test("server pushback: a delay is honoured instead of the backoff; -1 or garbage stops the retries", async () => {
  scripts.set("pushback", (n) => (n === 0 ? { status: Status.UNAVAILABLE, pushback: "300" } : {}));
  scripts.set("pushback-stop", () => ({ status: Status.UNAVAILABLE, pushback: "-1" }));
  scripts.set("pushback-garbage", () => ({ status: Status.UNAVAILABLE, pushback: "soon" }));
  scripts.set("pushback-leading-zero", () => ({ status: Status.UNAVAILABLE, pushback: "010" }));
  const random = Math.random;
  Math.random = () => 0; // the backoff alone would wait 0 ms
  try {
    await withClient(retryConfig({ initialBackoff: "5s", maxBackoff: "5s" }), async (call) => {
      assert.equal(await statusOf(call("pushback")), Status.OK);
      for (const name of ["pushback-stop", "pushback-garbage", "pushback-leading-zero"]) assert.equal(await statusOf(call(name)), Status.UNAVAILABLE);
    });
  } finally {
    Math.random = random;
  }
  const [first, second] = server.attemptsOf("pushback");
  assert.ok(second!.at - first!.at >= 299, `the retry waited ${second!.at - first!.at} ms for a 300 ms pushback`);
  for (const name of ["pushback-stop", "pushback-garbage", "pushback-leading-zero"]) assert.equal(server.attemptsOf(name).length, 1, name);
});

test("retry throttling: below half the tokens no retry goes out; successes earn tokens back", async () => {
  scripts.set("throttled", () => ({ status: Status.UNAVAILABLE }));
  scripts.set("fine", () => ({}));
  const attempts: number[] = [];
  await withClient(retryConfig({ maxAttempts: 3 }, { retryThrottling: { maxTokens: 10, tokenRatio: 0.5 } }), async (call) => {
    for (let i = 0; i < 4; i++) {
      assert.equal(await statusOf(call(`throttled#${i}`)), Status.UNAVAILABLE);
      attempts.push(server.attemptsOf(`throttled#${i}`).length);
    }
    // Tokens: 10 -> 7 (3 failed attempts) -> 5 (2; 5 is not above half) -> 4 -> 3. Four successes: 5, still not above half.
    for (let i = 0; i < 4; i++) assert.equal(await statusOf(call("fine")), Status.OK);
    assert.equal(await statusOf(call("throttled#4")), Status.UNAVAILABLE);
    attempts.push(server.attemptsOf("throttled#4").length);
    // 5 - 1 = 4 after that call; six successes: 7, above half: the next call retries again (7 -> 6, then 6 -> 5 stops it).
    for (let i = 0; i < 6; i++) assert.equal(await statusOf(call("fine")), Status.OK);
    assert.equal(await statusOf(call("throttled#5")), Status.UNAVAILABLE);
    attempts.push(server.attemptsOf("throttled#5").length);
  });
  assert.deepEqual(attempts, [3, 2, 1, 1, 1, 2]);
});

test("hedging: copies go out every hedgingDelay; the first success wins and the others are cancelled", async () => {
  scripts.set("hedge", (n) => (n === 0 ? { hang: true } : n === 1 ? { hang: true } : {}));
  const hedging = { defaultServiceConfig: { methodConfig: [{ name: [{}], hedgingPolicy: { maxAttempts: 3, hedgingDelay: "0.05s", nonFatalStatusCodes: ["UNAVAILABLE"] } }] } };
  await withClient(hedging, async (call) => assert.equal(await statusOf(call("hedge")), Status.OK));
  const seen = server.attemptsOf("hedge");
  assert.deepEqual(seen.map((a) => a.previousAttempts), [undefined, "1", "2"]);
  const deadline = Date.now() + 5_000;
  while (!seen.slice(0, 2).every((a) => a.cancelled) && Date.now() < deadline) await new Promise((r) => setImmediate(r));
  assert.deepEqual(seen.map((a) => a.cancelled), [true, true, false], "the losing hedges were cancelled");
});

test("hedging: a non-fatal failure sends the next copy at once; a fatal one ends the call; all failing ends with the last", async () => {
  scripts.set("hedge-nonfatal", (n) => (n < 2 ? { status: Status.UNAVAILABLE } : {}));
  scripts.set("hedge-fatal", (n) => (n === 0 ? { status: Status.PERMISSION_DENIED } : { hang: true }));
  scripts.set("hedge-all-fail", () => ({ status: Status.UNAVAILABLE }));
  // A delay no test waits out: only failures bring the next copies.
  const hedging = { defaultServiceConfig: { methodConfig: [{ name: [{}], hedgingPolicy: { maxAttempts: 3, hedgingDelay: "60s", nonFatalStatusCodes: ["UNAVAILABLE"] } }] } };
  await withClient(hedging, async (call) => {
    assert.equal(await statusOf(call("hedge-nonfatal")), Status.OK);
    assert.equal(await statusOf(call("hedge-fatal")), Status.PERMISSION_DENIED);
    assert.equal(await statusOf(call("hedge-all-fail")), Status.UNAVAILABLE);
  });
  assert.equal(server.attemptsOf("hedge-nonfatal").length, 3);
  assert.equal(server.attemptsOf("hedge-fatal").length, 1);
  assert.equal(server.attemptsOf("hedge-all-fail").length, 3);
});

test("transparent retry: a refused stream is sent again once, without any policy", async () => {
  scripts.set("refused-once", (n) => (n === 0 ? { refuse: true } : {}));
  scripts.set("refused-always", () => ({ refuse: true }));
  await withClient({}, async (call) => {
    assert.equal(await statusOf(call("refused-once")), Status.OK);
    assert.equal(await statusOf(call("refused-always")), Status.UNAVAILABLE);
  });
  assert.equal(server.attemptsOf("refused-once").length, 2);
  assert.equal(server.attemptsOf("refused-always").length, 2, "once, not in a loop");
  await withClient({ disableRetries: true }, async (call) => assert.equal(await statusOf(call("refused-always#off")), Status.UNAVAILABLE));
  assert.equal(server.attemptsOf("refused-always#off").length, 1, "disableRetries turns it off");
});

test("a call committed by response headers is not retried, whatever its status", async () => {
  scripts.set("committed", () => ({ status: Status.UNAVAILABLE, headersFirst: true }));
  await withClient(retryConfig({}), async (call) => assert.equal(await statusOf(call("committed")), Status.UNAVAILABLE));
  assert.equal(server.attemptsOf("committed").length, 1);
});

test("the deadline covers every attempt, and a cancel during the backoff ends the call with no further attempt", async () => {
  scripts.set("slow-retries", () => ({ status: Status.UNAVAILABLE, pushback: "400" }));
  await withClient(retryConfig({ maxAttempts: 5 }), async (call) => {
    assert.equal(await statusOf(call("slow-retries#deadline", { timeout: 600 })), Status.DEADLINE_EXCEEDED);
    const controller = new AbortController();
    const pending = call("slow-retries#cancel", { signal: controller.signal });
    const until = Date.now() + 5_000;
    while (server.attemptsOf("slow-retries#cancel").length === 0 && Date.now() < until) await new Promise((r) => setImmediate(r));
    controller.abort();
    assert.equal(await statusOf(pending), Status.CANCELLED);
  });
  assert.ok(server.attemptsOf("slow-retries#deadline").length <= 2);
  assert.equal(server.attemptsOf("slow-retries#cancel").length, 1);
});

test("streaming calls replay their requests to a retry; requests beyond the per-call buffer commit the call", async () => {
  scripts.set("stream", UNAVAILABLE_THEN_OK(1));
  const channel = createChannel(`127.0.0.1:${port}`, { ...retryConfig({}), perCallRetryBufferSize: 2_000 });
  const client = createClient(UserService, channel);
  const requests = (n: number, size: number) => Array.from({ length: n }, (_, i) => ({ username: `u${i}`.padEnd(size, "x") }));
  try {
    await client.bulkCreateUsers(requests(5, 10), { metadata: { "x-call": "stream#small" } });
    await assert.rejects(client.bulkCreateUsers(requests(50, 100), { metadata: { "x-call": "stream#large" } }), (e: GrpcError) => e.code === Status.UNAVAILABLE);
  } finally {
    channel.close();
  }
  assert.deepEqual(server.attemptsOf("stream#small").map((a) => a.messages), [5, 5], "the retry got every request again");
  assert.equal(server.attemptsOf("stream#large").length, 1, "5,000 bytes of requests outgrew the 2,000-byte buffer: committed");
});

test("a tsgrpc server pushes back: grpc-retry-pushback-ms in a failed call's trailers is honoured by the client", async () => {
  let attempts = 0;
  const busy = createServer().add(UserService, {
    ...userServiceImpl(),
    async getUser() {
      if (attempts++ === 0) throw new GrpcError(Status.UNAVAILABLE, "busy", { metadata: new Metadata({ "grpc-retry-pushback-ms": "1" }) });
      return { user: { id: 1, username: "ada" } };
    },
  });
  const busyPort = await busy.listen("127.0.0.1:0");
  const random = Math.random;
  Math.random = () => 0.999_999; // the backoff alone would wait its whole 60 s, past the call's deadline
  const channel = createChannel(`127.0.0.1:${busyPort}`, retryConfig({ initialBackoff: "60s", maxBackoff: "60s" }));
  try {
    const { user } = await createClient(UserService, channel).getUser({ id: 1 }, { timeout: 20_000 });
    assert.equal(user!["username"], "ada");
    assert.equal(attempts, 2);
  } finally {
    Math.random = random;
    channel.close();
    await busy.shutdown(100);
  }
});
