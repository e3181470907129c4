import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createChannel, registerResolver, Status, type Address, type GrpcError, type Resolution } from "../src/index.js";
import { startBackend, stopAllBackends, stopBackend, type BackendProcess } from "./support/backends.js";
import { countByBackend, getUserCallsSeen, runCalls, servedBy, usersClient, type UsersClient } from "./support/calls.js";

// round_robin over backends that are processes of their own (support/backend-process.ts), so that one can be killed
// (SIGKILL), shut down gracefully (SIGTERM) and started again on the same port while the channel is busy. Each
// response names the backend that served it.
const HOSTS = ["127.0.0.1", "127.0.0.2", "127.0.0.3"];
const socketPath = join(mkdtempSync(join(tmpdir(), "tsgrpc-backends-")), "backend-u.sock");
const tcp: BackendProcess[] = [];
let unix: BackendProcess;

const RETRY_UNAVAILABLE = { maxAttempts: 5, initialBackoff: "0.01s", maxBackoff: "0.1s", backoffMultiplier: 2, retryableStatusCodes: ["UNAVAILABLE"] };
const CONFIG = {
  loadBalancingConfig: [{ round_robin: {} }],
  methodConfig: [{ name: [{ service: "userservice.UserService" }], retryPolicy: RETRY_UNAVAILABLE }],
};

before(async () => {
  for (const [i, host] of HOSTS.entries()) tcp[i] = await startBackend(`b${i}`, { listen: `${host}:0` });
  unix = await startBackend("u", { unix: socketPath });
});
after(stopAllBackends);

const ipv4Target = () => `ipv4:${tcp.map((b, i) => `${HOSTS[i]}:${b.port}`).join(",")}`;
const address = (i: number): Address => ({ host: HOSTS[i]!, port: tcp[i]!.port });

/** A resolver whose list the test changes, pushed to the channel through `watch` as a registry's watch would. */
const listed: { addresses: Address[]; push?: (r: Resolution) => void } = { addresses: [] };
registerResolver({
  scheme: "backends-test",
  create: () => ({
    resolve: async () => ({ addresses: listed.addresses }),
    watch: (onUpdate) => void (listed.push = onUpdate),
  }),
  defaultAuthority: () => "localhost",
});

/** Calls until every one of `ids` has served one (bounded in count and time): the spread is measured from then on. */
async function untilServedByAll(client: UsersClient, ids: string[]): Promise<void> {
  const seen = new Set<string>();
  const until = Date.now() + 20_000;
  for (let i = 0; i < 2_000 && Date.now() < until && !ids.every((id) => seen.has(id)); i++) seen.add(await servedBy(client));
  assert.deepEqual([...seen].sort(), [...ids].sort(), "every backend served a call");
}

function assertEvenSpread(counts: Record<string, number>, ids: string[], perBackend: number): void {
  for (const id of ids) {
    const n = counts[id] ?? 0;
    assert.ok(n >= perBackend * 0.9 && n <= perBackend * 1.1, `each backend within 10% of ${perBackend} calls: ${JSON.stringify(counts)}`);
  }
}

test("round_robin over three backend processes (ipv4: target): 300 calls spread within 10% each", { timeout: 60_000 }, async () => {
  const channel = createChannel(ipv4Target(), { defaultServiceConfig: CONFIG });
  const client = usersClient(channel);
  try {
    await untilServedByAll(client, ["b0", "b1", "b2"]);
    const outcomes = await runCalls(300, 300, () => servedBy(client));
    assert.deepEqual(outcomes.filter((o) => o.error), []);
    assertEvenSpread(countByBackend(outcomes), ["b0", "b1", "b2"], 100);
  } finally {
    channel.close();
  }
});

test("a registered resolver with a unix socket among the addresses: 400 calls over four backends; one added through watch gets calls", { timeout: 60_000 }, async () => {
  listed.addresses = [address(0), address(1), address(2)];
  const channel = createChannel("backends-test:pool", { defaultServiceConfig: CONFIG });
  const client = usersClient(channel);
  try {
    await untilServedByAll(client, ["b0", "b1", "b2"]);
    // The unix-socket backend joins: the resolver pushes the new list, no connection failure needed to ask for it.
    listed.addresses = [...listed.addresses, { path: socketPath }];
    assert.ok(listed.push, "the channel watches the resolver");
    listed.push({ addresses: listed.addresses });
    await untilServedByAll(client, ["b0", "b1", "b2", "u"]);
    const outcomes = await runCalls(400, 400, () => servedBy(client));
    assert.deepEqual(outcomes.filter((o) => o.error), []);
    assertEvenSpread(countByBackend(outcomes), ["b0", "b1", "b2", "u"], 100);
  } finally {
    channel.close();
  }
});

test("SIGKILL of a backend mid-run (UNAVAILABLE retried): no call fails, it serves none; restarted on its port, it serves again", { timeout: 90_000 }, async () => {
  const channel = createChannel(ipv4Target(), { defaultServiceConfig: CONFIG });
  const client = usersClient(channel);
  try {
    await untilServedByAll(client, ["b0", "b1", "b2"]);
    let killed: Promise<void> | undefined;
    let doneAtKill = 0;
    const outcomes = await runCalls(1_500, 50, () => servedBy(client), (_, done) => {
      if (done === 300) killed = stopBackend(tcp[1]!, "SIGKILL").then(() => void (doneAtKill = done));
    });
    await killed;
    assert.deepEqual(outcomes.filter((o) => o.error).map((o) => `${o.index}: ${o.error!.message}`), [], "no call failed");
    // Calls that started once the process was gone were served by the other two only (the kill lands while up to 50
    // calls are in flight, so the calls right around it are not judged).
    const afterKill = outcomes.slice(doneAtKill + 50);
    assert.ok(afterKill.length > 500, `enough calls after the kill (${afterKill.length})`);
    assert.equal(countByBackend(afterKill)["b1"], undefined, "the killed backend served nothing after it died");

    tcp[1] = await startBackend("b1", { listen: `${HOSTS[1]}:${tcp[1]!.port}` });
    const seen = new Set<string>();
    const until = Date.now() + 30_000;
    for (let i = 0; i < 20_000 && Date.now() < until && !seen.has("b1"); i++) seen.add(await servedBy(client));
    assert.ok(seen.has("b1"), "the restarted backend serves calls again after the channel reconnects");
  } finally {
    channel.close();
  }
});

test("DEADLINE_EXCEEDED is not retried: a stalling backend sees one attempt per call", { timeout: 60_000 }, async () => {
  // A channel to one backend only, so that its count is exact; getUser id 999 never answers.
  const config = { methodConfig: [{ name: [{ service: "userservice.UserService" }], timeout: "0.2s", retryPolicy: RETRY_UNAVAILABLE }] };
  const channel = createChannel(`ipv4:${HOSTS[2]}:${tcp[2]!.port}`, { defaultServiceConfig: config });
  const client = usersClient(channel);
  try {
    const before = await getUserCallsSeen(client);
    for (let i = 0; i < 5; i++) {
      await assert.rejects(client.getUser({ id: 999 }), (e: GrpcError) => e.code === Status.DEADLINE_EXCEEDED);
    }
    // Same connection, streams in order: an attempt sent after a deadline would arrive before this stats call.
    assert.equal((await getUserCallsSeen(client)) - before, 5, "one attempt per call");
  } finally {
    channel.close();
  }
});

test("graceful shutdown under load: 10,000 calls, all in flight at once, across a backend's SIGTERM and restart: none fails", { timeout: 180_000 }, async () => {
  const channel = createChannel(ipv4Target(), { defaultServiceConfig: CONFIG });
  const client = usersClient(channel);
  // Which phase of b1's life each call settled in: a failure says where it happened.
  type Phase = "up" | "draining" | "down" | "restarted";
  let phase: Phase = "up";
  const phases: Phase[] = [];
  let restarted: Promise<void> | undefined;
  try {
    await untilServedByAll(client, ["b0", "b1", "b2"]);
    const started = Date.now();
    const outcomes = await runCalls(10_000, 10_000, () => servedBy(client), (o, done) => {
      phases[o.index] = phase;
      if (done !== 2_000) return;
      phase = "draining";
      const old = tcp[1]!;
      restarted = stopBackend(old, "SIGTERM").then(async () => {
        assert.equal(await old.exited, 0, "the backend exited by itself after its graceful shutdown");
        phase = "down";
        tcp[1] = await startBackend("b1", { listen: `${HOSTS[1]}:${old.port}` });
        phase = "restarted";
      });
    });
    const elapsed = Date.now() - started;
    await restarted;
    const failures = outcomes.filter((o) => o.error).map((o) => `#${o.index} (${phases[o.index]}): ${o.error!.message} [code ${(o.error as GrpcError).code}]`);
    const counts = countByBackend(outcomes);
    console.log(`# 10,000 calls in ${elapsed} ms; served: ${JSON.stringify(counts)}; by b1's phase: ${JSON.stringify(countPhases(phases))}`);
    assert.deepEqual(failures, [], "no call failed");
    // The restarted backend takes calls again (its reconnection backoff may outlast the run: calls go on, bounded).
    let back = false;
    const until = Date.now() + 30_000;
    for (let i = 0; i < 20_000 && Date.now() < until && !back; i++) back = (await servedBy(client)) === "b1";
    assert.ok(back, "the restarted backend serves calls again");
  } finally {
    channel.close();
  }
});

function countPhases(phases: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of phases) out[p] = (out[p] ?? 0) + 1;
  return out;
}
