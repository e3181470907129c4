import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { createChannel, createClient, createServer, GrpcError, prepareMessage, Status, type ServerInterceptor } from "../src/index.js";
import { PROTO_DIR, UserService, userServiceImpl } from "./user-service-fixture.js";

// The forms a handler's responses may take besides an async generator: a sync generator or an array (sent without a
// promise per message), and messages prepared once (encoded once, sent on many calls); plus the fairness that a
// handler streaming without ever awaiting still lets the event loop serve other calls and the client's cancellation.

const User = UserService.methods["watchUsers"]!.output;
const GetUserResponse = UserService.methods["getUser"]!.output;
const user = (id: number) => ({ id, username: `user_${id}`, email: `u${id}@example.com`, roles: ["user"], status: 0 });
const preparedUsers = Array.from({ length: 10 }, (_, i) => prepareMessage(User, user(i + 1)));
const preparedAnswer = prepareMessage(GetUserResponse, { user: user(7) });

const progress = { produced: 0, finallyRan: false };
const run = promisify(execFile);
const hasH2load = await run("h2load", ["--version"]).then(() => true, () => false);
const base = userServiceImpl();
const implementation = {
  ...base,
  getUser(req: Record<string, unknown>) {
    if (req["id"] === 7) return preparedAnswer;
    if (req["id"] === 8) return prepareMessage(User, user(8)); // the wrong type for GetUser
    return base.getUser(req as never, undefined as never);
  },
  watchUsers(req: Record<string, unknown>) {
    const filter = req["roleFilter"];
    if (filter === "array") return [user(1), user(2), user(3)];
    if (filter === "prepared") return preparedUsers;
    if (filter === "endless-sync") return endless();
    if (filter === "endless-async") return endlessAsync();
    if (filter === "big") return big();
    return (function* () {
      for (let i = 1; i <= 1000; i++) yield user(i);
    })();
  },
  userChat(messages: AsyncIterable<Record<string, unknown>>) {
    void messages;
    return [{ sender: "server", text: "one" }, { sender: "server", text: "two" }];
  },
};

function* endless() {
  progress.produced = 0;
  progress.finallyRan = false;
  try {
    for (;;) {
      progress.produced++;
      yield user(progress.produced);
    }
  } finally {
    progress.finallyRan = true;
  }
}

async function* endlessAsync() {
  yield* endless();
}

const BIG = 3_000_000;
function* big() {
  progress.produced = 0;
  for (let i = 1; i <= BIG; i++) {
    progress.produced = i;
    yield preparedUsers[i % preparedUsers.length]!;
  }
}

const servers = await Promise.all(
  [[], [((next) => next) as ServerInterceptor]].map(async (interceptors) => {
    const server = createServer({ interceptors, logError: () => {} }).add(UserService, implementation as never);
    return { server, port: await server.listen("127.0.0.1:0"), label: interceptors.length ? "with an interceptor" : "direct" };
  }),
);
const gzipServer = createServer({ logError: () => {} }).add(UserService, {
  ...implementation,
  watchUsers(_req: unknown, ctx: { responseCompression: string }) {
    ctx.responseCompression = "gzip";
    return preparedUsers;
  },
} as never);
const gzipPort = await gzipServer.listen("127.0.0.1:0");
const channels: ReturnType<typeof createChannel>[] = [];
const clientOf = (port: number) => {
  const channel = createChannel(`127.0.0.1:${port}`);
  channels.push(channel);
  return createClient(UserService, channel);
};
after(async () => {
  for (const c of channels) c.close();
  await Promise.all([...servers.map(({ server }) => server.shutdown(100)), gzipServer.shutdown(100)]);
});

const collect = async (stream: AsyncIterable<unknown>) => {
  const out: Record<string, any>[] = [];
  for await (const m of stream) out.push(m as Record<string, any>);
  return out;
};

for (const { port, label } of servers) {
  test(`server streaming from a sync generator, an array and prepared messages (${label})`, async () => {
    const client = clientOf(port);
    const fromGenerator = await collect(client.watchUsers({ roleFilter: "" }));
    assert.deepEqual(fromGenerator.map((u) => u["id"]), Array.from({ length: 1000 }, (_, i) => i + 1));
    assert.deepEqual((await collect(client.watchUsers({ roleFilter: "array" }))).map((u) => u["username"]), ["user_1", "user_2", "user_3"]);
    const prepared = await collect(client.watchUsers({ roleFilter: "prepared" }));
    assert.deepEqual(prepared.map((u) => ({ ...u })), preparedUsers.map((p) => ({ ...User.decode(p.bytes) })));
  });

  test(`a unary answer prepared once, and a prepared message of the wrong type is INTERNAL (${label})`, async () => {
    const client = clientOf(port);
    for (let i = 0; i < 3; i++) assert.equal(((await client.getUser({ id: 7 })) as Record<string, any>)["user"]["username"], "user_7");
    await assert.rejects(client.getUser({ id: 8 }), (e: GrpcError) => e.code === Status.INTERNAL && /userservice\.User .*userservice\.GetUserResponse/.test(e.rawMessage));
  });

  test(`bidi answered with an array (${label})`, async () => {
    const client = clientOf(port);
    const replies = await collect(client.userChat([{ sender: "a", text: "hi" }]));
    assert.deepEqual(replies.map((r) => r["text"]), ["one", "two"]);
  });

  for (const kind of ["sync", "async"]) {
    test(`a handler that streams forever without awaiting (${kind}) still serves other calls and sees the cancel (${label})`, async () => {
      const client = clientOf(port);
      const other = clientOf(port);
      const controller = new AbortController();
      let received = 0;
      let unaryDone = false;
      const stream = (async () => {
        for await (const _ of client.watchUsers({ roleFilter: `endless-${kind}` }, { signal: controller.signal })) {
          received++;
          if (received === 2000) {
            // The server is busy producing: a unary call on another connection must still be answered.
            const answer = (await other.getUser({ id: 7 })) as Record<string, any>;
            unaryDone = answer["user"]["id"] === 7;
            controller.abort();
          }
        }
      })();
      await assert.rejects(stream, (e: GrpcError) => e.code === Status.CANCELLED);
      assert.ok(unaryDone);
      const deadline = Date.now() + 5000;
      while (!progress.finallyRan && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.ok(progress.finallyRan, "the generator was closed once the client cancelled");
      const produced = progress.produced;
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(progress.produced, produced, "nothing is produced after the cancel");
    });
  }
}

test("while a peer that reads as fast as it can takes a long stream, the server still answers other calls", { skip: hasH2load ? false : "h2load is not installed (apt-get install nghttp2-client)" }, async () => {
  // In-process clients cannot show this (the server's loop would block their reads too, and backpressure would end
  // it): h2load, in its own process with a 1 GiB window, drains the stream as fast as the server writes it.
  const { port } = servers[0]!;
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-fairness-"));
  const request = UserService.methods["watchUsers"]!.input.encode({ roleFilter: "big" });
  const body = Buffer.alloc(5 + request.length);
  body.writeUInt32BE(request.length, 1);
  body.set(request, 5);
  writeFileSync(join(dir, "watch.bin"), body);
  const load = run("h2load", ["-n", "1", "-c", "1", "-m", "1", "-d", join(dir, "watch.bin"), "-H", "content-type: application/grpc", "-H", "te: trailers", `http://127.0.0.1:${port}/userservice.UserService/WatchUsers`]);
  const deadline = Date.now() + 10_000;
  while (progress.produced === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
  const answer = (await clientOf(port).getUser({ id: 7 })) as Record<string, any>;
  const producedThen = progress.produced;
  assert.equal(answer["user"]["id"], 7);
  const { stdout } = await load;
  assert.match(stdout, /1 succeeded/);
  assert.ok(producedThen < BIG, `the unary call was answered only after the ${BIG}-message stream had been written`);
});

test("prepared messages compressed with gzip, read by tsgrpc's client and by grpc-js", async () => {
  const expected = preparedUsers.map((p) => User.decode(p.bytes)["username"]);
  for (let i = 0; i < 2; i++) {
    assert.deepEqual((await collect(clientOf(gzipPort).watchUsers({}))).map((u) => u["username"]), expected);
  }
  const definition = protoLoader.loadSync(join(PROTO_DIR, "user_service.proto"), { defaults: true });
  const GrpcJsUserService = (grpc.loadPackageDefinition(definition) as any).userservice.UserService;
  const theirs = new GrpcJsUserService(`127.0.0.1:${gzipPort}`, grpc.credentials.createInsecure(), { "grpc.default_compression_algorithm": 2 });
  try {
    const names = await new Promise<string[]>((resolve, reject) => {
      const got: string[] = [];
      const call = theirs.watchUsers({});
      call.on("data", (u: { username: string }) => got.push(u.username));
      call.on("error", reject);
      call.on("end", () => resolve(got));
    });
    assert.deepEqual(names, expected);
  } finally {
    theirs.close();
  }
});
