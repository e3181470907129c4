import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { createServer, Health, createHealthService, createReflectionService, ServerReflectionV1, ServerReflectionV1Alpha } from "../src/index.js";
import { UserService, userServiceImpl } from "./user-service-fixture.js";

// A reflection client that is not ours: grpc-js with the official reflection schema (Debian's grpc-proto) loaded by
// proto-loader, and @bufbuild/protobuf decoding the descriptors it receives.
const ROOT = "/usr/share/grpc-proto";
const skip = existsSync(`${ROOT}/grpc/reflection/v1/reflection.proto`) ? false : "the official reflection schema is not installed (Debian: grpc-proto)";

for (const version of ["v1", "v1alpha"] as const) {
  test(`reflection ${version}: list services, files by symbol and name with their imports, NOT_FOUND for unknown names`, { skip }, async () => {
    const health = createHealthService();
    const reflection = createReflectionService([UserService, Health, ServerReflectionV1]);
    const server = createServer()
      .add(UserService, userServiceImpl())
      .add(Health, health.implementation)
      .add(ServerReflectionV1, reflection.implementation)
      .add(ServerReflectionV1Alpha, reflection.implementation);
    const port = await server.listen("127.0.0.1:0");
    const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(`grpc/reflection/${version}/reflection.proto`, { includeDirs: [ROOT], keepCase: true, oneofs: true })) as any;
    const client = new pkg.grpc.reflection[version].ServerReflection(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    try {
      const call = client.ServerReflectionInfo();
      const responses: any[] = [];
      const done = new Promise<void>((resolve, reject) => {
        call.on("data", (r: any) => responses.push(r));
        call.on("error", reject);
        call.on("end", resolve);
      });
      call.write({ list_services: "" });
      call.write({ file_containing_symbol: "userservice.UserService" });
      call.write({ file_containing_symbol: "userservice.User" });
      call.write({ file_by_filename: "grpc/health/v1/health.proto" });
      call.write({ file_containing_symbol: "no.Such" });
      call.write({ all_extension_numbers_of_type: "userservice.User" });
      call.end();
      await done;
      assert.equal(responses.length, 6);
      assert.deepEqual(responses[0].list_services_response.service.map((s: any) => s.name).sort(), ["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "userservice.UserService"]);
      const file = fromBinary(FileDescriptorProtoSchema, responses[1].file_descriptor_response.file_descriptor_proto[0]);
      assert.equal(file.name, "user_service.proto");
      assert.deepEqual(file.service[0]!.method.map((m) => m.name), ["GetUser", "CreateUser", "ListUsers", "WatchUsers", "BulkCreateUsers", "UserChat"]);
      assert.equal(fromBinary(FileDescriptorProtoSchema, responses[2].file_descriptor_response.file_descriptor_proto[0]).name, "user_service.proto");
      assert.equal(fromBinary(FileDescriptorProtoSchema, responses[3].file_descriptor_response.file_descriptor_proto[0]).package, "grpc.health.v1");
      assert.equal(responses[4].error_response.error_code, grpc.status.NOT_FOUND);
      assert.deepEqual(responses[5].all_extension_numbers_response.extension_number ?? [], []);
      assert.equal(responses[5].all_extension_numbers_response.base_type_name, "userservice.User");
    } finally {
      client.close();
      await server.shutdown(100);
    }
  });
}
