import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "@tsgrpc/grpc";
import { loadInteropSchemas, protoRoot } from "../src/test-service.js";
import { testServiceImpl } from "../src/test-service-impl.js";

// Python grpcio (Debian's python3-grpcio, for /usr/bin/python3) runs the interop cases against the tsgrpc server.
const PYTHON = "/usr/bin/python3";
const root = protoRoot();
const ready = root && existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import grpc"]).status === 0 && existsSync("/usr/bin/grpc_python_plugin");
const skip = ready ? false : "needs python3-grpcio, protobuf-compiler-grpc and grpc-proto";
const script = fileURLToPath(new URL("../../test/python/interop_client.py", import.meta.url));

test("interop cases: Python grpcio client -> tsgrpc server", { skip, timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-pyinterop-"));
  const gen = spawnSync("protoc", ["-I", root!, `--python_out=${dir}`, `--grpc_python_out=${dir}`, "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin", "grpc/testing/test.proto", "grpc/testing/messages.proto", "grpc/testing/empty.proto"], { encoding: "utf8" });
  assert.equal(gen.status, 0, gen.stderr);
  const schemas = loadInteropSchemas();
  const server = createServer().add(schemas.TestService, testServiceImpl(schemas.TestService));
  const port = await server.listen("127.0.0.1:0");
  try {
    const run = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(PYTHON, [script, `127.0.0.1:${port}`], { env: { ...process.env, INTEROP_GEN: dir } });
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (err += d));
      child.on("close", (code) => resolve({ code, out, err }));
    });
    assert.equal(run.code, 0, run.out + run.err);
    assert.equal(run.out.trim().split("\n").filter((l) => l.endsWith(" passed")).length, 12, run.out);
  } finally {
    await server.shutdown(200);
  }
});
