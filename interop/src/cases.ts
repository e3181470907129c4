import assert from "node:assert/strict";
import { createChannel, createClient, GrpcError, Metadata, sendUncompressed, Status, wasCompressed } from "@tsgrpc/grpc";
import type { Channel, ChannelOptions } from "@tsgrpc/grpc";
import type { InteropSchemas } from "./test-service.js";
import { soak, soakOptions } from "./soak.js";

type Msg = Record<string, any>;
type Case = (channel: Channel, schemas: InteropSchemas) => Promise<void>;

const payload = (size: number) => ({ type: 0, body: new Uint8Array(size) });
const bodySize = (m: Msg) => (m["payload"]?.body as Uint8Array | undefined)?.length ?? 0;

async function collect(responses: AsyncIterable<object>): Promise<Msg[]> {
  const out: Msg[] = [];
  for await (const r of responses) out.push(r as Msg);
  return out;
}

/** An async iterable of requests that the test feeds one at a time (for ping-pong and cancellation cases). */
function feed(): { requests: AsyncIterable<Msg>; send(m: Msg): void; end(): void } {
  const waiting: ((r: IteratorResult<Msg>) => void)[] = [];
  const queued: IteratorResult<Msg>[] = [];
  const put = (r: IteratorResult<Msg>) => {
    const w = waiting.shift();
    if (w) w(r);
    else queued.push(r);
  };
  return {
    requests: { [Symbol.asyncIterator]: () => ({ next: () => (queued.length ? Promise.resolve(queued.shift()!) : new Promise((r) => waiting.push(r))) }) },
    send: (m) => put({ value: m, done: false }),
    end: () => put({ value: undefined, done: true }),
  };
}

const rejectsWith = async (p: Promise<unknown>, code: Status, message?: string) =>
  assert.rejects(p, (e: GrpcError) => {
    assert.equal(e.code, code, `expected ${Status[code]}, got ${Status[e.code]}: ${e.rawMessage}`);
    if (message !== undefined) assert.equal(e.rawMessage, message);
    return true;
  });

/** The interop cases of grpc/grpc doc/interop-test-descriptions.md that need no cloud credentials. */
export const CASES: Record<string, Case> = {
  async empty_unary(channel, { TestService }) {
    const res = await createClient(TestService, channel).emptyCall({});
    assert.deepEqual(Object.keys(res).length, 0);
  },
  async large_unary(channel, { TestService }) {
    const res = await createClient(TestService, channel).unaryCall({ responseType: 0, responseSize: 314159, payload: payload(271828) });
    assert.equal(bodySize(res), 314159);
  },
  async client_compressed_unary(channel, { TestService }) {
    const client = createClient(TestService, channel);
    await rejectsWith(client.unaryCall({ expectCompressed: { value: true }, responseSize: 314159, payload: payload(271828) }), Status.INVALID_ARGUMENT);
    const a = await client.unaryCall({ expectCompressed: { value: true }, responseSize: 314159, payload: payload(271828) }, { compression: "gzip" });
    const b = await client.unaryCall({ expectCompressed: { value: false }, responseSize: 314159, payload: payload(271828) });
    assert.equal(bodySize(a), 314159);
    assert.equal(bodySize(b), 314159);
  },
  async server_compressed_unary(channel, { TestService }) {
    const client = createClient(TestService, channel);
    const a = await client.unaryCall({ responseCompressed: { value: true }, responseSize: 314159, payload: payload(271828) });
    assert.equal(wasCompressed(a), true);
    const b = await client.unaryCall({ responseCompressed: { value: false }, responseSize: 314159, payload: payload(271828) });
    assert.equal(wasCompressed(b), false);
    assert.equal(bodySize(a) + bodySize(b), 2 * 314159);
  },
  async client_streaming(channel, { TestService }) {
    const res = await createClient(TestService, channel).streamingInputCall([27182, 8, 1828, 45904].map((n) => ({ payload: payload(n) })));
    assert.equal(res["aggregatedPayloadSize"], 74922);
  },
  async client_compressed_streaming(channel, { TestService }) {
    const client = createClient(TestService, channel);
    await rejectsWith(client.streamingInputCall([{ expectCompressed: { value: true }, payload: payload(27182) }]), Status.INVALID_ARGUMENT);
    const res = await client.streamingInputCall(
      [{ expectCompressed: { value: true }, payload: payload(27182) }, sendUncompressed({ expectCompressed: { value: false }, payload: payload(45904) })],
      { compression: "gzip" },
    );
    assert.equal(res["aggregatedPayloadSize"], 73086);
  },
  async server_streaming(channel, { TestService }) {
    const sizes = [31415, 9, 2653, 58979];
    const got = await collect(createClient(TestService, channel).streamingOutputCall({ responseParameters: sizes.map((size) => ({ size })) }));
    assert.deepEqual(got.map(bodySize), sizes);
  },
  async server_compressed_streaming(channel, { TestService }) {
    const got = await collect(
      createClient(TestService, channel).streamingOutputCall({ responseParameters: [{ size: 31415, compressed: { value: true } }, { size: 92653, compressed: { value: false } }] }),
    );
    assert.deepEqual(got.map(bodySize), [31415, 92653]);
    assert.deepEqual(got.map((m) => wasCompressed(m)), [true, false]);
  },
  async ping_pong(channel, { TestService }) {
    const sizes: [number, number][] = [[31415, 27182], [9, 8], [2653, 1828], [58979, 45904]];
    const f = feed();
    const responses = createClient(TestService, channel).fullDuplexCall(f.requests)[Symbol.asyncIterator]();
    for (const [responseSize, requestSize] of sizes) {
      f.send({ responseParameters: [{ size: responseSize }], payload: payload(requestSize) });
      const r = await responses.next();
      assert.equal(bodySize(r.value as Msg), responseSize);
    }
    f.end();
    assert.equal((await responses.next()).done, true);
  },
  async empty_stream(channel, { TestService }) {
    assert.deepEqual(await collect(createClient(TestService, channel).fullDuplexCall([])), []);
  },
  async custom_metadata(channel, { TestService }) {
    const client = createClient(TestService, channel);
    const metadata = new Metadata({ "x-grpc-test-echo-initial": "test_initial_metadata_value", "x-grpc-test-echo-trailing-bin": Uint8Array.of(0xab, 0xab, 0xab) });
    const check = (headers?: Metadata, trailers?: Metadata) => {
      assert.equal(headers?.get("x-grpc-test-echo-initial"), "test_initial_metadata_value");
      assert.deepEqual(trailers?.get("x-grpc-test-echo-trailing-bin"), Uint8Array.of(0xab, 0xab, 0xab));
    };
    let h: Metadata | undefined;
    let t: Metadata | undefined;
    await client.unaryCall({ responseSize: 314159, payload: payload(271828) }, { metadata, onHeader: (x) => (h = x), onTrailer: (x) => (t = x) });
    check(h, t);
    h = t = undefined;
    await collect(client.fullDuplexCall([{ responseParameters: [{ size: 314159 }], payload: payload(271828) }], { metadata, onHeader: (x) => (h = x), onTrailer: (x) => (t = x) }));
    check(h, t);
  },
  async status_code_and_message(channel, { TestService }) {
    const client = createClient(TestService, channel);
    const responseStatus = { code: 2, message: "test status message" };
    await rejectsWith(client.unaryCall({ responseStatus }), Status.UNKNOWN, "test status message");
    await rejectsWith(collect(client.fullDuplexCall([{ responseStatus }])), Status.UNKNOWN, "test status message");
  },
  async special_status_message(channel, { TestService }) {
    const message = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n";
    await rejectsWith(createClient(TestService, channel).unaryCall({ responseStatus: { code: 2, message } }), Status.UNKNOWN, message);
  },
  async unimplemented_method(channel, { TestService }) {
    await rejectsWith(createClient(TestService, channel).unimplementedCall({}), Status.UNIMPLEMENTED);
  },
  async unimplemented_service(channel, { UnimplementedService }) {
    await rejectsWith(createClient(UnimplementedService, channel).unimplementedCall({}), Status.UNIMPLEMENTED);
  },
  async cancel_after_begin(channel, { TestService }) {
    const controller = new AbortController();
    const f = feed();
    const pending = createClient(TestService, channel).streamingInputCall(f.requests, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await rejectsWith(pending, Status.CANCELLED);
  },
  async cancel_after_first_response(channel, { TestService }) {
    const controller = new AbortController();
    const f = feed();
    const responses = createClient(TestService, channel).fullDuplexCall(f.requests, { signal: controller.signal })[Symbol.asyncIterator]();
    f.send({ responseParameters: [{ size: 31415 }], payload: payload(27182) });
    assert.equal(bodySize((await responses.next()).value as Msg), 31415);
    controller.abort();
    await rejectsWith(responses.next(), Status.CANCELLED);
  },
  async timeout_on_sleeping_server(channel, { TestService }) {
    const f = feed();
    f.send({ payload: payload(27182) });
    await rejectsWith(collect(createClient(TestService, channel).fullDuplexCall(f.requests, { timeout: 1 })), Status.DEADLINE_EXCEEDED);
  },
};

/** What a soak case needs beyond a channel: the command line's flags, and how to build another channel to the server. */
export interface SoakEnv {
  readonly flags: ReadonlyMap<string, string>;
  readonly target: string;
  readonly channelOptions: ChannelOptions;
  readonly log?: (line: string) => void;
}
type SoakCase = (env: SoakEnv, schemas: InteropSchemas) => Promise<string>;

/**
 * rpc_soak and channel_soak (doc/interop-test-descriptions.md): many large_unary-sized calls in sequence, on one
 * channel, or on a new channel for every call (exercising the resolver, the balancer and connection setup each time).
 * Flags: soak_iterations, soak_max_failures, soak_per_iteration_max_acceptable_latency_ms,
 * soak_overall_timeout_seconds, soak_min_time_ms_between_rpcs, soak_request_size, soak_response_size. Each resolves
 * with the summary line, and rejects when the soak failed.
 */
export const SOAK_CASES: Record<string, SoakCase> = {
  async rpc_soak(env, schemas) {
    const channel = createChannel(env.target, env.channelOptions);
    try {
      return await soak(() => ({ channel, done: () => {} }), schemas, soakOptions(env.flags), env.log);
    } finally {
      channel.close();
    }
  },
  async channel_soak(env, schemas) {
    return soak(() => {
      const channel = createChannel(env.target, env.channelOptions);
      return { channel, done: () => channel.close() };
    }, schemas, soakOptions(env.flags), env.log);
  },
};
