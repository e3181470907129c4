import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Compiler } from "@tsgrpc/compiler";
import { descriptorLiteralModule } from "../src/index.js";

test("the runtime's copy of descriptor.proto matches the bundled schema (run `npm run gen:bootstrap` if not)", () => {
  const [file] = new Compiler().compile(["google/protobuf/descriptor.proto"]);
  const committed = readFileSync(fileURLToPath(new URL("../../../protobuf/src/descriptor/descriptor-proto.ts", import.meta.url)), "utf8");
  assert.equal(descriptorLiteralModule(file!), committed);
});

test("the gRPC runtime's generated google.rpc and grpc.health types match their schemas (run `npm run gen:bootstrap` if not)", async () => {
  const { Registry, getDescriptorRegistry } = await import("@tsgrpc/protobuf");
  const { generateFile } = await import("../src/index.js");
  const protoDir = fileURLToPath(new URL("../../../grpc/proto", import.meta.url));
  const compiler = new Compiler({ includePaths: [protoDir] });
  const files = compiler.withImports(compiler.compile(["google/rpc/status.proto", "google/rpc/error_details.proto", "grpc/health/v1/health.proto", "grpc/reflection/v1/reflection.proto", "grpc/reflection/v1alpha/reflection.proto"]));
  const registry = Registry.from(files);
  for (const file of files) {
    const g = generateFile(file, registry, getDescriptorRegistry());
    const committed = readFileSync(fileURLToPath(new URL(`../../../grpc/src/gen/${g.name}`, import.meta.url)), "utf8");
    assert.equal(g.content, committed, g.name);
  }
});
