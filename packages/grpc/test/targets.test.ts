import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { connect, createServer as createTcpServer, type Server as TcpServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createChannel, createClient, createServer, GrpcError, InvalidTargetError, registerResolver, Status, type Address } from "../src/index.js";
import { UserService, userServiceImpl } from "./user-service-fixture.js";

// Channel targets as gRPC's naming spec writes them (doc/naming.md), against real servers on loopback: a TCP server
// on 127.0.0.1 and 127.0.0.2, and unix sockets forwarding to it.
const server = createServer().add(UserService, userServiceImpl());
const server2 = createServer().add(UserService, userServiceImpl());
let port = 0;
let port2 = 0;
let deadPort = 0;
const dir = mkdtempSync(join(tmpdir(), "tsgrpc-targets-"));
const socketPath = join(dir, "users.sock");
const forwarders: TcpServer[] = [];

/** A unix socket (a path, or an abstract name starting with NUL) whose connections go to the TCP server. */
function forward(path: string): Promise<void> {
  const f = createTcpServer((s) => s.pipe(connect(port, "127.0.0.1")).pipe(s).on("error", () => s.destroy()));
  forwarders.push(f);
  return new Promise((resolve) => f.listen(path, resolve));
}

before(async () => {
  port = await server.listen("127.0.0.1:0");
  port2 = await server2.listen("127.0.0.2:0");
  await forward(socketPath);
  const blocker = createTcpServer();
  deadPort = await new Promise<number>((resolve) => blocker.listen(0, "127.0.0.1", () => resolve((blocker.address() as { port: number }).port)));
  await new Promise((resolve) => blocker.close(resolve));
});
after(async () => {
  await server.shutdown(100);
  await server2.shutdown(100);
  for (const f of forwarders) f.close();
});

async function getUser(target: string, options = {}): Promise<string> {
  const channel = createChannel(target, options);
  try {
    const { user } = await createClient(UserService, channel).getUser({ id: 1 }, { timeout: 5_000 });
    return user!["username"] as string;
  } finally {
    channel.close();
  }
}

async function failure(target: string): Promise<GrpcError> {
  try {
    await getUser(target);
  } catch (e) {
    assert.ok(e instanceof GrpcError, String(e));
    return e;
  }
  return assert.fail(`${target} should fail`);
}

test("every target form of the naming spec reaches the server", async () => {
  const targets = [
    `127.0.0.1:${port}`,
    `localhost:${port}`,
    `dns:localhost:${port}`,
    `dns:///localhost:${port}`,
    `ipv4:127.0.0.1:${port}`,
    `ipv4:127.0.0.2:${port2}`,
    `unix:${socketPath}`,
    `unix://${socketPath}`,
  ];
  for (const target of targets) assert.equal(await getUser(target), "ada", target);
  for (const engine of ["node", "tsgrpc"] as const) assert.equal(await getUser(`unix:${socketPath}`, { http2Engine: engine }), "ada", `unix with ${engine}`);
});

test("pick_first: the first address that answers, in the resolver's order", async () => {
  assert.equal(await getUser(`ipv4:127.0.0.1:${deadPort},127.0.0.2:${port2}`), "ada");
  const e = await failure(`ipv4:127.0.0.1:${deadPort},127.0.0.2:${deadPort}`);
  assert.equal(e.code, Status.UNAVAILABLE);
  assert.equal((e.cause as NodeJS.ErrnoException).code, "ECONNREFUSED");
  assert.match(e.message, /the last of 2 addresses tried/);
});

test("a name that does not resolve: UNAVAILABLE with the lookup's error as the cause, not a crash", async () => {
  const e = await failure("dns:///no-such-host.invalid:50051");
  assert.equal(e.code, Status.UNAVAILABLE);
  assert.ok(["ENOTFOUND", "EAI_AGAIN"].includes((e.cause as NodeJS.ErrnoException).code!), String(e.cause));
});

test("targets that do not parse are an InvalidTargetError at createChannel, naming the target", () => {
  const bad: Array<[string, RegExp]> = [
    ["", /it is empty/],
    ["dns:///", /has no host/],
    ["dns:///host:0", /"0" is not a port/],
    ["host:99999", /"99999" is not a port/],
    ["dns:host:abc", /"abc" is not a port/],
    ["dns://8.8.8.8", /dns:\/\/AUTHORITY\/ENDPOINT/],
    ["ipv4:", /at least one address/],
    ["ipv4:1.2.3:50051", /"1\.2\.3" is not an IPv4 address/],
    ["ipv4:256.0.0.1:50051", /"256\.0\.0\.1" is not an IPv4 address/],
    ["ipv4:127.0.0.1:5,localhost:6", /"localhost" is not an IPv4 address/],
    ["ipv6:127.0.0.1", /"127\.0\.0\.1" is not an IPv6 address/],
    ["ipv6:[::1]:x", /"x" is not a port/],
    ["unix:", /needs a socket path/],
    ["unix://relative/path", /has no authority/],
  ];
  for (const [target, reason] of bad) {
    assert.throws(() => createChannel(target), (e: unknown) => e instanceof InvalidTargetError && e.message.startsWith(`invalid target "${target}": `) && reason.test(e.message), target);
  }
});

test("a registered resolver: its addresses, asked again after a connection fails, so that a changed list is followed", async () => {
  let addresses: Address[] = [{ host: "127.0.0.1", port: deadPort }];
  let asked = 0;
  registerResolver({
    scheme: "test-list",
    create: () => ({ resolve: async () => (asked++, { addresses }) }),
    defaultAuthority: () => "users.test",
  });
  const channel = createChannel("test-list:users");
  const client = createClient(UserService, channel);
  try {
    await assert.rejects(client.getUser({ id: 1 }), (e: GrpcError) => e.code === Status.UNAVAILABLE);
    addresses = [{ path: socketPath }];
    const { user } = await client.getUser({ id: 1 }, { waitForReady: true, timeout: 10_000 });
    assert.equal(user!["username"], "ada");
    assert.ok(asked >= 2, "the resolver was asked again for the second connection");
  } finally {
    channel.close();
  }
  assert.throws(() => registerResolver({ scheme: "Not A Scheme", create: () => ({ resolve: async () => ({ addresses: [] }) }) }), /not a URI scheme/);
});

test("canonicalTarget (gRFC A66's grpc.target): a target without a scheme gets dns:///, one with a scheme is kept", () => {
  const canonical = (target: string) => {
    const channel = createChannel(target);
    channel.close();
    return channel.canonicalTarget;
  };
  assert.equal(canonical("localhost:50051"), "dns:///localhost:50051");
  assert.equal(canonical("[::1]:50051"), "dns:///[::1]:50051");
  assert.equal(canonical("example.com"), "dns:///example.com");
  for (const kept of ["dns:///localhost:50051", "dns://8.8.8.8/example.com:443", "DNS:///upper:1", "ipv4:127.0.0.1:1,127.0.0.2:2", "ipv6:[::1]:1", "unix:/tmp/x.sock", "unix:///tmp/x.sock"]) {
    assert.equal(canonical(kept), kept);
  }
});
