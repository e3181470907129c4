// Issue 18: a message flag byte other than 0 or 1 is INTERNAL (as grpc-go answers), and per-address connection limits.
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, createServer as createH2Server, type ClientHttp2Session, type IncomingHttpHeaders } from "node:http2";
import { EventEmitter } from "node:events";
import { connect as connectTcp, type AddressInfo, type Server as NetServer, type Socket } from "node:net";
import { addressKey, limitConnections } from "../src/server/connection-limits.js";
import { createChannel, createClient, createServer, GrpcError, Status } from "../src/index.js";
import { encodeEnvelope } from "../src/protocol/envelope.js";
import { UserService, userServiceImpl } from "./user-service-fixture.js";

const GetUserRequest = UserService.methods["getUser"]!.input;
const GetUserResponse = UserService.methods["getUser"]!.output;
const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
const EMPTY_SETTINGS = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);

function withFlag(flag: number, envelope: Uint8Array): Uint8Array {
  const out = Uint8Array.from(envelope);
  out[0] = flag;
  return out;
}

function call(session: ClientHttp2Session, body: Uint8Array): Promise<number> {
  return new Promise((resolve) => {
    const stream = session.request({ ":method": "POST", ":path": "/userservice.UserService/GetUser", "content-type": "application/grpc", te: "trailers" });
    let status = NaN;
    const take = (h: IncomingHttpHeaders) => h["grpc-status"] !== undefined && (status = Number(h["grpc-status"]));
    stream.on("response", take);
    stream.on("trailers", take);
    stream.on("data", () => {});
    stream.on("error", () => {});
    stream.on("close", () => resolve(status));
    stream.end(body);
  });
}

for (const engine of ["tsgrpc", "node"] as const) {
  test(`server (${engine} engine): a request message whose flag byte is neither 0 nor 1 is INTERNAL, not read as uncompressed`, async () => {
    const server = createServer({ logError: () => {}, http2Engine: engine }).add(UserService, userServiceImpl());
    const port = await server.listen("127.0.0.1:0");
    const session = connect(`http://127.0.0.1:${port}`);
    session.on("error", () => {});
    try {
      const message = encodeEnvelope(GetUserRequest.encode({ id: 1 }));
      assert.equal(await call(session, message), Status.OK); // the same bytes with flag 0 are served
      for (const flag of [0x80, 0x02, 0x81]) assert.equal(await call(session, withFlag(flag, message)), Status.INTERNAL, `flag 0x${flag.toString(16)}`);
    } finally {
      session.close();
      await server.shutdown(100);
    }
  });
}

test("client: a response message whose flag byte is 0x80 (a gRPC-Web trailers flag, in a gRPC response) is INTERNAL", async () => {
  const h2 = createH2Server((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "application/grpc" });
    res.addTrailers({ "grpc-status": "0" });
    res.end(withFlag(0x80, encodeEnvelope(GetUserResponse.encode({ user: { id: 1, username: "ada" } }))));
  });
  await new Promise<void>((r) => h2.listen(0, "127.0.0.1", r));
  const channel = createChannel(`127.0.0.1:${(h2.address() as AddressInfo).port}`);
  try {
    const client = createClient(UserService, channel);
    await assert.rejects(client.getUser({ id: 1 }), (e: unknown) => e instanceof GrpcError && e.code === Status.INTERNAL);
  } finally {
    channel.close();
    await new Promise((r) => h2.close(r));
  }
});

/** A TCP connection to `port` that sends the HTTP/2 preface: "served" once the server's first bytes (its SETTINGS) arrive, "refused" if it closes first. */
async function attempt(port: number): Promise<{ outcome: "served" | "refused"; socket: Socket }> {
  const socket = connectTcp(port, "127.0.0.1");
  socket.on("error", () => {});
  const outcome = await new Promise<"served" | "refused">((resolve) => {
    socket.once("data", () => resolve("served"));
    socket.once("close", () => resolve("refused"));
    socket.once("connect", () => socket.write(Buffer.concat([PREFACE, EMPTY_SETTINGS])));
  });
  return { outcome, socket };
}

test("connectionLimits.perAddressConcurrent: connections beyond the limit from one address are closed unread; one closing makes room", async () => {
  const server = createServer({ logError: () => {}, connectionLimits: { perAddressConcurrent: 2 } }).add(UserService, userServiceImpl());
  const port = await server.listen("127.0.0.1:0");
  const open: Socket[] = [];
  try {
    const first = await attempt(port);
    const second = await attempt(port);
    open.push(first.socket, second.socket);
    assert.deepEqual([first.outcome, second.outcome], ["served", "served"]);
    const third = await attempt(port);
    assert.equal(third.outcome, "refused");
    first.socket.destroy();
    // The server sees the close in its own time: try again until it has (bounded), never sleeping.
    let again: Awaited<ReturnType<typeof attempt>> | undefined;
    for (let i = 0; i < 200; i++) {
      again = await attempt(port);
      if (again.outcome === "served") break;
    }
    open.push(again!.socket);
    assert.equal(again!.outcome, "served");
  } finally {
    for (const s of open) s.destroy();
    await server.shutdown(100);
  }
});

test("connectionLimits.perAddressRate: a burst of new connections beyond the rate is refused; without limits none is", async () => {
  for (const limited of [true, false]) {
    const server = createServer({ logError: () => {}, ...(limited ? { connectionLimits: { perAddressRate: 3 } } : {}) }).add(UserService, userServiceImpl());
    const port = await server.listen("127.0.0.1:0");
    const outcomes: string[] = [];
    try {
      for (let i = 0; i < 30; i++) {
        const a = await attempt(port);
        outcomes.push(a.outcome);
        a.socket.destroy();
      }
      const served = outcomes.filter((o) => o === "served").length;
      if (limited) {
        assert.deepEqual(outcomes.slice(0, 3), ["served", "served", "served"]);
        assert.ok(served < 30, `all 30 served: ${outcomes.join(",")}`);
      } else assert.equal(served, 30);
    } finally {
      await server.shutdown(100);
    }
  }
});

test("connectionLimits: a client's admitted connection keeps serving its calls while another connection from its address is refused", async () => {
  const server = createServer({ logError: () => {}, connectionLimits: { perAddressConcurrent: 1 } }).add(UserService, userServiceImpl());
  const port = await server.listen("127.0.0.1:0");
  const channel = createChannel(`127.0.0.1:${port}`);
  try {
    const client = createClient(UserService, channel);
    const res = (await client.getUser({ id: 1 })) as { user: { username: string } };
    assert.equal(res.user.username, "ada");
    assert.equal((await attempt(port)).outcome, "refused"); // the channel's connection holds the one place
    assert.equal(((await client.getUser({ id: 1 })) as { user: { username: string } }).user.username, "ada");
  } finally {
    channel.close();
    await server.shutdown(100);
  }
});

test("connectionLimits count an IPv6 client by its /64 (configurable) and an IPv4-mapped address as its IPv4 one", () => {
  assert.equal(addressKey("2001:db8:0:0:1::2", 64), "2001:db8:0:0:0:0:0:0/64");
  assert.equal(addressKey("2001:db8::ffff:1", 64), "2001:db8:0:0:0:0:0:0/64");
  assert.equal(addressKey("2001:db8:0:1::1", 64), "2001:db8:0:1:0:0:0:0/64");
  assert.equal(addressKey("2001:db8:abcd:12ff::1%eth0", 56), "2001:db8:abcd:1200:0:0:0:0/56");
  assert.equal(addressKey("::1", 128), "0:0:0:0:0:0:0:1/128");
  assert.equal(addressKey("::ffff:127.0.0.1", 64), "127.0.0.1");
  assert.equal(addressKey("64:ff9b::192.0.2.33", 128), "64:ff9b:0:0:0:0:c000:221/128");
  assert.equal(addressKey("10.1.2.3", 64), "10.1.2.3");
  assert.equal(addressKey("not:an::address::", 64), "not:an::address::");

  // Through the limiter: two addresses of one /64 share a budget; another /64 has its own.
  const listener = new EventEmitter();
  limitConnections(listener as unknown as NetServer, { perAddressConcurrent: 1 });
  const accept = (remoteAddress: string) => {
    const socket = Object.assign(new EventEmitter(), { remoteAddress, destroyed: false, destroy: () => (socket.destroyed = true) });
    listener.emit("connection", socket);
    return socket;
  };
  const first = accept("2001:db8:0:7::1");
  assert.equal(accept("2001:db8:0:7:ffff::9").destroyed, true);
  assert.equal(accept("2001:db8:0:8::1").destroyed, false);
  first.emit("close");
  assert.equal(accept("2001:db8:0:7::abcd").destroyed, false);
  assert.throws(() => limitConnections(listener as unknown as NetServer, { perAddressConcurrent: 1, ipv6PrefixLength: 0 }), /ipv6PrefixLength must be an integer from 1 to 128/);
});
