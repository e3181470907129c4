import { test, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { createChannel, createClient, createServer, GrpcError, Status } from "../src/index.js";
import { PROTO_DIR, UserService, userServiceImpl } from "./user-service-fixture.js";

// A throwaway CA, a server certificate for localhost and a client certificate, made with openssl for this run.
/** The `code` of an error's cause (a TLS or connection error's code), if it has one. */
const causeCode = (e: GrpcError) => ((e as { cause?: { code?: string } }).cause)?.code;

const dir = mkdtempSync(join(tmpdir(), "tsgrpc-tls-"));
const pem = (name: string) => readFileSync(join(dir, name));
function openssl(...args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
}
before(() => {
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=tsgrpc test CA");
  writeFileSync(join(dir, "server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  writeFileSync(join(dir, "client.ext"), "subjectAltName=URI:spiffe://tsgrpc/test-client\n");
  for (const who of ["server", "client"]) {
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${who}.key`, "-out", `${who}.csr`, "-subj", `/CN=${who === "server" ? "localhost" : "test-client"}`);
    openssl("x509", "-req", "-in", `${who}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${who}.crt`, "-days", "1", "-extfile", `${who}.ext`);
  }
});

test("TLS: tsgrpc client and grpc-js client call a tsgrpc server over TLS", async () => {
  const server = createServer({ tls: { key: pem("server.key"), cert: pem("server.crt") } }).add(UserService, userServiceImpl());
  const port = await server.listen("127.0.0.1:0");
  try {
    const client = createClient(UserService, createChannel(`localhost:${port}`, { tls: { ca: pem("ca.crt") } }));
    assert.equal(((await client.getUser({ id: 1 })) as any).user.username, "ada");
    const untrusting = createClient(UserService, createChannel(`localhost:${port}`, { tls: true }));
    // Refused for the reason the test names: the certificate, not some other failure on the way.
    await assert.rejects(untrusting.getUser({ id: 1 }), (e: GrpcError) => e.code === Status.UNAVAILABLE && causeCode(e) === "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    // A plaintext client on a TLS port: the server closes without an HTTP/2 answer, and the error says so (not a timeout).
    const plaintext = createClient(UserService, createChannel(`localhost:${port}`));
    await assert.rejects(plaintext.getUser({ id: 1 }, { timeout: 5000 }), (e: GrpcError) => e.code === Status.UNAVAILABLE && causeCode(e) === "ERR_TSGRPC_NO_HTTP2_ANSWER");
    const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(join(PROTO_DIR, "user_service.proto"))) as any;
    const theirs = new pkg.userservice.UserService(`localhost:${port}`, grpc.credentials.createSsl(pem("ca.crt")));
    const res = await new Promise<any>((resolve, reject) => theirs.getUser({ id: 1 }, (e: any, r: any) => (e ? reject(e) : resolve(r))));
    assert.equal(res.user.username, "ada");
    theirs.close();
  } finally {
    await server.shutdown(100);
  }
});

test("mutual TLS: the server verifies the client certificate and shows its identity in ctx.peerIdentity", async () => {
  let identity: unknown;
  let handled = 0;
  const server = createServer({ tls: { key: pem("server.key"), cert: pem("server.crt"), ca: pem("ca.crt"), requestCert: true, rejectUnauthorized: true } }).add(UserService, {
    ...userServiceImpl(),
    async getUser(_req: unknown, ctx) {
      handled++;
      identity = ctx.peerIdentity;
      return { user: { username: ctx.peerIdentity?.commonName ?? "?" } };
    },
  });
  const port = await server.listen("127.0.0.1:0");
  try {
    const withCert = createClient(UserService, createChannel(`localhost:${port}`, { tls: { ca: pem("ca.crt"), cert: pem("client.crt"), key: pem("client.key") } }));
    assert.equal(((await withCert.getUser({ id: 1 })) as any).user.username, "test-client");
    assert.deepEqual((identity as any).subjectAltNames, ["URI:spiffe://tsgrpc/test-client"]);
    const withoutCert = createClient(UserService, createChannel(`localhost:${port}`, { tls: { ca: pem("ca.crt") } }));
    // Under TLS 1.3 the client's handshake ends before the server has checked its (missing) certificate, so the client
    // sees only the connection close: UNAVAILABLE, and the call never reaches the handler.
    await assert.rejects(withoutCert.getUser({ id: 1 }, { timeout: 5000 }), (e: GrpcError) => e.code === Status.UNAVAILABLE);
    assert.equal(handled, 1, "only the call with a certificate reached the handler");
  } finally {
    await server.shutdown(100);
  }
});

test("pick_first does not wait on an address that hangs: the next one is tried beside it after 250 ms (Happy Eyeballs)", async () => {
  // The first address accepts TCP and then says nothing, so its TLS handshake never ends; the second is a real server.
  const sockets: import("node:net").Socket[] = [];
  const silent = createNetServer((s) => sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  const server = createServer({ tls: { key: pem("server.key"), cert: pem("server.crt") } }).add(UserService, userServiceImpl());
  const port = await server.listen("127.0.0.1:0");
  const channel = createChannel(`ipv4:127.0.0.1:${(silent.address() as AddressInfo).port},127.0.0.1:${port}`, { tls: { ca: pem("ca.crt"), servername: "localhost" } });
  try {
    // Without the stagger the call would wait out the first address's 20 s connect timeout, past its deadline.
    assert.equal(((await createClient(UserService, channel).getUser({ id: 1 }, { timeout: 10_000 })) as any).user.username, "ada");
    assert.equal(sockets.length, 1, "the first address was tried first");
  } finally {
    channel.close();
    for (const s of sockets) s.destroy();
    silent.close();
    await server.shutdown(100);
  }
});
