import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { protoRoot } from "../src/test-service.js";

// Python grpcio (Debian's python3-grpcio, for /usr/bin/python3, not a pyenv python3 earlier on PATH) for the interop
// tests: the generated stubs, and its interop server as a child process.
export const PYTHON = "/usr/bin/python3";
const root = protoRoot();
const ready = root && existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import grpc"]).status === 0 && existsSync("/usr/bin/grpc_python_plugin");
export const pythonSkip = ready ? false : "needs python3-grpcio, protobuf-compiler-grpc and grpc-proto";
export const pythonScripts = fileURLToPath(new URL("../../test/python", import.meta.url));

let generated: string | undefined;
/** The grpc.testing Python stubs, generated once per process into a temporary folder. */
export function stubs(): string {
  if (generated) return generated;
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-pyinterop-"));
  const gen = spawnSync("protoc", ["-I", root!, `--python_out=${dir}`, `--grpc_python_out=${dir}`, "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin", "grpc/testing/test.proto", "grpc/testing/messages.proto", "grpc/testing/empty.proto"], { encoding: "utf8" });
  assert.equal(gen.status, 0, gen.stderr);
  return (generated = dir);
}

/** Starts grpcio's interop server (TLS when `args` name a certificate and key); it runs until its stdin closes. */
export function startPythonServer(args: string[] = []): { child: ChildProcess; port: Promise<number> } {
  const child = spawn(PYTHON, [join(pythonScripts, "interop_server.py"), ...args], { env: { ...process.env, INTEROP_GEN: stubs() }, stdio: ["pipe", "pipe", "inherit"] });
  const port = new Promise<number>((resolve) => child.stdout!.once("data", (d) => resolve(Number(String(d).trim()))));
  return { child, port };
}
