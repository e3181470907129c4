import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createChannel, createServer } from "@tsgrpc/grpc";
import { CASES } from "../src/cases.js";
import { loadInteropSchemas } from "../src/test-service.js";
import { PYTHON, pythonScripts, pythonSkip, startPythonServer, stubs } from "./python-setup.js";
import { testServiceImpl } from "../src/test-service-impl.js";
import { makeTestCerts, TEST_SERVER_NAME } from "./test-certs.js";

// Python grpcio and tsgrpc run the interop cases against each other, plaintext and TLS.
const skip = pythonSkip;
// grpcio's server cannot see whether a request arrived compressed, so it cannot refuse the uncompressed probe that
// these two cases begin with; they run against the tsgrpc server only.
const NEEDS_REQUEST_COMPRESSION_CHECK = new Set(["client_compressed_unary", "client_compressed_streaming"]);

/** Runs grpcio's interop client; `signal` (the test's, aborted at its timeout) kills it, so that a hung client cannot keep this file's process alive. */
function runPythonClient(args: string[], signal: AbortSignal): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, [join(pythonScripts, "interop_client.py"), ...args], { env: { ...process.env, INTEROP_GEN: stubs() }, signal });
    child.on("error", () => {}); // the abort: "close" still follows
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

const passedCount = (out: string) => out.trim().split("\n").filter((l) => l.endsWith(" passed")).length;

for (const [tls, engine] of [[false, "tsgrpc"], [true, "tsgrpc"], [false, "node"], [true, "node"]] as const) {
  const on = engine === "node" ? "node:http2" : "its own HTTP/2 engine";
  test(`interop cases: Python grpcio client -> tsgrpc server on ${on}${tls ? " over TLS" : ""}`, { skip, timeout: 60_000 }, async (t) => {
    const schemas = loadInteropSchemas();
    const certs = tls ? makeTestCerts() : undefined;
    const server = createServer({ http2Engine: engine, ...(certs && { tls: { cert: readFileSync(certs.cert), key: readFileSync(certs.key) } }) }).add(schemas.TestService, testServiceImpl(schemas.TestService));
    const port = await server.listen("127.0.0.1:0");
    try {
      const run = await runPythonClient([`127.0.0.1:${port}`, ...(certs ? [certs.ca, TEST_SERVER_NAME] : [])], t.signal);
      assert.equal(run.code, 0, run.out + run.err);
      assert.equal(passedCount(run.out), 12, run.out);
    } finally {
      await server.shutdown(200);
    }
  });
}

for (const tls of [false, true]) {
  test(`interop cases: tsgrpc client -> Python grpcio server${tls ? " over TLS" : ""}`, { skip, timeout: 90_000 }, async (t) => {
    const certs = tls ? makeTestCerts() : undefined;
    const started = startPythonServer(certs ? [certs.cert, certs.key] : []);
    const child = started.child;
    after(() => child.kill());
    const port = await started.port;
    const channel = createChannel(`localhost:${port}`, certs ? { tls: { ca: readFileSync(certs.ca), servername: TEST_SERVER_NAME } } : {});
    const schemas = loadInteropSchemas();
    try {
      for (const [name, run] of Object.entries(CASES)) {
        if (NEEDS_REQUEST_COMPRESSION_CHECK.has(name)) continue;
        await t.test(name, { timeout: 30_000 }, () => run(channel, schemas));
      }
    } finally {
      channel.close();
      child.stdin!.end();
    }
  });
}
