import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createChannel, createServer } from "@tsgrpc/grpc";
import { CASES } from "../src/cases.js";
import { loadInteropSchemas, protoRoot } from "../src/test-service.js";
import { testServiceImpl } from "../src/test-service-impl.js";
import { makeTestCerts, TEST_SERVER_NAME } from "./test-certs.js";

// Python grpcio (Debian's python3-grpcio, for /usr/bin/python3) and tsgrpc run the interop cases against each other,
// plaintext and TLS.
const PYTHON = "/usr/bin/python3";
const root = protoRoot();
const ready = root && existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import grpc"]).status === 0 && existsSync("/usr/bin/grpc_python_plugin");
const skip = ready ? false : "needs python3-grpcio, protobuf-compiler-grpc and grpc-proto";
const scripts = fileURLToPath(new URL("../../test/python", import.meta.url));
// grpcio's server cannot see whether a request arrived compressed, so it cannot refuse the uncompressed probe that
// these two cases begin with; they run against the tsgrpc server only.
const NEEDS_REQUEST_COMPRESSION_CHECK = new Set(["client_compressed_unary", "client_compressed_streaming"]);

let generated: string | undefined;
function stubs(): string {
  if (generated) return generated;
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-pyinterop-"));
  const gen = spawnSync("protoc", ["-I", root!, `--python_out=${dir}`, `--grpc_python_out=${dir}`, "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin", "grpc/testing/test.proto", "grpc/testing/messages.proto", "grpc/testing/empty.proto"], { encoding: "utf8" });
  assert.equal(gen.status, 0, gen.stderr);
  return (generated = dir);
}

function runPythonClient(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, [join(scripts, "interop_client.py"), ...args], { env: { ...process.env, INTEROP_GEN: stubs() } });
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
  test(`interop cases: Python grpcio client -> tsgrpc server on ${on}${tls ? " over TLS" : ""}`, { skip, timeout: 60_000 }, async () => {
    const schemas = loadInteropSchemas();
    const certs = tls ? makeTestCerts() : undefined;
    const server = createServer({ http2Engine: engine, ...(certs && { tls: { cert: readFileSync(certs.cert), key: readFileSync(certs.key) } }) }).add(schemas.TestService, testServiceImpl(schemas.TestService));
    const port = await server.listen("127.0.0.1:0");
    try {
      const run = await runPythonClient([`127.0.0.1:${port}`, ...(certs ? [certs.ca, TEST_SERVER_NAME] : [])]);
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
    const child = spawn(PYTHON, [join(scripts, "interop_server.py"), ...(certs ? [certs.cert, certs.key] : [])], { env: { ...process.env, INTEROP_GEN: stubs() }, stdio: ["pipe", "pipe", "inherit"] });
    after(() => child.kill());
    const port = await new Promise<number>((resolve) => child.stdout!.once("data", (d) => resolve(Number(String(d).trim()))));
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
