import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createChannel, createServer } from "@tsgrpc/grpc";
import { CASES } from "../src/cases.js";
import { loadInteropSchemas, protoRoot } from "../src/test-service.js";
import { testServiceImpl } from "../src/test-service-impl.js";

const skip = protoRoot() ? false : "the official interop protos are not installed (Debian: grpc-proto)";

if (!skip) {
  const schemas = loadInteropSchemas();
  const server = createServer().add(schemas.TestService, testServiceImpl(schemas.TestService));
  const port = await server.listen("127.0.0.1:0");
  const channel = createChannel(`127.0.0.1:${port}`);
  after(async () => {
    channel.close();
    await server.shutdown(200);
  });
  for (const [name, run] of Object.entries(CASES)) {
    test(`interop ${name}: tsgrpc client -> tsgrpc server`, { timeout: 30_000 }, () => run(channel, schemas));
  }
} else {
  test("interop cases", { skip }, () => assert.fail());
}
