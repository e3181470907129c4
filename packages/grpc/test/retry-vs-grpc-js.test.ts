import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:http2";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { createChannel, createClient, type GrpcError } from "../src/index.js";
import { PROTO_DIR, UserService } from "./user-service-fixture.js";
import { startScript, stopAllBackends, type BackendProcess } from "./support/backends.js";
import type { AttemptScript, SeenAttempt } from "./support/scripted-server.js";

// gRFC A6 retries and hedging, with @grpc/grpc-js as the independent reference: one scripted failing server (a
// process of its own on bare node:http2), the same service config JSON given to grpc-js's client and to a tsgrpc
// channel, the same script per call; each side's attempts as the server saw them (their count and
// grpc-previous-rpc-attempts values) and the final status codes are compared. Where grpc-js departs from A6 the
// scenario says so (`grpcJs`), and tsgrpc is held to A6 (github.com/grpc/proposal A6-client-retries.md). grpc-js
// 1.14 implements hedging too (retrying-call.js): the hedging scenarios compare two implementations as well.
type Step = AttemptScript;
/** One call as the server saw it and as the client ended: the attempts' previous-attempts headers, the status. */
type CallResult = { previous: (string | null)[]; code: number };

const UNAVAILABLE = 14;
const INVALID_ARGUMENT = 3;
const fail = (status: number, pushback?: string): Step => (pushback === undefined ? { status } : { status, pushback });
const HANG: Step = { hang: true };
const ok = (attempts: number): CallResult => ({ previous: previousValues(attempts), code: 0 });
const failed = (code: number, attempts: number): CallResult => ({ previous: previousValues(attempts), code });
const previousValues = (attempts: number) => Array.from({ length: attempts }, (_, i) => (i === 0 ? null : String(i)));

const METHOD = [{ service: "userservice.UserService", method: "GetUser" }];
function retrying(policy: object = {}, extra: object = {}): object {
  const retryPolicy = { maxAttempts: 5, initialBackoff: "0.01s", maxBackoff: "0.05s", backoffMultiplier: 2, retryableStatusCodes: ["UNAVAILABLE"], ...policy };
  return { methodConfig: [{ name: METHOD, retryPolicy }], ...extra };
}
const HEDGING = { methodConfig: [{ name: METHOD, hedgingPolicy: { maxAttempts: 3, hedgingDelay: "0.1s", nonFatalStatusCodes: ["UNAVAILABLE"] } }] };
const THROTTLED = { retryThrottling: { maxTokens: 4, tokenRatio: 0.5 } };

interface Scenario {
  name: string;
  config: object;
  /** The script of each call, made in sequence on one channel. */
  calls: Step[][];
  /** What A6 says happens, call by call. */
  a6: CallResult[];
  /** What grpc-js does instead, where it departs from A6 (and why). */
  grpcJs?: { results: CallResult[]; why: string };
  /**
   * grpc-js keeps one throttle per target string for the whole process, carried over to the next channel to the
   * same target (A6 throttles "per server name"; tsgrpc keeps one per channel): each throttling scenario gives
   * grpc-js a target of its own so that it starts from full tokens, as tsgrpc's new channel does.
   */
  grpcJsTarget?: (port: number) => string;
}

const SCENARIOS: Scenario[] = [
  { name: "retry until success", config: retrying(), calls: [[fail(UNAVAILABLE), fail(UNAVAILABLE)]], a6: [ok(3)] },
  { name: "a non-retryable status is not retried", config: retrying(), calls: [[fail(INVALID_ARGUMENT)]], a6: [failed(INVALID_ARGUMENT, 1)] },
  { name: "maxAttempts 10 is capped at 5", config: retrying({ maxAttempts: 10 }), calls: [Array(9).fill(fail(UNAVAILABLE))], a6: [failed(UNAVAILABLE, 5)] },
  { name: "pushback -1 stops retrying", config: retrying(), calls: [[fail(UNAVAILABLE, "-1")]], a6: [failed(UNAVAILABLE, 1)] },
  {
    name: "an unparseable pushback stops retrying",
    config: retrying(),
    calls: [[fail(UNAVAILABLE, "soon")]],
    a6: [failed(UNAVAILABLE, 1)],
    grpcJs: { results: [ok(2)], why: 'parseInt("soon") is NaN, not negative: grpc-js retries after setTimeout(NaN), i.e. at once (A6: "negative or unparseable" means do not retry)' },
  },
  { name: "pushback n: the retry waits n ms (see the timing check below)", config: retrying({ initialBackoff: "0.001s", maxBackoff: "0.001s" }), calls: [[fail(UNAVAILABLE, "300")]], a6: [ok(2)] },
  {
    name: "retry throttling: maxTokens 4, tokenRatio 0.5 over a sequence of calls",
    config: retrying({}, THROTTLED),
    // Tokens 4 -> 3 (retry) -> 2 (at the threshold: no retry); 2 -> 1 (none); five successes 1 -> 3.5; 3.5 -> 2.5 (retry).
    calls: [Array(5).fill(fail(UNAVAILABLE)), [fail(UNAVAILABLE)], [], [], [], [], [], [fail(UNAVAILABLE)]],
    a6: [failed(UNAVAILABLE, 2), failed(UNAVAILABLE, 1), ok(1), ok(1), ok(1), ok(1), ok(1), ok(2)],
    grpcJsTarget: (port) => `ipv4:127.0.0.1:${port}`,
  },
  {
    name: "retry throttling: a pushback that says stop counts as a failure, even on a non-retryable status",
    config: retrying({}, THROTTLED),
    // A6: 4 -> 3 for the pushback, then 3 -> 2 (at the threshold): the second call is not retried.
    calls: [[fail(INVALID_ARGUMENT, "-1")], [fail(UNAVAILABLE)]],
    a6: [failed(INVALID_ARGUMENT, 1), failed(UNAVAILABLE, 1)],
    grpcJsTarget: (port) => `dns:///127.0.0.1:${port}`,
    grpcJs: { results: [failed(INVALID_ARGUMENT, 1), ok(2)], why: "grpc-js takes a token only for a retryable status, not for a stop pushback on another one (A6: both count as failures)" },
  },
  { name: "hedging: a non-fatal failure sends the next hedge at once; a success ends the call", config: HEDGING, calls: [[HANG, fail(UNAVAILABLE)]], a6: [ok(3)] },
  { name: "hedging: a fatal status ends the call", config: HEDGING, calls: [[HANG, fail(INVALID_ARGUMENT)]], a6: [failed(INVALID_ARGUMENT, 2)] },
  { name: "hedging: every hedge fails non-fatally", config: HEDGING, calls: [[fail(UNAVAILABLE), fail(UNAVAILABLE), fail(UNAVAILABLE)]], a6: [failed(UNAVAILABLE, 3)] },
];

let server: BackendProcess;
before(async () => {
  server = await startScript(fileURLToPath(new URL("./support/retry-script-server.js", import.meta.url)), [], "retry-script-server");
});
after(stopAllBackends);

/** The attempts the scripted server saw for one call. */
function attemptsSeen(key: string): Promise<SeenAttempt[]> {
  return new Promise((resolve, reject) => {
    const session = connect(`http://127.0.0.1:${server.port}`);
    session.on("error", reject);
    let body = "";
    const req = session.request({ ":path": `/attempts/${encodeURIComponent(key)}` });
    req.setEncoding("utf8");
    req.on("data", (d: string) => (body += d));
    req.on("end", () => (session.close(), resolve(JSON.parse(body) as SeenAttempt[])));
    req.on("error", reject);
  });
}

type Caller = (key: string, script: Step[]) => Promise<number>;

function tsgrpcCaller(config: object): { call: Caller; close(): void } {
  const channel = createChannel(`127.0.0.1:${server.port}`, { defaultServiceConfig: config });
  const client = createClient(UserService, channel) as unknown as { getUser(r: object, o: object): Promise<unknown> };
  const call: Caller = (key, script) =>
    client.getUser({ id: 1 }, { timeout: 10_000, metadata: { "x-call": key, "x-script": JSON.stringify(script) } }).then(() => 0, (e: GrpcError) => e.code);
  return { call, close: () => channel.close() };
}

const grpcJsPackage = grpc.loadPackageDefinition(protoLoader.loadSync("user_service.proto", { includeDirs: [PROTO_DIR] })) as any;
function grpcJsCaller(config: object, target: string): { call: Caller; close(): void } {
  const client = new grpcJsPackage.userservice.UserService(target, grpc.credentials.createInsecure(), {
    "grpc.service_config": JSON.stringify(config),
    "grpc.service_config_disable_resolution": 1,
    "grpc.enable_retries": 1,
  });
  const call: Caller = (key, script) =>
    new Promise((resolve) => {
      const md = new grpc.Metadata();
      md.set("x-call", key);
      md.set("x-script", JSON.stringify(script));
      client.getUser({ id: 1 }, md, { deadline: Date.now() + 10_000 }, (e: grpc.ServiceError | null) => resolve(e ? e.code : 0));
    });
  return { call, close: () => client.close() };
}

/** Runs a scenario's calls in sequence on one new channel of one client; each call's attempts and status. */
async function run(scenario: Scenario, side: "tsgrpc" | "grpc-js"): Promise<{ results: CallResult[]; attempts: SeenAttempt[][] }> {
  const caller = side === "tsgrpc" ? tsgrpcCaller(scenario.config) : grpcJsCaller(scenario.config, scenario.grpcJsTarget?.(server.port) ?? `127.0.0.1:${server.port}`);
  const results: CallResult[] = [];
  const attempts: SeenAttempt[][] = [];
  try {
    for (const [i, script] of scenario.calls.entries()) {
      const key = `${scenario.name}/${side}/${i}`;
      const code = await caller.call(key, script);
      const seen = await attemptsSeen(key);
      attempts.push(seen);
      results.push({ previous: seen.map((a) => a.previousAttempts ?? null), code });
    }
  } finally {
    caller.close();
  }
  return { results, attempts };
}

for (const scenario of SCENARIOS) {
  test(`A6 ${scenario.name}: tsgrpc and grpc-js`, { timeout: 60_000 }, async () => {
    const ours = await run(scenario, "tsgrpc");
    const theirs = await run(scenario, "grpc-js");
    if (scenario.grpcJs) {
      assert.deepEqual(theirs.results, scenario.grpcJs.results, `grpc-js's known departure from A6 (${scenario.grpcJs.why}); if it now follows A6, drop the departure`);
    } else {
      assert.deepEqual(theirs.results, scenario.a6, "grpc-js follows A6 here");
    }
    // With grpc-js as the reference where it follows A6, and A6 itself where it does not.
    assert.deepEqual(ours.results, scenario.a6, "tsgrpc makes the attempts A6 says, and ends with the same status");
    if (scenario.name.startsWith("pushback n")) {
      // A lower bound only (load can only lengthen the wait): the retry came no sooner than the pushback said,
      // where the 1 ms backoff alone would have sent it at once. 290, not 300: a timer may fire a little early, and both arrival times are the server's.
      for (const { attempts } of [ours, theirs]) assert.ok(attempts[0]![1]!.at - attempts[0]![0]!.at >= 290, `waited ${attempts[0]![1]!.at - attempts[0]![0]!.at} ms`);
    }
  });
}
