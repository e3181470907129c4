import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from "node:net";
import { createChannel, createClient, createServer, GrpcError, Status } from "../src/index.js";
import { UserService, userServiceImpl } from "./user-service-fixture.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const big = "x".repeat(10_000);

test("a slow client reader holds back a streaming server handler (backpressure, not buffering)", async () => {
  let produced = 0;
  const server = createServer().add(UserService, {
    ...userServiceImpl(),
    async *watchUsers() {
      for (let i = 0; i < 10_000; i++) {
        produced++;
        yield { id: i, username: big };
      }
    },
  });
  const port = await server.listen("127.0.0.1:0");
  const channel = createChannel(`127.0.0.1:${port}`);
  try {
    let read = 0;
    for await (const _ of createClient(UserService, channel).watchUsers({})) {
      if (++read === 20) break;
      await sleep(5);
    }
    await sleep(100);
    // HTTP/2 windows (64 KiB), socket buffers and two 16-message queues hold a bounded number of 10 KB messages.
    assert.ok(produced < 20 + 200, `the handler ran ahead by ${produced - 20} messages`);
  } finally {
    channel.close();
    await server.shutdown(100);
  }
});

test("a long stream of small messages arrives whole and in order, read fast or slowly, by our client and by a raw HTTP/2 reader", { timeout: 60_000 }, async () => {
  const COUNT = 60_000; // about 1 MB of envelopes: many gathered chunks, many waits for the stream to drain
  const server = createServer().add(UserService, {
    ...userServiceImpl(),
    async *watchUsers(req: Record<string, unknown>) {
      for (let i = 0; i < COUNT; i++) yield { id: i, username: `user${i}`, roles: [req["roleFilter"] as string] };
    },
  });
  const port = await server.listen("127.0.0.1:0");
  const channel = createChannel(`127.0.0.1:${port}`);
  const client = createClient(UserService, channel);
  try {
    for (const slow of [false, true]) {
      let next = 0;
      for await (const u of client.watchUsers({ roleFilter: "r" }, { timeout: 30_000 }) as AsyncIterable<Record<string, unknown>>) {
        assert.equal(u["id"] ?? 0, next++);
        if (slow && next % 5000 === 0) await sleep(20);
      }
      assert.equal(next, COUNT);
    }
    // A reader with a huge flow-control window (as h2load has): nothing but the stream's own buffer holds us back.
    const { connect } = await import("node:http2");
    const session = connect(`http://127.0.0.1:${port}`, { settings: { initialWindowSize: 2 ** 30 } });
    const body = await new Promise<{ bytes: number; status: unknown }>((resolve, reject) => {
      const stream = session.request({ ":method": "POST", ":path": "/userservice.UserService/WatchUsers", "content-type": "application/grpc", te: "trailers" });
      let bytes = 0;
      let status: unknown;
      stream.on("data", (c: Buffer) => (bytes += c.length));
      stream.on("trailers", (t) => (status = t["grpc-status"]));
      stream.on("close", () => resolve({ bytes, status }));
      stream.on("error", reject);
      stream.end(Buffer.from([0, 0, 0, 0, 0]));
    });
    session.close();
    assert.equal(body.status, "0");
    assert.ok(body.bytes > COUNT * 10, `${body.bytes} bytes`);
  } finally {
    channel.close();
    await server.shutdown(100);
  }
});

test("a slow server handler holds back a streaming client", async () => {
  let sent = 0;
  const server = createServer().add(UserService, {
    ...userServiceImpl(),
    async bulkCreateUsers(requests) {
      let n = 0;
      for await (const _ of requests) {
        if (++n === 20) return { createdCount: n };
        await sleep(5);
      }
      return { createdCount: n };
    },
  });
  const port = await server.listen("127.0.0.1:0");
  const channel = createChannel(`127.0.0.1:${port}`);
  try {
    async function* requests() {
      for (let i = 0; i < 10_000; i++) {
        sent++;
        yield { username: big };
      }
    }
    const res = (await createClient(UserService, channel).bulkCreateUsers(requests())) as any;
    assert.equal(res.createdCount, 20);
    assert.ok(sent < 20 + 200, `the client ran ahead by ${sent - 20} messages`);
  } finally {
    channel.close();
    await server.shutdown(100);
  }
});

test("size limits: a response over the server's send limit or the client's receive limit is RESOURCE_EXHAUSTED", async () => {
  const server = createServer({ maxSendMessageSize: 1000, logError: () => {} }).add(UserService, {
    ...userServiceImpl(),
    async listUsers(req: any) {
      return { users: [{ username: "y".repeat(req.pageSize) }] };
    },
  });
  const port = await server.listen("127.0.0.1:0");
  try {
    const client = createClient(UserService, createChannel(`127.0.0.1:${port}`));
    await assert.rejects(client.listUsers({ pageSize: 5000 }), (e: GrpcError) => e.code === Status.RESOURCE_EXHAUSTED);
    const small = createClient(UserService, createChannel(`127.0.0.1:${port}`, { maxReceiveMessageSize: 100 }));
    await assert.rejects(small.listUsers({ pageSize: 500 }), (e: GrpcError) => e.code === Status.RESOURCE_EXHAUSTED);
    assert.equal(((await client.listUsers({ pageSize: 500 })) as any).users[0].username.length, 500);
  } finally {
    await server.shutdown(100);
  }
});

test("the channel reconnects after the server comes back; waitForReady rides out the backoff", async () => {
  const first = createServer().add(UserService, userServiceImpl());
  const port = await first.listen("127.0.0.1:0");
  const channel = createChannel(`127.0.0.1:${port}`);
  const client = createClient(UserService, channel);
  try {
    assert.equal(((await client.getUser({ id: 1 })) as any).user.username, "ada");
    await first.shutdown(50);
    await assert.rejects(client.getUser({ id: 1 }), (e: GrpcError) => e.code === Status.UNAVAILABLE);
    const second = createServer().add(UserService, userServiceImpl());
    await second.listen(`127.0.0.1:${port}`);
    try {
      const res = (await client.getUser({ id: 1 }, { waitForReady: true, timeout: 10_000 })) as any;
      assert.equal(res.user.username, "ada");
    } finally {
      await second.shutdown(50);
    }
  } finally {
    channel.close();
  }
});

test("more calls in flight than the server's concurrent-stream limit: the rest wait for a stream, none fails (both engines)", async () => {
  const impl = userServiceImpl();
  let inHandler = 0;
  let most = 0;
  const server = createServer({ maxConcurrentStreams: 100 }).add(UserService, {
    ...impl,
    async getUser(req, ctx) {
      most = Math.max(most, ++inHandler);
      await new Promise((r) => setImmediate(r));
      inHandler--;
      return impl.getUser(req, ctx);
    },
  });
  const port = await server.listen("127.0.0.1:0");
  try {
    for (const engine of ["tsgrpc", "node"] as const) {
      most = 0;
      const channel = createChannel(`127.0.0.1:${port}`, { http2Engine: engine });
      try {
        const results = await Promise.allSettled(Array.from({ length: 1000 }, () => createClient(UserService, channel).getUser({ id: 1 }, { timeout: 20_000 })));
        assert.deepEqual(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason)).slice(0, 3), [], engine);
        assert.ok(most <= 100, `${engine}: at most 100 calls at once in the server (${most})`);
      } finally {
        channel.close();
      }
    }
  } finally {
    await server.shutdown(100);
  }
});

test("a connection lost while a response streams in ends the call UNAVAILABLE (not CANCELLED)", async () => {
  const server = createServer().add(UserService, {
    ...userServiceImpl(),
    async *watchUsers(_req, ctx) {
      yield { id: 1, username: "first" };
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
    },
  });
  let received!: () => void;
  const firstReceived = new Promise<void>((r) => (received = r));
  const port = await server.listen("127.0.0.1:0");
  // A TCP proxy in between, whose sockets are cut: the connection is lost, with no HTTP/2 goodbye from anyone.
  const sockets: Socket[] = [];
  const proxy = createNetServer((inbound) => {
    const outbound = connect(port, "127.0.0.1");
    sockets.push(inbound, outbound);
    inbound.pipe(outbound).pipe(inbound);
    inbound.on("error", () => {});
    outbound.on("error", () => {});
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  const channel = createChannel(`127.0.0.1:${(proxy.address() as AddressInfo).port}`);
  try {
    const reading = (async () => {
      for await (const u of createClient(UserService, channel).watchUsers({})) received(), void u;
    })();
    await firstReceived;
    for (const s of sockets) s.destroy();
    await assert.rejects(reading, (e: GrpcError) => e.code === Status.UNAVAILABLE && /closed before the call ended/.test(e.message));
  } finally {
    channel.close();
    proxy.close();
    await server.shutdown(100);
  }
});
