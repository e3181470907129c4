import { GrpcError, Status, wasCompressed } from "@tsgrpc/grpc";
import type { ServerContext, ServiceImplementation } from "@tsgrpc/grpc";
import type { ServiceDefinition } from "@tsgrpc/protobuf";

type Msg = Record<string, any>;

const payload = (size: number) => ({ type: 0, body: new Uint8Array(size) });
const sleep = (us: number) => new Promise((r) => setTimeout(r, us / 1000));

/** Echoes the interop metadata keys: x-grpc-test-echo-initial in the headers, -trailing-bin in the trailers. */
function echoMetadata(ctx: ServerContext): void {
  const initial = ctx.metadata.get("x-grpc-test-echo-initial");
  if (initial !== undefined) ctx.responseHeaders.set("x-grpc-test-echo-initial", initial);
  const trailing = ctx.metadata.get("x-grpc-test-echo-trailing-bin");
  if (trailing !== undefined) ctx.responseTrailers.set("x-grpc-test-echo-trailing-bin", trailing);
}

function checkStatus(req: Msg): void {
  const s = req["responseStatus"];
  if (s && s.code) throw new GrpcError(s.code, s.message);
}

/** The server must refuse a message that asked to be compressed and was not (doc/interop-test-descriptions.md). */
function checkCompressed(req: Msg): void {
  if (req["expectCompressed"]?.value && !wasCompressed(req)) {
    throw new GrpcError(Status.INVALID_ARGUMENT, "Expected a compressed message");
  }
}

/** grpc.testing.TestService as the interop descriptions specify it. */
export function testServiceImpl(service: ServiceDefinition): ServiceImplementation<typeof service> {
  return {
    async emptyCall(_req: Msg, ctx: ServerContext) {
      echoMetadata(ctx);
      return {};
    },
    async unaryCall(req: Msg, ctx: ServerContext) {
      echoMetadata(ctx);
      checkCompressed(req);
      checkStatus(req);
      if (req["responseCompressed"]?.value) ctx.responseCompression = "gzip";
      return { payload: payload(req["responseSize"] ?? 0) };
    },
    async cacheableUnaryCall(req: Msg) {
      return { payload: payload(req["responseSize"] ?? 0) };
    },
    async *streamingOutputCall(req: Msg, ctx: ServerContext) {
      echoMetadata(ctx);
      checkStatus(req);
      for (const p of req["responseParameters"] ?? []) {
        if (p.intervalUs) await sleep(p.intervalUs);
        ctx.responseCompression = p.compressed?.value ? "gzip" : "identity";
        yield { payload: payload(p.size) };
      }
    },
    async streamingInputCall(requests: AsyncIterable<Msg>) {
      let total = 0;
      for await (const r of requests) {
        checkCompressed(r);
        total += r["payload"]?.body?.length ?? 0;
      }
      return { aggregatedPayloadSize: total };
    },
    async *fullDuplexCall(requests: AsyncIterable<Msg>, ctx: ServerContext) {
      echoMetadata(ctx);
      for await (const r of requests) {
        checkStatus(r);
        for (const p of r["responseParameters"] ?? []) {
          if (p.intervalUs) await sleep(p.intervalUs);
          yield { payload: payload(p.size) };
        }
      }
    },
    async *halfDuplexCall(requests: AsyncIterable<Msg>) {
      const all: Msg[] = [];
      for await (const r of requests) all.push(r);
      for (const r of all) for (const p of r["responseParameters"] ?? []) yield { payload: payload(p.size) };
    },
    async unimplementedCall() {
      // The interop spec keeps this method unserved: clients must see UNIMPLEMENTED.
      throw new GrpcError(Status.UNIMPLEMENTED, "UnimplementedCall is never served (interop unimplemented_method)");
    },
  } as never;
}

