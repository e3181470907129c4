import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { protoRoot } from "../src/test-service.js";

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

test("interop programs over TLS (--use_tls true)", { skip, timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-interop-tls-"));
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=interop test CA");
  writeFileSync(join(dir, "ext"), "subjectAltName=DNS:foo.test.google.fr,DNS:localhost\n");
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=foo.test.google.fr");
  openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "1", "-extfile", "ext");
  const port = await startServer(["--use_tls", "true", "--tls_cert", join(dir, "server.pem"), "--tls_key", join(dir, "server.key")]);
  const tls = ["--use_tls", "true", "--use_test_ca", "true", "--ca_file", join(dir, "ca.pem"), "--server_host_override", "foo.test.google.fr"];
  for (const name of ["empty_unary", "server_streaming", "special_status_message"]) {
    const run = runCase(port, name, tls);
    assert.equal(run.status, 0, `${name}: ${run.stdout}${run.stderr}`);
  }
  assert.notEqual(runCase(port, "empty_unary").status, 0, "plaintext against a TLS server fails");
});
