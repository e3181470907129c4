import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer as createTcpServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer, createReflectionService, ServerReflectionV1 } from "@tsgrpc/grpc";
import { runCli } from "./run-cli.js";

// Failing to reach the server is said in one plain sentence naming the target, exit 1 (as grpcurl), not as a
// socket error or a gRPC status; a target without a port is a usage error.
const dir = mkdtempSync(join(tmpdir(), "tsgrpc-cli-tls-"));
const reflection = createReflectionService([ServerReflectionV1]).implementation;
const plaintext = createServer().add(ServerReflectionV1, reflection);
let plainPort = 0;
let tlsServer: ReturnType<typeof createServer> | undefined;
let tlsPort = 0;
let closedPort = 0;

/** A self-signed certificate for 127.0.0.1, made for this run: `name`.key and `name`.crt in `dir`. */
function selfSigned(name: string): void {
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", "1", "-subj", `/CN=${name}`, "-addext", "subjectAltName=IP:127.0.0.1"], { cwd: dir, stdio: "pipe" });
}

before(async () => {
  plainPort = await plaintext.listen("127.0.0.1:0");
  selfSigned("server");
  selfSigned("stranger");
  tlsServer = createServer({ tls: { key: readFileSync(join(dir, "server.key")), cert: readFileSync(join(dir, "server.crt")) } }).add(ServerReflectionV1, reflection);
  tlsPort = await tlsServer.listen("127.0.0.1:0");
  // A port that was ours a moment ago and that nothing listens on now: connections to it are refused.
  const blocker = createTcpServer();
  closedPort = await new Promise<number>((resolve) => blocker.listen(0, "127.0.0.1", () => resolve((blocker.address() as { port: number }).port)));
  await new Promise((resolve) => blocker.close(resolve));
});
after(async () => {
  await plaintext.shutdown(100);
  await tlsServer?.shutdown(100);
});

test("a refused connection: one sentence naming the target, exit 1, for list, describe, call and bench", async () => {
  const target = `127.0.0.1:${closedPort}`;
  const runs = await Promise.all([
    runCli(["list", target]),
    runCli(["describe", target, "a.B"]),
    runCli(["call", target, "a.B/C", "-d", "{}"]),
    runCli(["call", target, "userservice.UserService/GetUser", "--proto", "user_service.proto", "-I", fileURLToPath(new URL("../../../../examples/user-service", import.meta.url))]),
    runCli(["bench", target, "a.B/C", "-n", "5"]),
  ]);
  for (const [i, command] of ["list", "describe", "call", "call", "bench"].entries()) {
    assert.equal(runs[i]!.code, 1, runs[i]!.err);
    assert.equal(runs[i]!.err, `tsgrpc ${command}: could not connect to ${target}: the connection was refused (is the server running, on that port?)\n`);
  }
});

test("a target without a port is a usage error that says so", async () => {
  const r = await runCli(["list", "localhost"]);
  assert.equal(r.code, 2);
  assert.equal(r.err.split("\n")[0], 'tsgrpc list: the target "localhost" has no port: give HOST:PORT, e.g. localhost:50051');
  const url = await runCli(["call", "http://localhost:50051", "a.B/C"]);
  assert.equal(url.code, 2);
  assert.equal(url.err.split("\n")[0], 'tsgrpc call: give the target as HOST:PORT, without a URL scheme (not "http://localhost:50051")');
});

test("TLS to a plaintext port, plaintext to a TLS port, and a certificate the given CA did not sign, each say so in one sentence", async () => {
  const toPlain = await runCli(["list", `127.0.0.1:${plainPort}`, "--cacert", join(dir, "server.crt")]);
  assert.equal(toPlain.code, 1);
  assert.equal(toPlain.err, `tsgrpc list: could not connect to 127.0.0.1:${plainPort}: the TLS handshake failed, the server does not seem to use TLS on that port (leave out --cacert/--cert for plaintext)\n`);
  const toTls = await runCli(["list", `127.0.0.1:${tlsPort}`]);
  assert.equal(toTls.code, 1);
  assert.equal(toTls.err, `tsgrpc list: could not connect to 127.0.0.1:${tlsPort}: the server closed the connection without answering, as a TLS port does (if it uses TLS, give the CA that signed its certificate with --cacert FILE)\n`);
  const untrusted = await runCli(["list", `127.0.0.1:${tlsPort}`, "--cacert", join(dir, "stranger.crt")]);
  assert.equal(untrusted.code, 1);
  assert.match(untrusted.err, new RegExp(`^tsgrpc list: could not connect to 127\\.0\\.0\\.1:${tlsPort}: the server's TLS certificate was not accepted \\(.+\\); give the CA that signed it with --cacert\\n$`));
  const trusted = await runCli(["list", `127.0.0.1:${tlsPort}`, "--cacert", join(dir, "server.crt")]);
  assert.equal(trusted.code, 0, trusted.err);
  assert.equal(trusted.out, "grpc.reflection.v1.ServerReflection\n");
  const noFile = await runCli(["list", `127.0.0.1:${tlsPort}`, "--cacert", join(dir, "nope.crt")]);
  assert.equal(noFile.code, 1);
  assert.equal(noFile.err, `tsgrpc list: cannot read --cacert "${join(dir, "nope.crt")}": no such file\n`);
});

test("every target form of gRPC's naming spec: a list tried in order, a unix socket, and bad targets as usage errors", async () => {
  const list = await runCli(["list", `ipv4:127.0.0.1:${closedPort},127.0.0.1:${plainPort}`]);
  assert.equal(list.code, 0, list.err);
  assert.equal(list.out, "grpc.reflection.v1.ServerReflection\n");
  const dns = await runCli(["list", `dns:///localhost:${plainPort}`]);
  assert.equal(dns.code, 0, dns.err);
  const noSocket = await runCli(["list", `unix:${join(dir, "nothing.sock")}`]);
  assert.equal(noSocket.code, 1);
  assert.equal(noSocket.err, `tsgrpc list: could not connect to unix:${join(dir, "nothing.sock")}: the unix socket does not exist\n`);
  const bad = await runCli(["list", "ipv4:1.2.3:50051"]);
  assert.equal(bad.code, 2);
  assert.equal(bad.err.split("\n")[0], 'tsgrpc list: invalid target "ipv4:1.2.3:50051": "1.2.3" is not an IPv4 address');
});
