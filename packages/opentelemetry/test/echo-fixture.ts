import { fileURLToPath } from "node:url";
import { Compiler } from "@tsgrpc/compiler";
import { createServiceDefinition } from "@tsgrpc/protobuf";
import { Registry } from "@tsgrpc/protobuf/codegen-support";
import { GrpcError, Status, type ServiceImplementation } from "@tsgrpc/grpc";

// The Echo service of test/echo.proto, compiled by our own compiler, and an implementation whose requests say how to
// answer: `failCode` fails the call with that status, "hang" waits for the call to end (cancel or deadline), "flaky"
// fails the first call with each text with UNAVAILABLE (a retry then succeeds), "slow-first" never answers the first
// call with each text (a hedge then does), "fanout" makes a nested Echo call.

const PROTO_DIR = fileURLToPath(new URL("../../test", import.meta.url));
const compiler = new Compiler({ includePaths: [PROTO_DIR] });
const registry = Registry.from(compiler.withImports(compiler.compile(["echo.proto"])));
export const Echo = createServiceDefinition(registry.getService("otel.test.v1.Echo")!, registry);
export const Unserved = createServiceDefinition(registry.getService("otel.test.v1.Unserved")!, registry);

export interface EchoRequest {
  text?: string;
  failCode?: number;
  count?: number;
}

/** The encoded size of a request and of a response with this text: what A66's size metrics count, uncompressed. */
export const requestSize = (r: EchoRequest) => Echo.methods.unary.input.encode(r as never).length;
export const responseSize = (text: string) => Echo.methods.unary.output.encode({ text } as never).length;

export interface EchoServerEvents {
  /** Settles when a "hang" call reaches its handler. */
  hungCallStarted: Promise<void>;
  /** Settles with the abort reason when a "hang" call's handler sees its call end. */
  hungCallEnded: Promise<unknown>;
}

export function echoImpl(nested?: (text: string) => Promise<string>): { impl: ServiceImplementation<typeof Echo>; events: EchoServerEvents } {
  const seenFlaky = new Set<string>();
  let hungCallStarted!: () => void;
  let hungCallEnded!: (reason: unknown) => void;
  const events = { hungCallStarted: new Promise<void>((r) => (hungCallStarted = r)), hungCallEnded: new Promise<unknown>((r) => (hungCallEnded = r)) };
  const answer = async (req: EchoRequest, signal: AbortSignal): Promise<{ text: string }> => {
    const text = req.text ?? "";
    if (req.failCode) throw new GrpcError(req.failCode, `failing as asked (${req.failCode})`);
    if (text.startsWith("flaky") && !seenFlaky.has(text)) {
      seenFlaky.add(text);
      throw new GrpcError(Status.UNAVAILABLE, "the first attempt fails");
    }
    if (text.startsWith("slow-first") && !seenFlaky.has(text)) {
      seenFlaky.add(text);
      await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
      throw signal.reason;
    }
    if (text === "hang") {
      hungCallStarted();
      const reason = await new Promise((resolve) => signal.addEventListener("abort", () => resolve(signal.reason), { once: true }));
      hungCallEnded(reason);
      throw reason;
    }
    if (text.startsWith("fanout") && nested) return { text: await nested(text) };
    return { text };
  };
  const impl: ServiceImplementation<typeof Echo> = {
    unary: (req: EchoRequest, ctx) => answer(req, ctx.signal),
    async *serverStream(req: EchoRequest, ctx) {
      const { text } = await answer(req, ctx.signal);
      for (let i = 0; i < (req.count ?? 1); i++) yield { text };
    },
    async clientStream(requests: AsyncIterable<EchoRequest>, ctx) {
      const texts: string[] = [];
      for await (const r of requests) texts.push((await answer(r, ctx.signal)).text);
      return { text: texts.join(",") };
    },
    async *bidi(requests: AsyncIterable<EchoRequest>, ctx) {
      for await (const r of requests) yield await answer(r, ctx.signal);
    },
  };
  return { impl, events };
}
