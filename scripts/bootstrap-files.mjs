// The code tsgrpc's own packages carry, generated from the schemas they carry. `npm run gen:bootstrap` writes these
// files; packages/codegen/test/bootstrap.test.ts fails when the committed copies drift from them.
// - packages/protobuf/src/descriptor/descriptor-proto.ts: the runtime's copy of descriptor.proto as a literal, which
//   is how the runtime reads the descriptors generated modules embed;
// - packages/protobuf/src/wkt/gen/: the well-known types, which `@tsgrpc/protobuf/wkt` exports;
// - packages/grpc/src/gen/: google.rpc (status, error details, codes; `@tsgrpc/grpc/rpc`), google.api (HTTP rules
//   for REST routes, HttpBody), grpc.health.v1 and
//   grpc.reflection v1 and v1alpha, and tsgrpc.admin.v1.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Compiler } from "@tsgrpc/compiler";
import { descriptorLiteralModule, generateFile } from "@tsgrpc/codegen";
import { getDescriptorRegistry, Registry } from "@tsgrpc/protobuf/codegen-support";

const root = fileURLToPath(new URL("..", import.meta.url));
const WKT = ["any", "api", "descriptor", "duration", "empty", "field_mask", "source_context", "struct", "timestamp", "type", "wrappers"].map((n) => `google/protobuf/${n}.proto`);
const GRPC = ["google/rpc/status.proto", "google/rpc/error_details.proto", "google/rpc/code.proto", "google/api/http.proto", "google/api/annotations.proto", "google/api/httpbody.proto", "grpc/health/v1/health.proto", "grpc/reflection/v1/reflection.proto", "grpc/reflection/v1alpha/reflection.proto", "tsgrpc/admin/v1/admin.proto"];

/** Every bootstrap file: its path from the repository root, and its content. */
export function bootstrapFiles() {
  const out = [];
  const [descriptor] = new Compiler().compile(["google/protobuf/descriptor.proto"]);
  out.push({ path: "packages/protobuf/src/descriptor/descriptor-proto.ts", content: descriptorLiteralModule(descriptor) });

  const generate = (compiler, names, dir, options) => {
    const files = compiler.withImports(compiler.compile(names));
    const registry = Registry.from(files);
    for (const file of files.filter((f) => names.includes(f.name))) {
      const g = generateFile(file, registry, getDescriptorRegistry(), options);
      out.push({ path: join(dir, g.name), content: g.content });
    }
  };
  // A package cannot import itself by name while it is being built: the well-known types import their support and
  // each other by relative path (they sit four folders below src/), and google.rpc's modules each other likewise.
  const alongside = (names) => Object.fromEntries(names.map((n) => [n, null]));
  generate(new Compiler(), WKT, "packages/protobuf/src/wkt/gen", { runtimeModule: "../../../../codegen-support.js", modules: alongside(WKT) });
  generate(new Compiler({ includePaths: [join(root, "packages/grpc/proto")] }), GRPC, "packages/grpc/src/gen", { modules: alongside(GRPC) });
  return out;
}
