import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// The gRPC tutorial's own Python client (python/tutorial_client.py, grpcio), run against a server by the tests.
const PROTO_DIR = fileURLToPath(new URL("../../", import.meta.url));
const CLIENT = fileURLToPath(new URL("../../python/tutorial_client.py", import.meta.url));
/** Debian's python3 with python3-grpcio (not a pyenv python3 that may come first on PATH). */
const PYTHON = "/usr/bin/python3";

const hasPython = existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import grpc, google.protobuf"]).status === 0;
const hasPlugin = existsSync("/usr/bin/grpc_python_plugin") && spawnSync("protoc", ["--version"]).status === 0;
/** Why the tutorial client cannot run here, or false when it can. */
export const skipPython: string | false = !hasPython ? "python3-grpcio is not installed" : !hasPlugin ? "protoc with grpc_python_plugin is not installed (protobuf-compiler-grpc)" : false;

/** What the client prints against a fresh store (the tutorial's alice and bob only). */
export const TUTORIAL_OUTPUT = [
  "Got user: alice (alice@example.com)",
  "Created user: 3 - charlie",
  " - alice (alice@example.com)",
  " - bob (bob@example.com)",
  " - charlie (charlie@example.com)",
  "Created 4 users",
  "Watched: bob",
  "Watched: charlie",
  "Watched: dave",
  "Watched: eve",
  "Watched: frank",
  "Watched: grace",
  "Watch ended: StatusCode.DEADLINE_EXCEEDED",
  "User not found",
];

/** Generates the client's stubs with protoc and runs it against `target`; its exit status and output lines. */
export function runTutorialClient(target: string): { status: number | null; lines: string[]; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-tutorial-"));
  try {
    const gen = spawnSync("protoc", ["-I", PROTO_DIR, `--python_out=${dir}`, `--grpc_python_out=${dir}`, "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin", "user_service.proto"], { encoding: "utf8" });
    if (gen.status !== 0) throw new Error(`protoc failed: ${gen.stderr}`);
    const run = spawnSync(PYTHON, [CLIENT, target], { encoding: "utf8", env: { ...process.env, PYTHONPATH: dir }, timeout: 30_000 });
    return { status: run.status, lines: run.stdout.trim().split("\n"), stderr: run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
