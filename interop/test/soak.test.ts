import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { protoRoot } from "../src/test-service.js";
import { grpcJsTestService } from "./grpc-js-test-service.js";
import { pythonSkip, startPythonServer } from "./python-setup.js";

// rpc_soak and channel_soak as an external runner uses them: the tsgrpc interop client, a process started with the
// official soak flags, against Python grpcio's interop server and grpc-js's TestService; a few iterations each. The
// latency bound is set far above any real call: these tests judge statuses and iteration counts, not speed.
const client = fileURLToPath(new URL("../src/client.js", import.meta.url));
const root = protoRoot();
const skip = root ? false : "the official interop protos are not installed (Debian: grpc-proto)";
const GENEROUS = ["--soak_per_iteration_max_acceptable_latency_ms", "60000", "--soak_overall_timeout_seconds", "120"];

/** Runs the interop client to the end (async: the grpc-js server lives in this process). */
function runClient(port: number, args: string[]): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [client, "--server_host", "127.0.0.1", "--server_port", String(port), ...args]);
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (status) => resolve({ status, out }));
  });
}

async function assertSoakPasses(port: number, name: string, iterations: number): Promise<void> {
  const run = await runClient(port, ["--test_case", name, "--soak_iterations", String(iterations), "--soak_max_failures", "0", ...GENEROUS]);
  assert.equal(run.status, 0, run.out);
  assert.match(run.out, new RegExp(`soak test ran: ${iterations} / ${iterations} iterations\\. total_failures: 0\\.`));
  assert.equal(run.out.split("\n").filter((l) => /^soak iteration: \d+ .* succeeded$/.test(l)).length, iterations, run.out);
}

test("rpc_soak and channel_soak: tsgrpc client -> Python grpcio server", { skip: skip || pythonSkip, timeout: 120_000 }, async () => {
  const { child, port } = startPythonServer();
  after(() => child.kill());
  const p = await port;
  await assertSoakPasses(p, "rpc_soak", 10);
  await assertSoakPasses(p, "channel_soak", 10);
  child.stdin!.end();
});

test("rpc_soak and channel_soak: tsgrpc client -> grpc-js server", { skip, timeout: 120_000 }, async () => {
  const pkg = grpc.loadPackageDefinition(protoLoader.loadSync("grpc/testing/test.proto", { includeDirs: [root!] })) as any;
  const server = grpcJsTestService(pkg);
  after(() => server.forceShutdown());
  const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  await assertSoakPasses(port, "rpc_soak", 10);
  await assertSoakPasses(port, "channel_soak", 10);
});

test("soak flags: failures over soak_max_failures fail the case, within it pass; a zero overall timeout runs nothing and fails", { skip, timeout: 60_000 }, async () => {
  // Port 1 on loopback refuses every connection: each iteration fails fast with UNAVAILABLE.
  const tooMany = await runClient(1, ["--test_case", "channel_soak", "--soak_iterations", "3", "--soak_max_failures", "2", ...GENEROUS]);
  assert.equal(tooMany.status, 1, tooMany.out);
  assert.match(tooMany.out, /soak test total_failures: 3 exceeds max_failures_threshold: 2/);
  assert.match(tooMany.out, /failed: UNAVAILABLE/);
  const within = await runClient(1, ["--test_case", "rpc_soak", "--soak_iterations", "3", "--soak_max_failures", "3", ...GENEROUS]);
  assert.equal(within.status, 0, within.out);
  const noTime = await runClient(1, ["--test_case", "rpc_soak", "--soak_iterations", "3", "--soak_overall_timeout_seconds", "0"]);
  assert.equal(noTime.status, 1, noTime.out);
  assert.match(noTime.out, /soak test consumed all 0 seconds of time and quit early/);
});
