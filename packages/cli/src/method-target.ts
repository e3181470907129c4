import { GrpcError, Status } from "@tsgrpc/grpc";
import { createServiceDefinition } from "@tsgrpc/protobuf";
import type { MethodDefinition, Registry, ServiceDefinition } from "@tsgrpc/protobuf";
import { didYouMean } from "@tsgrpc/compiler";
import type { SchemaSource } from "./schema-source.js";

/** A method named on the command line, with the schema it came from. */
export interface MethodTarget {
  service: ServiceDefinition;
  /** The method's key in `service.methods` (and on a client). */
  localName: string;
  method: MethodDefinition;
  registry: Registry;
}

/**
 * Finds "pkg.Service/Method" (grpcurl's form) or "pkg.Service.Method" in the schema (reflection or --proto files);
 * NOT_FOUND with close names suggested when the service or the method is not there.
 */
export async function resolveMethod(schema: SchemaSource, methodPath: string): Promise<MethodTarget> {
  const path = methodPath.replace(/^\//, "");
  const cut = path.includes("/") ? path.lastIndexOf("/") : path.lastIndexOf(".");
  const serviceName = path.slice(0, cut);
  const methodName = path.slice(cut + 1);
  const registry = await schema.lookup(serviceName);
  const info = registry?.getService(serviceName);
  if (!registry || !info) throw new GrpcError(Status.NOT_FOUND, `Service "${serviceName}" not found.${didYouMean(serviceName, await schema.serviceNames().catch(() => []))}`);
  const service = createServiceDefinition(info, registry);
  const entry = Object.entries(service.methods).find(([, m]) => m.name === methodName);
  if (!entry) throw new GrpcError(Status.NOT_FOUND, `Method "${methodName}" not found in ${serviceName}.${didYouMean(methodName, info.methods.map((m) => m.name))}`);
  const [localName, method] = entry as [string, MethodDefinition];
  return { service, localName, method, registry };
}
