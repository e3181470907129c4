// Regenerates the code tsgrpc's own packages carry, from the schemas they carry:
// - packages/protobuf/src/descriptor/descriptor-proto.ts, the runtime's copy of descriptor.proto
//   (from packages/compiler/proto/google/protobuf/descriptor.proto);
// - packages/grpc/src/gen/, google.rpc.Status, the standard error details and grpc.health.v1 (from packages/grpc/proto).
// Tests fail when the committed files drift from what this writes.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Compiler } from "@tsgrpc/compiler";
import { descriptorLiteralModule, generateFile } from "@tsgrpc/codegen";
import { getDescriptorRegistry, Registry } from "@tsgrpc/protobuf";

const root = fileURLToPath(new URL("..", import.meta.url));
const write = (path, content) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  console.log(`wrote ${path}`);
};

const [descriptor] = new Compiler().compile(["google/protobuf/descriptor.proto"]);
write(join(root, "packages/protobuf/src/descriptor/descriptor-proto.ts"), descriptorLiteralModule(descriptor));

const rpc = new Compiler({ includePaths: [join(root, "packages/grpc/proto")] });
const files = rpc.withImports(rpc.compile(["google/rpc/status.proto", "google/rpc/error_details.proto", "grpc/health/v1/health.proto", "grpc/reflection/v1/reflection.proto", "grpc/reflection/v1alpha/reflection.proto"]));
const registry = Registry.from(files);
for (const file of files) {
  const g = generateFile(file, registry, getDescriptorRegistry());
  write(join(root, "packages/grpc/src/gen", g.name), g.content);
}
