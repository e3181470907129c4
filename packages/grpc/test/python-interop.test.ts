import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createChannel, createClient, createServer, GrpcError, Metadata, Status } from "../src/index.js";
import { PROTO_DIR, UserService, userServiceImpl } from "./user-service-fixture.js";

// Python grpcio (Debian's python3-grpcio, run by /usr/bin/python3) against tsgrpc, both ways, with stubs generated
// by protoc and grpc_python_plugin from the tutorial's schema: the tutorial's own client talks to our server.
const PYTHON = "/usr/bin/python3";
const scripts = fileURLToPath(new URL("../../test/python", import.meta.url));
const hasPython = existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import grpc, google.protobuf"]).status === 0;
const hasPlugin = existsSync("/usr/bin/grpc_python_plugin") && spawnSync("protoc", ["--version"]).status === 0;
const skip = !hasPython ? "python3-grpcio is not installed" : !hasPlugin ? "protoc with grpc_python_plugin is not installed (protobuf-compiler-grpc)" : false;

function pythonDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-py-"));
  cpSync(scripts, dir, { recursive: true });
  const gen = spawnSync("protoc", ["-I", PROTO_DIR, `--python_out=${dir}`, `--grpc_python_out=${dir}`, "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin", "user_service.proto"], { encoding: "utf8" });
  assert.equal(gen.status, 0, gen.stderr);
  return dir;
}

test("the Python grpcio client calls every method of the tsgrpc server", { skip, timeout: 60_000 }, async () => {
  const server = createServer({ logError: () => {} }).add(UserService, userServiceImpl());
  const port = await server.listen("127.0.0.1:0");
  try {
    const dir = pythonDir();
    const run = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(PYTHON, [join(dir, "user_client.py"), `127.0.0.1:${port}`], { cwd: dir });
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (err += d));
      child.on("close", (code) => resolve({ code, out, err }));
    });
    assert.equal(run.code, 0, run.err);
    const results = Object.fromEntries(run.out.trim().split("\n").map((l) => JSON.parse(l)).map((r) => [r.call, r]));
    assert.equal(results["GetUser"].ok, "ada");
    assert.equal(results["GetUserMissing"].code, "NOT_FOUND");
    assert.equal(results["GetUserMissing"].details, "User 42 not found");
    assert.equal(results["GetUserMissing"].trailers["x-missing-id"], "42");
    assert.equal(results["GetUserInvalid"].code, "INVALID_ARGUMENT");
    assert.equal(results["CreateUser"].ok, 2);
    assert.deepEqual(results["ListUsers"].ok, ["ada", "bob"]);
    assert.deepEqual(results["WatchUsers"].ok, [0, 1, 2, 3, 4]);
    assert.equal(results["BulkCreateUsers"].ok, 3);
    assert.deepEqual(results["UserChat"].ok, ["py: hello", "py: bye"]);
    assert.equal(results["Deadline"].code, "DEADLINE_EXCEEDED");
    assert.ok(results["Metadata"].ok.some(([k, v]: [string, string]) => k === "x-served-by" && v === "tsgrpc"));
  } finally {
    await server.shutdown(100);
  }
});

test("the tsgrpc client calls every method of a Python grpcio server", { skip, timeout: 60_000 }, async () => {
  const dir = pythonDir();
  const child = spawn(PYTHON, [join(dir, "user_server.py")], { cwd: dir, stdio: ["pipe", "pipe", "inherit"] });
  after(() => child.kill());
  const port = await new Promise<number>((resolve) => child.stdout.once("data", (d) => resolve(Number(String(d).trim()))));
  const channel = createChannel(`127.0.0.1:${port}`);
  const client = createClient(UserService, channel);
  try {
    const res = (await client.getUser({ id: 5 }, { metadata: new Metadata({ "x-role": "admin" }) })) as any;
    assert.deepEqual([res.user.username, res.user.roles], ["py5", ["admin"]]);
    await assert.rejects(client.getUser({ id: 0 }), (e: GrpcError) => e.code === Status.INVALID_ARGUMENT && e.rawMessage === "User ID must be positive" && e.metadata.get("x-why") === "not-positive");
    assert.equal(((await client.createUser({ username: "z", email: "z@z" })) as any).user.username, "z");
    assert.equal(((await client.listUsers({ pageSize: 4 })) as any).users.length, 4);
    const watched = [];
    for await (const u of client.watchUsers({ roleFilter: "r" })) watched.push((u as any).roles[0]);
    assert.deepEqual(watched, ["r", "r", "r"]);
    assert.equal(((await client.bulkCreateUsers([{}, {}])) as any).createdCount, 2);
    const chat = [];
    for await (const m of client.userChat([{ text: "abc" }, { text: "xyz" }])) chat.push((m as any).text);
    assert.deepEqual(chat, ["cba", "zyx"]);
  } finally {
    channel.close();
    child.stdin!.end();
  }
});
