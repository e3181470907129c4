import { createChannel, createClient, createGrpcWebTransport, GrpcError, Status, type Channel } from "../../src/index.js";
import { UserService } from "../user-service-fixture.js";

/** Calls made by kind, and any outcome the mix did not expect (which a soak reports as a failure). */
export interface LoadCounts {
  calls: Record<string, number>;
  unexpected: string[];
}

type Client = ReturnType<typeof createClient<typeof UserService>>;

/**
 * One round of the mix: every RPC kind, an error, a deadline that passes, a cancel mid-stream, and gRPC-Web, each with
 * the outcome it must have. Throws a description of anything else.
 */
const MIX: Array<[string, (grpc: Client, web: Client) => Promise<void>]> = [
  ["unary", async (c) => expect((await c.getUser({ id: 1 })).user?.["username"] === "ada", "GetUser answered")],
  ["unary error", (c) => expectStatus(c.getUser({ id: 404 }), Status.NOT_FOUND)],
  ["server streaming", async (c) => expect((await count(c.watchUsers({ roleFilter: "x" }))) === 5, "WatchUsers sent 5")],
  ["client streaming", async (c) => expect((await c.bulkCreateUsers(Array.from({ length: 10 }, (_, i) => ({ username: `u${i}` })))).createdCount === 10, "BulkCreateUsers counted 10")],
  ["bidi", async (c) => expect((await count(c.userChat(Array.from({ length: 5 }, (_, i) => ({ sender: "s", text: String(i) }))))) === 5, "UserChat echoed 5")],
  // 150 ms: a call reset sooner, unanswered, would look like a rapid reset to the server (see ServerConnection's
  // onPeerReset), and hundreds a second of those on one connection end it.
  ["deadline", (c) => expectStatus(c.getUser({ id: 999 }, { timeout: 150 }), Status.DEADLINE_EXCEEDED)],
  ["cancel", async (c) => {
    // A chat whose requests stay open: the call is still running when the first echo comes and the caller aborts.
    const controller = new AbortController();
    async function* requests() {
      yield { sender: "s", text: "hello" };
      await new Promise((resolve) => controller.signal.addEventListener("abort", resolve, { once: true }));
    }
    await expectStatus((async () => {
      for await (const _ of c.userChat(requests(), { signal: controller.signal })) controller.abort();
    })(), Status.CANCELLED);
  }],
  ["abandoned stream", async (c) => {
    for await (const _ of c.watchUsers({ roleFilter: "x" })) break; // leaving the loop cancels the call
  }],
  ["grpc-web unary", async (_, web) => expect((await web.getUser({ id: 1 })).user?.["username"] === "ada", "GetUser over gRPC-Web answered")],
  ["grpc-web server streaming", async (_, web) => expect((await count(web.watchUsers({ roleFilter: "x" }))) === 5, "WatchUsers over gRPC-Web sent 5")],
];

function expect(ok: boolean, what: string): void {
  if (!ok) throw new Error(`expected: ${what}`);
}

async function expectStatus(call: Promise<unknown>, code: Status): Promise<void> {
  try {
    await call;
  } catch (e) {
    if (e instanceof GrpcError && e.code === code) return;
    throw e;
  }
  throw new Error(`expected ${Status[code]}, the call succeeded`);
}

async function count(responses: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of responses) n++;
  return n;
}

/**
 * Runs the mix against `port` with `concurrency` workers until `stop()` says so: each worker goes through the mix
 * again and again, on one channel (and one gRPC-Web transport) for the whole run.
 */
export async function runLoad(port: number, concurrency: number, stop: () => boolean): Promise<LoadCounts> {
  const counts: LoadCounts = { calls: {}, unexpected: [] };
  const channel: Channel = createChannel(`127.0.0.1:${port}`);
  const grpc = createClient(UserService, channel);
  const web = createClient(UserService, createGrpcWebTransport({ baseUrl: `http://127.0.0.1:${port}` }));
  const worker = async (offset: number) => {
    for (let i = offset; !stop(); i++) {
      const [name, call] = MIX[i % MIX.length]!;
      try {
        await call(grpc, web);
      } catch (e) {
        if (counts.unexpected.length < 20) counts.unexpected.push(`${name}: ${(e as Error).message}`);
      }
      counts.calls[name] = (counts.calls[name] ?? 0) + 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)));
  } finally {
    channel.close();
  }
  return counts;
}
