import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { protoRoot } from "../src/test-service.js";
import { makeTestCerts, TEST_SERVER_NAME } from "./test-certs.js";

// The interop programs as external runners use them: started with the official flags, over plaintext and TLS; the
// client's exit status says whether the case passed.
const server = fileURLToPath(new URL("../src/server.js", import.meta.url));
const client = fileURLToPath(new URL("../src/client.js", import.meta.url));
const skip = protoRoot() ? false : "the official interop protos are not installed (Debian: grpc-proto)";
const children: ChildProcess[] = [];
after(() => children.forEach((c) => c.kill()));

function startServer(args: string[]): Promise<number> {
  const child = spawn(process.execPath, [server, "--port", "0", "--host", "127.0.0.1", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  return new Promise((resolve) => child.stdout!.on("data", (d) => resolve(Number(/port (\d+)/.exec(String(d))![1]))));
}

const runCase = (port: number, name: string, extra: string[] = []) =>
  spawnSync(process.execPath, [client, "--server_host", "localhost", "--server_port", String(port), "--test_case", name, ...extra], { encoding: "utf8" });

test("interop programs over plaintext: cases pass with exit 0, an unknown case exits 2", { skip, timeout: 60_000 }, async () => {
  const port = await startServer([]);
  for (const name of ["large_unary", "ping_pong", "custom_metadata", "client_compressed_streaming"]) {
    const run = runCase(port, name);
    assert.equal(run.status, 0, `${name}: ${run.stdout}${run.stderr}`);
  }
  assert.equal(runCase(port, "no_such_case").status, 2);
});

test("interop server on node:http2 (--http2_engine node)", { skip, timeout: 60_000 }, async () => {
  const port = await startServer(["--http2_engine", "node"]);
  for (const name of ["large_unary", "ping_pong"]) {
    const run = runCase(port, name);
    assert.equal(run.status, 0, `${name}: ${run.stdout}${run.stderr}`);
  }
});

test("interop programs over TLS (--use_tls true)", { skip, timeout: 60_000 }, async () => {
  const certs = makeTestCerts();
  const port = await startServer(["--use_tls", "true", "--tls_cert", certs.cert, "--tls_key", certs.key]);
  const tls = ["--use_tls", "true", "--use_test_ca", "true", "--ca_file", certs.ca, "--server_host_override", TEST_SERVER_NAME];
  for (const name of ["empty_unary", "server_streaming", "special_status_message"]) {
    const run = runCase(port, name, tls);
    assert.equal(run.status, 0, `${name}: ${run.stdout}${run.stderr}`);
  }
  assert.notEqual(runCase(port, "empty_unary").status, 0, "plaintext against a TLS server fails");
});
