import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { killStarted, start } from "./server-process.js";

// The UserService's REST routes (http-rules.json) on the server as `npm start` runs it, called with curl; and the
// OpenAPI document `tsgrpc openapi --http-rules` writes for them names exactly the routes the server answers.
after(killStarted);

const EXAMPLE = fileURLToPath(new URL("../..", import.meta.url));
const CLI = fileURLToPath(new URL("../../../../packages/cli/bin/tsgrpc.js", import.meta.url));

function curl(args: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) =>
    execFile("curl", ["-s", "--max-time", "20", "-w", "\n%{http_code}", ...args], { encoding: "utf8" }, (error, stdout) => {
      if (error) return reject(error);
      const cut = stdout.lastIndexOf("\n");
      resolve({ status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) });
    }),
  );
}

test("curl: GET /v1/users/{id}, GET /v1/users?page_size=, POST /v1/users, NOT_FOUND as google.rpc.Status, the watch as NDJSON; auth applies as to gRPC", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-rest-users-"));
  try {
    const server = await start(["--db", join(dir, "users.db"), "--quiet"]);
    const base = `http://127.0.0.1:${server.port}`;
    assert.deepEqual(JSON.parse((await curl([`${base}/v1/users/1`])).body), { id: 1, username: "alice", email: "alice@example.com", roles: ["admin"] });
    const page = JSON.parse((await curl([`${base}/v1/users?page_size=1`])).body) as { users: { username: string }[]; nextPageToken: string };
    assert.deepEqual(page.users.map((u) => u.username), ["alice"]);
    const next = JSON.parse((await curl([`${base}/v1/users?page_size=5&page_token=${page.nextPageToken}`])).body) as { users: { username: string }[] };
    assert.deepEqual(next.users.map((u) => u.username), ["bob"]);
    const created = await curl(["-X", "POST", "-H", "content-type: application/json", "-d", '{"username": "carol", "email": "carol@example.com"}', `${base}/v1/users`]);
    assert.deepEqual([created.status, JSON.parse(created.body)], [200, { id: 3, username: "carol", email: "carol@example.com", roles: ["user"] }]);
    const missing = await curl([`${base}/v1/users/999`]);
    assert.deepEqual([missing.status, JSON.parse(missing.body)], [404, { code: 5, message: "User 999 not found", details: [] }]);
    const invalid = await curl(["-X", "POST", "-d", '{"username": "", "email": "x"}', `${base}/v1/users`]);
    assert.equal(invalid.status, 400);
    assert.equal(JSON.parse(invalid.body).code, 3);
    // The watch streams the matching users, then waits for changes: read its first two lines, then hang up.
    const abort = new AbortController();
    const watch = await fetch(`${base}/v1/users:watch?role_filter=user`, { signal: abort.signal });
    assert.equal(watch.headers.get("content-type"), "application/x-ndjson");
    const reader = watch.body!.getReader();
    let text = "";
    while (text.split("\n").length < 3) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    abort.abort();
    assert.deepEqual(text.split("\n").slice(0, 2).map((l) => (JSON.parse(l) as { result: { username: string } }).result.username), ["bob", "carol"]);
    assert.equal((await curl(["-X", "DELETE", `${base}/v1/users/1`])).status, 405);
    server.child.kill("SIGTERM");

    const tokens = join(dir, "tokens.json");
    writeFileSync(tokens, JSON.stringify({ "user-token": { name: "bob", roles: ["user"] } }));
    const guarded = await start(["--db", join(dir, "users.db"), "--auth", tokens, "--quiet"]);
    const g = `http://127.0.0.1:${guarded.port}`;
    const anonymous = await curl([`${g}/v1/users/1`]);
    assert.deepEqual([anonymous.status, JSON.parse(anonymous.body).code], [401, 16]);
    assert.equal(JSON.parse((await curl(["-H", "authorization: Bearer user-token", `${g}/v1/users/1`])).body).username, "alice");
    const forbidden = await curl(["-X", "POST", "-H", "authorization: Bearer user-token", "-d", '{"username": "dan", "email": "dan@example.com"}', `${g}/v1/users`]);
    assert.deepEqual([forbidden.status, JSON.parse(forbidden.body).code], [403, 7]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("tsgrpc openapi --http-rules describes the routes the server answers", async () => {
  const run = spawnSync(process.execPath, [CLI, "openapi", "-I", EXAMPLE, join(EXAMPLE, "user_service.proto"), "--http-rules", join(EXAMPLE, "http-rules.json")], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  const doc = JSON.parse(run.stdout) as { paths: Record<string, Record<string, unknown>> };
  assert.deepEqual(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort(), ["GET /v1/users", "GET /v1/users/{id}", "GET /v1/users:watch", "POST /v1/users"]);
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-rest-users-"));
  try {
    const server = await start(["--db", join(dir, "users.db"), "--quiet"]);
    for (const path of ["/v1/users", "/v1/users/{id}"]) {
      const r = await curl([`http://127.0.0.1:${server.port}${path.replace("{id}", "2")}`]);
      assert.equal(r.status, 200, path);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
