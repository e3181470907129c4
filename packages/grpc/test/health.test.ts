import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { createChannel, createClient, createServer, GrpcError, Health, createHealthService, ServingStatus, Status } from "../src/index.js";

// grpc.health.v1 as grpc-js's client sees it (the schema loaded by proto-loader, not by us), and as ours does.
const protoDir = fileURLToPath(new URL("../../proto", import.meta.url));
const pkg = grpc.loadPackageDefinition(protoLoader.loadSync("grpc/health/v1/health.proto", { includeDirs: [protoDir], enums: String })) as any;

test("health: Check per service and overall, NOT_FOUND for unknown services, with grpc-js's client", async () => {
  const health = createHealthService();
  const server = createServer({ health }).add(Health, health.implementation);
  health.setStatus("userservice.UserService", ServingStatus.SERVING);
  const port = await server.listen("127.0.0.1:0");
  const theirs = new pkg.grpc.health.v1.Health(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const check = (service: string) => new Promise<any>((resolve, reject) => theirs.check({ service }, (e: any, r: any) => (e ? reject(e) : resolve(r))));
  try {
    assert.equal((await check("")).status, "SERVING");
    assert.equal((await check("userservice.UserService")).status, "SERVING");
    health.setStatus("userservice.UserService", ServingStatus.NOT_SERVING);
    assert.equal((await check("userservice.UserService")).status, "NOT_SERVING");
    await assert.rejects(check("nope.Svc"), (e: any) => e.code === grpc.status.NOT_FOUND);
    const ours = createClient(Health, createChannel(`127.0.0.1:${port}`));
    assert.equal((await ours.check({ service: "" })).status, ServingStatus.SERVING);
    await assert.rejects(ours.check({ service: "nope" }), (e: GrpcError) => e.code === Status.NOT_FOUND);
  } finally {
    theirs.close();
    await server.shutdown(100);
  }
});

test("health: Watch streams each change, SERVICE_UNKNOWN first for unknown services, NOT_SERVING at shutdown", async () => {
  const health = createHealthService();
  const server = createServer({ health }).add(Health, health.implementation);
  const port = await server.listen("127.0.0.1:0");
  const theirs = new pkg.grpc.health.v1.Health(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const seen: string[] = [];
  const call = theirs.watch({ service: "svc" });
  call.on("data", (r: any) => seen.push(r.status));
  call.on("error", () => {});
  const waitFor = async (n: number) => {
    for (let i = 0; seen.length < n && i < 200; i++) await new Promise((r) => setTimeout(r, 10));
  };
  await waitFor(1);
  health.setStatus("svc", ServingStatus.SERVING);
  await waitFor(2);
  health.setStatus("svc", ServingStatus.SERVING); // no change, no message
  health.setStatus("svc", ServingStatus.NOT_SERVING);
  await waitFor(3);
  health.setStatus("svc", ServingStatus.SERVING);
  await waitFor(4);
  const down = server.shutdown(200);
  await waitFor(5);
  assert.deepEqual(seen, ["SERVICE_UNKNOWN", "SERVING", "NOT_SERVING", "SERVING", "NOT_SERVING"]);
  await down;
  theirs.close();
});

test("health: at shutdown a Watch gets NOT_SERVING and then ends UNAVAILABLE, so it does not hold the shutdown for its grace; a Watch that arrives after is ended too", { timeout: 30_000 }, async () => {
  const health = createHealthService();
  const server = createServer({ health }).add(Health, health.implementation);
  const port = await server.listen("127.0.0.1:0");
  const theirs = new pkg.grpc.health.v1.Health(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const seen: string[] = [];
  const call = theirs.watch({ service: "" });
  const ended = new Promise<any>((resolve) => call.on("error", resolve));
  const first = new Promise<void>((resolve) => call.on("data", (r: any) => (seen.push(r.status), resolve())));
  await first;
  // The grace is longer than the test's timeout: only the watch ending lets the shutdown finish in time.
  await server.shutdown(120_000);
  assert.equal((await ended).code, grpc.status.UNAVAILABLE);
  assert.deepEqual(seen, ["SERVING", "NOT_SERVING"]);
  theirs.close();
  // The service itself, after its shutdown: the status, then the end.
  const updates: ServingStatus[] = [];
  const late = (health.implementation.watch as any)({ service: "" }, { signal: new AbortController().signal });
  await assert.rejects(async () => {
    for await (const u of late) updates.push(u.status);
  }, (e: GrpcError) => e.code === Status.UNAVAILABLE);
  assert.deepEqual(updates, [ServingStatus.NOT_SERVING]);
});
