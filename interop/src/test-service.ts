import { existsSync } from "node:fs";
import { Compiler } from "@tsgrpc/compiler";
import { createServiceDefinition } from "@tsgrpc/protobuf";
import { Registry } from "@tsgrpc/protobuf/codegen-support";
import type { ServiceDefinition } from "@tsgrpc/protobuf";

/**
 * The official interop schemas (grpc/testing/test.proto, messages.proto, empty.proto) are read where Debian's
 * grpc-proto package puts them, or from the folder in TSGRPC_INTEROP_PROTOS, and compiled by tsgrpc's own compiler.
 */
export const DEFAULT_PROTO_ROOT = "/usr/share/grpc-proto";

export interface InteropSchemas {
  TestService: ServiceDefinition;
  UnimplementedService: ServiceDefinition;
  registry: Registry;
}

export function protoRoot(): string | undefined {
  const root = process.env["TSGRPC_INTEROP_PROTOS"] ?? DEFAULT_PROTO_ROOT;
  return existsSync(`${root}/grpc/testing/test.proto`) ? root : undefined;
}

export function loadInteropSchemas(root = protoRoot()): InteropSchemas {
  if (!root) throw new Error(`grpc/testing/test.proto not found: install Debian's grpc-proto, or set TSGRPC_INTEROP_PROTOS`);
  const compiler = new Compiler({ includePaths: [root] });
  const registry = Registry.from(compiler.withImports(compiler.compile(["grpc/testing/test.proto"])));
  return {
    TestService: createServiceDefinition(registry.getService("grpc.testing.TestService")!),
    UnimplementedService: createServiceDefinition(registry.getService("grpc.testing.UnimplementedService")!),
    registry,
  };
}
