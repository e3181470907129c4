import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { BadRequest, createChannel, createClient, createServer, ErrorInfo, findDetail, GrpcError, packDetail, RetryInfo, Status } from "../src/index.js";
import { PROTO_DIR, UserService, userServiceImpl } from "./user-service-fixture.js";
import { decodeStatusDetails, encodeStatusDetails } from "../src/protocol/status-details.js";

test("rich errors: details sent by a handler arrive decoded in the client's GrpcError", async () => {
  const server = createServer().add(UserService, {
    ...userServiceImpl(),
    async createUser() {
      throw new GrpcError(Status.INVALID_ARGUMENT, "Invalid user", {
        details: [
          packDetail(BadRequest, { fieldViolations: [{ field: "email", description: "must contain @" }, { field: "username", description: "too short" }] }),
          packDetail(ErrorInfo, { reason: "VALIDATION", domain: "tsgrpc.dev", metadata: { max: "3" } }),
          packDetail(RetryInfo, { retryDelay: { seconds: 2n, nanos: 0 } }),
        ],
      });
    },
  });
  const port = await server.listen("127.0.0.1:0");
  try {
    const client = createClient(UserService, createChannel(`127.0.0.1:${port}`));
    const error = await client.createUser({ username: "x" }).then(() => assert.fail("no error"), (e: GrpcError) => e);
    assert.equal(error.code, Status.INVALID_ARGUMENT);
    assert.deepEqual(findDetail(error, BadRequest)?.fieldViolations.map((v) => v.field), ["email", "username"]);
    assert.deepEqual(findDetail(error, ErrorInfo)?.metadata, { max: "3" });
    assert.equal(findDetail(error, RetryInfo)?.retryDelay?.seconds, 2n);
    // grpc-js sees the same grpc-status-details-bin and can decode it as google.rpc.Status.
    const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(join(PROTO_DIR, "user_service.proto"))) as any;
    const theirs = new pkg.userservice.UserService(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const raw = await new Promise<any>((resolve) => theirs.createUser({}, (e: any) => resolve(e)));
    const header = raw.metadata.get("grpc-status-details-bin")[0] as Buffer;
    const details = decodeStatusDetails(header.toString("base64"));
    assert.deepEqual(details.map((d) => d.typeUrl), ["type.googleapis.com/google.rpc.BadRequest", "type.googleapis.com/google.rpc.ErrorInfo", "type.googleapis.com/google.rpc.RetryInfo"]);
    theirs.close();
  } finally {
    await server.shutdown(100);
  }
});

test("grpc-status-details-bin: garbage decodes to no details rather than an error", () => {
  assert.deepEqual(decodeStatusDetails("!!!"), []);
  assert.deepEqual(decodeStatusDetails("CAMSAgoA/w"), []);
  const round = decodeStatusDetails(encodeStatusDetails(Status.NOT_FOUND, "x", [{ typeUrl: "t/a.B", value: Uint8Array.of(1, 2) }]));
  assert.deepEqual(round, [{ typeUrl: "t/a.B", value: Uint8Array.of(1, 2) }]);
});
