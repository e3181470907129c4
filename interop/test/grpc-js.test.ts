import { test, after } from "node:test";
import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { createChannel, createServer } from "@tsgrpc/grpc";
import { CASES } from "../src/cases.js";
import { loadInteropSchemas, protoRoot } from "../src/test-service.js";
import { testServiceImpl } from "../src/test-service-impl.js";
import { grpcJsTestService } from "./grpc-js-test-service.js";

// The interop cases across implementations: the tsgrpc client against a grpc-js TestService, and grpc-js's client
// against the tsgrpc interop server.
const root = protoRoot();
const skip = root ? false : "the official interop protos are not installed (Debian: grpc-proto)";

// grpc-js's server neither checks expect_compressed nor compresses single messages on request, so the four
// compression cases can only fail against it; they run against the tsgrpc server (interop.test.ts) instead.
const NEEDS_COMPRESSION_CONTROL = new Set(["client_compressed_unary", "client_compressed_streaming", "server_compressed_unary", "server_compressed_streaming"]);

if (root) {
  const schemas = loadInteropSchemas(root);
  const pkg = grpc.loadPackageDefinition(protoLoader.loadSync("grpc/testing/test.proto", { includeDirs: [root] })) as any;
  const theirs = grpcJsTestService(pkg);
  const theirPort = await new Promise<number>((resolve, reject) => theirs.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  // tsgrpc's client on each HTTP/2 implementation it can run on.
  const toTheirs = createChannel(`127.0.0.1:${theirPort}`);
  const toTheirsOnNode = createChannel(`127.0.0.1:${theirPort}`, { http2Engine: "node" });
  after(() => {
    toTheirs.close();
    toTheirsOnNode.close();
    theirs.forceShutdown();
  });

  for (const [name, run] of Object.entries(CASES)) {
    if (NEEDS_COMPRESSION_CONTROL.has(name)) continue;
    test(`interop ${name}: tsgrpc client -> grpc-js server`, { timeout: 30_000 }, () => run(toTheirs, schemas));
    test(`interop ${name}: tsgrpc client on node:http2 -> grpc-js server`, { timeout: 30_000 }, () => run(toTheirsOnNode, schemas));
  }

  // grpc-js's client against the tsgrpc server on each HTTP/2 implementation it can run on.
  for (const [engine, on] of [["tsgrpc", "its own HTTP/2 engine"], ["node", "node:http2"]] as const) {
    const ours = createServer({ http2Engine: engine }).add(schemas.TestService, testServiceImpl(schemas.TestService));
    const ourPort = await ours.listen("127.0.0.1:0");
    const theirClient = new pkg.grpc.testing.TestService(`127.0.0.1:${ourPort}`, grpc.credentials.createInsecure());
    after(async () => {
      theirClient.close();
      await ours.shutdown(200);
    });

    const unary = (method: string, req: object, md = new grpc.Metadata(), options: grpc.CallOptions = {}) =>
      new Promise<any>((resolve, reject) => {
        let headers: grpc.Metadata | undefined;
        const call = theirClient[method](req, md, options, (e: any, r: any) => (e ? reject(e) : resolve({ r, headers, call })));
        call.on("metadata", (m: grpc.Metadata) => (headers = m));
      });

    test(`interop large_unary, custom_metadata, special_status_message, unimplemented: grpc-js client -> tsgrpc server on ${on}`, async () => {
      const { r } = await unary("unaryCall", { responseSize: 314159, payload: { body: Buffer.alloc(271828) } });
      assert.equal(r.payload.body.length, 314159);
      const md = new grpc.Metadata();
      md.set("x-grpc-test-echo-initial", "test_initial_metadata_value");
      md.set("x-grpc-test-echo-trailing-bin", Buffer.from([0xab, 0xab, 0xab]));
      const trailers = await new Promise<grpc.Metadata>((resolve, reject) => {
        const call = theirClient.unaryCall({ responseSize: 1 }, md, (e: any) => e && reject(e));
        call.on("status", (s: grpc.StatusObject) => resolve(s.metadata));
      });
      assert.deepEqual(trailers.get("x-grpc-test-echo-trailing-bin")[0], Buffer.from([0xab, 0xab, 0xab]));
      const message = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n";
      await assert.rejects(unary("unaryCall", { responseStatus: { code: 2, message } }), (e: any) => e.code === 2 && e.details === message);
      await assert.rejects(unary("unimplementedCall", {}), (e: any) => e.code === grpc.status.UNIMPLEMENTED);
    });

    test(`interop server_streaming, client_streaming, ping_pong, timeout: grpc-js client -> tsgrpc server on ${on}`, async () => {
      const sizes = [31415, 9, 2653, 58979];
      const got: number[] = [];
      await new Promise<void>((resolve, reject) => {
        const call = theirClient.streamingOutputCall({ responseParameters: sizes.map((size) => ({ size })) });
        call.on("data", (m: any) => got.push(m.payload.body.length));
        call.on("error", reject);
        call.on("end", resolve);
      });
      assert.deepEqual(got, sizes);
      const total = await new Promise<number>((resolve, reject) => {
        const call = theirClient.streamingInputCall((e: any, r: any) => (e ? reject(e) : resolve(r.aggregatedPayloadSize)));
        for (const n of [27182, 8, 1828, 45904]) call.write({ payload: { body: Buffer.alloc(n) } });
        call.end();
      });
      assert.equal(total, 74922);
      const echoed: number[] = [];
      await new Promise<void>((resolve, reject) => {
        const call = theirClient.fullDuplexCall();
        const pairs = [[31415, 27182], [9, 8], [2653, 1828], [58979, 45904]];
        let i = 0;
        const next = () => call.write({ responseParameters: [{ size: pairs[i]![0] }], payload: { body: Buffer.alloc(pairs[i]![1]!) } });
        call.on("data", (m: any) => {
          echoed.push(m.payload.body.length);
          if (++i < pairs.length) next();
          else call.end();
        });
        call.on("error", reject);
        call.on("end", resolve);
        next();
      });
      assert.deepEqual(echoed, [31415, 9, 2653, 58979]);
      await assert.rejects(
        new Promise((resolve, reject) => {
          const call = theirClient.fullDuplexCall({ deadline: Date.now() + 1 });
          call.on("error", reject);
          call.on("end", resolve);
          call.on("data", () => {});
          call.write({ payload: { body: Buffer.alloc(27182) } });
        }),
        (e: any) => e.code === grpc.status.DEADLINE_EXCEEDED,
      );
    });

    test(`interop empty_unary, empty_stream, status (bidi), unimplemented_service, cancellations: grpc-js client -> tsgrpc server on ${on}`, async () => {
      await unary("emptyCall", {});
      await new Promise<void>((resolve, reject) => {
        const call = theirClient.fullDuplexCall();
        call.on("data", () => reject(new Error("no response expected")));
        call.on("error", reject);
        call.on("end", resolve);
        call.end();
      });
      await assert.rejects(
        new Promise((resolve, reject) => {
          const call = theirClient.fullDuplexCall();
          call.on("data", () => {});
          call.on("error", reject);
          call.on("end", resolve);
          call.write({ responseStatus: { code: 2, message: "test status message" } });
          call.end();
        }),
        (e: any) => e.code === 2 && e.details === "test status message",
      );
      const unimplemented = new pkg.grpc.testing.UnimplementedService(`127.0.0.1:${ourPort}`, grpc.credentials.createInsecure());
      await assert.rejects(new Promise((resolve, reject) => unimplemented.unimplementedCall({}, (e: any, r: any) => (e ? reject(e) : resolve(r)))), (e: any) => e.code === grpc.status.UNIMPLEMENTED);
      unimplemented.close();
      await assert.rejects(
        new Promise((resolve, reject) => {
          const call = theirClient.streamingInputCall((e: any, r: any) => (e ? reject(e) : resolve(r)));
          setTimeout(() => call.cancel(), 20);
        }),
        (e: any) => e.code === grpc.status.CANCELLED,
      );
      await assert.rejects(
        new Promise((resolve, reject) => {
          const call = theirClient.fullDuplexCall();
          call.on("data", () => call.cancel());
          call.on("error", reject);
          call.on("end", resolve);
          call.write({ responseParameters: [{ size: 31415 }], payload: { body: Buffer.alloc(27182) } });
        }),
        (e: any) => e.code === grpc.status.CANCELLED,
      );
    });

    test(`interop client_compressed_unary and server_compressed_unary: grpc-js client -> tsgrpc server on ${on}`, async () => {
      const body = Buffer.alloc(271828);
      await assert.rejects(unary("unaryCall", { expectCompressed: { value: true }, responseSize: 314159, payload: { body } }), (e: any) => e.code === grpc.status.INVALID_ARGUMENT);
      const gzipClient = new pkg.grpc.testing.TestService(`127.0.0.1:${ourPort}`, grpc.credentials.createInsecure(), { "grpc.default_compression_algorithm": 2 });
      const res = await new Promise<any>((resolve, reject) =>
        gzipClient.unaryCall({ expectCompressed: { value: true }, responseSize: 314159, payload: { body } }, (e: any, r: any) => (e ? reject(e) : resolve(r))),
      );
      assert.equal(res.payload.body.length, 314159);
      gzipClient.close();
      for (const value of [true, false]) {
        const { r } = await unary("unaryCall", { responseCompressed: { value }, responseSize: 314159, payload: { body } });
        assert.equal(r.payload.body.length, 314159);
      }
    });
  }
} else {
  test("interop with grpc-js", { skip }, () => assert.fail());
}
