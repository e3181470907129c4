import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { killStarted, start } from "./server-process.js";

// `buf curl` (the @bufbuild/buf devDependency ships it) as an independent client of `npm start`'s server, with the
// schema from server reflection, over each protocol the server speaks on its one port: Connect, gRPC and gRPC-Web,
// HTTP/1.1 and HTTP/2 where the protocol has both.
after(killStarted);

const BUF = fileURLToPath(new URL("../../../../node_modules/.bin/buf", import.meta.url));
const skip = existsSync(BUF) ? false : `no buf binary at ${BUF} (npm ci installs @bufbuild/buf)`;

function bufCurl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(BUF, ["curl", ...args], { encoding: "utf8", timeout: 30_000 }, (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? -1) : 0, stdout, stderr })),
  );
}

const PROTOCOLS = [
  ["connect"],
  ["connect", "--http2-prior-knowledge"],
  ["grpc", "--http2-prior-knowledge"],
  ["grpcweb"],
  ["grpcweb", "--http2-prior-knowledge"],
] as const;

test("buf curl with reflection: every method listed, GetUser, CreateUser and a NOT_FOUND, over Connect, gRPC and gRPC-Web", { skip, timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-buf-curl-"));
  try {
    const server = await start(["--db", join(dir, "users.db"), "--quiet"]);
    const base = `http://127.0.0.1:${server.port}`;
    for (const [protocol, ...flags] of PROTOCOLS) {
      const how = [`--protocol`, protocol, ...flags];
      const label = how.join(" ");
      const list = await bufCurl([...how, "--list-methods", base]);
      assert.equal(list.code, 0, `${label}: ${list.stderr}`);
      assert.ok(list.stdout.split("\n").includes("userservice.UserService/WatchUsers"), label);
      const got = await bufCurl([...how, "-d", '{"id": 1}', `${base}/userservice.UserService/GetUser`]);
      assert.equal(got.code, 0, `${label}: ${got.stderr}`);
      assert.deepEqual(JSON.parse(got.stdout), { user: { id: 1, username: "alice", email: "alice@example.com", roles: ["admin"] } }, label);
      const created = await bufCurl([...how, "-d", JSON.stringify({ username: `u-${protocol}-${flags.length}`, email: `${protocol}-${flags.length}@example.com` }), `${base}/userservice.UserService/CreateUser`]);
      assert.equal(created.code, 0, `${label}: ${created.stderr}`);
      assert.equal(JSON.parse(created.stdout).user.username, `u-${protocol}-${flags.length}`);
      const missing = await bufCurl([...how, "-d", '{"id": 999}', `${base}/userservice.UserService/GetUser`]);
      assert.notEqual(missing.code, 0, label);
      assert.deepEqual(JSON.parse(missing.stderr), { code: "not_found", message: "User 999 not found" }, label);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
