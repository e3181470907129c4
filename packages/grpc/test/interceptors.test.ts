import { test } from "node:test";
import assert from "node:assert/strict";
import { createChannel, createClient, createServer, GrpcError, Status } from "../src/index.js";
import type { ClientInterceptor, ServerInterceptor } from "../src/index.js";
import { UserService, userServiceImpl } from "./user-service-fixture.js";

test("server interceptors log every call with method, status and duration, and refuse calls without a token", async () => {
  // `handled` counts handler runs that ended: each log entry records how many ended within its span, which is what
  // makes its duration the call's (a wall-clock `ms` would prove nothing on a loaded machine).
  let handled = 0;
  const log: { method: string; code: number; ms: number; handledWithin: number }[] = [];
  // The tutorial's LoggingInterceptor.
  const logging: ServerInterceptor = (next) =>
    async function* (call) {
      const started = performance.now();
      const handledBefore = handled;
      let code = Status.OK;
      try {
        yield* next(call);
      } catch (e) {
        code = GrpcError.from(e).code;
        throw e;
      } finally {
        log.push({ method: call.method.path, code, ms: performance.now() - started, handledWithin: handled - handledBefore });
      }
    };
  // The tutorial's auth check.
  const auth: ServerInterceptor = (next) => (call) => {
    if (call.ctx.metadata.get("authorization") !== "Bearer secret") throw new GrpcError(Status.UNAUTHENTICATED, "Missing or bad token");
    call.ctx.responseHeaders.set("x-authenticated", "yes");
    return next(call);
  };
  const impl = userServiceImpl();
  const server = createServer({ interceptors: [logging, auth], logError: () => {} }).add(UserService, {
    ...impl,
    async getUser(req: any, ctx) {
      try {
        return await impl.getUser(req, ctx);
      } finally {
        handled++;
      }
    },
    async *watchUsers(req: any, ctx) {
      yield* impl.watchUsers(req, ctx);
      handled++;
    },
  });
  // The same auth check as the outermost interceptor: it throws before any stream exists.
  const strict = createServer({ interceptors: [auth], logError: () => {} }).add(UserService, userServiceImpl());
  const strictPort = await strict.listen("127.0.0.1:0");
  await assert.rejects(createClient(UserService, createChannel(`127.0.0.1:${strictPort}`)).getUser({ id: 1 }), (e: GrpcError) => e.code === Status.UNAUTHENTICATED);
  await strict.shutdown(50);
  const port = await server.listen("127.0.0.1:0");
  const channel = createChannel(`127.0.0.1:${port}`);
  try {
    const anonymous = createClient(UserService, channel);
    await assert.rejects(anonymous.getUser({ id: 1 }), (e: GrpcError) => e.code === Status.UNAUTHENTICATED);
    // The tutorial's client-side AuthInterceptor.
    const bearer: ClientInterceptor = (next) => (call) => {
      call.options.metadata.set("authorization", "Bearer secret");
      return next(call);
    };
    let headers = "";
    const authed = createClient(UserService, channel, { interceptors: [bearer] });
    await authed.getUser({ id: 1 }, { onHeader: (h) => (headers = String(h.get("x-authenticated"))) });
    assert.equal(headers, "yes");
    const streamed = [];
    for await (const u of authed.watchUsers({})) streamed.push(u);
    assert.equal(streamed.length, 5);
    await assert.rejects(authed.getUser({ id: 5 }), (e: GrpcError) => e.code === Status.NOT_FOUND);
    assert.deepEqual(
      log.map((l) => [l.method, l.code, l.handledWithin]),
      [
        ["/userservice.UserService/GetUser", Status.UNAUTHENTICATED, 0], // refused by auth: no handler ran
        ["/userservice.UserService/GetUser", Status.OK, 1],
        ["/userservice.UserService/WatchUsers", Status.OK, 1], // the span lasts until the stream's last message
        ["/userservice.UserService/GetUser", Status.NOT_FOUND, 1],
      ],
    );
  } finally {
    channel.close();
    await server.shutdown(100);
  }
});

test("a client interceptor can short-circuit a call and wrap its responses", async () => {
  const channel = createChannel("127.0.0.1:1"); // nothing listens: the interceptor answers
  const cached: ClientInterceptor = () =>
    async function* (call) {
      yield { user: { id: 1, username: `cached ${call.method.name}` } };
    };
  const client = createClient(UserService, channel, { interceptors: [cached] });
  assert.equal(((await client.getUser({ id: 1 })) as any).user.username, "cached GetUser");
});

test("deadlines and cancellation propagate along a chain A -> B -> C, with an opt-out", { timeout: 10_000 }, async () => {
  let cTimeLeft: number | undefined;
  let cAborted!: () => void;
  const cAbort = new Promise<void>((r) => (cAborted = r));
  const c = createServer().add(UserService, {
    ...userServiceImpl(),
    async getUser(_req: unknown, ctx) {
      cTimeLeft = ctx.deadline === undefined ? undefined : ctx.deadline - Date.now();
      await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => (cAborted(), resolve())));
      return {};
    },
  });
  const cPort = await c.listen("127.0.0.1:0");
  const toC = createClient(UserService, createChannel(`127.0.0.1:${cPort}`));
  let optOutDeadline: string | undefined;
  const b = createServer({ logError: () => {} }).add(UserService, {
    ...userServiceImpl(),
    async getUser(req: any) {
      if (req.id === 2) {
        // opt-out: this call gets only its own deadline
        await toC.getUser({ id: 1 }, { propagate: false, timeout: 50 }).catch((e: GrpcError) => (optOutDeadline = Status[e.code]));
        return {};
      }
      return toC.getUser({ id: 1 });
    },
  });
  const bPort = await b.listen("127.0.0.1:0");
  const toB = createClient(UserService, createChannel(`127.0.0.1:${bPort}`));
  try {
    await assert.rejects(toB.getUser({ id: 1 }, { timeout: 300 }), (e: GrpcError) => e.code === Status.DEADLINE_EXCEEDED);
    // C has a deadline, and no more time than A gave (however slowly the hops went): A's, carried by B.
    assert.ok(cTimeLeft !== undefined && cTimeLeft <= 300, `C got the deadline A set (${cTimeLeft} ms left)`);
    // C's handler is cancelled when A's deadline passes (if it never is, the test's timeout fails it).
    await cAbort;
    await toB.getUser({ id: 2 }, { timeout: 5_000 });
    assert.equal(optOutDeadline, "DEADLINE_EXCEEDED");
  } finally {
    await b.shutdown(50);
    await c.shutdown(50);
  }
});

test("graceful shutdown lets a call in flight finish, refuses new ones, then cancels what is left", { timeout: 10_000 }, async () => {
  let release: () => void = () => {};
  let started = 0;
  let bothStarted!: () => void;
  const inHandlers = new Promise<void>((r) => (bothStarted = r));
  const server = createServer().add(UserService, {
    ...userServiceImpl(),
    async getUser(req: any, ctx) {
      if (++started === 2) bothStarted();
      if (req.id === 1) await new Promise<void>((r) => (release = r));
      else await new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)));
      return { user: { id: req.id } };
    },
  });
  const port = await server.listen("127.0.0.1:0");
  const channel = createChannel(`127.0.0.1:${port}`);
  const client = createClient(UserService, channel);
  const finishing = client.getUser({ id: 1 });
  const stuck = client.getUser({ id: 2 }).catch((e: GrpcError) => e.code);
  await inHandlers; // both calls are in flight when the shutdown begins
  const down = server.shutdown(1500);
  // A new connection is refused (the listener is closed). ListUsers answers at once when served, so a rejection here
  // is the refusal, not a cancel at the end of the grace period.
  const late = createChannel(`127.0.0.1:${port}`);
  await assert.rejects(createClient(UserService, late).listUsers({}), (e: GrpcError) => e.code === Status.UNAVAILABLE);
  late.close();
  release(); // the call in flight finishes within the grace period
  assert.equal(((await finishing) as any).user.id, 1);
  assert.equal(await stuck, Status.UNAVAILABLE); // the one left is cancelled when the grace period ends
  await down;
  channel.close();
});
