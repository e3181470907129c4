import { GrpcError, Status } from "@tsgrpc/grpc";
import type { Channel } from "@tsgrpc/grpc";
import { dynamicService } from "@tsgrpc/protobuf";
import type { MethodDefinition, Registry, ServiceDefinition } from "@tsgrpc/protobuf";
import { didYouMean } from "./close-names.js";
import { schemaFor } from "./reflect-commands.js";
import { ReflectionClient } from "./reflection-client.js";

/** A method named on the command line, with the schema it came from. */
export interface MethodTarget {
  service: ServiceDefinition;
  /** The method's key in `service.methods` (and on a client). */
  localName: string;
  method: MethodDefinition;
  registry: Registry;
}

/**
 * Finds "pkg.Service/Method" (grpcurl's form) or "pkg.Service.Method" through reflection, or in the --proto files;
 * NOT_FOUND with close names suggested when the service or the method is not there.
 */
export async function resolveMethod(channel: Channel, methodPath: string, flags: Map<string, string | true>, includes: string[]): Promise<MethodTarget> {
  const path = methodPath.replace(/^\//, "");
  const cut = path.includes("/") ? path.lastIndexOf("/") : path.lastIndexOf(".");
  const serviceName = path.slice(0, cut);
  const methodName = path.slice(cut + 1);
  const reflection = new ReflectionClient(channel);
  const registry = await schemaFor(serviceName, flags, includes, reflection).catch(async (e: unknown) => {
    if (e instanceof GrpcError && e.code === Status.NOT_FOUND) {
      const services = typeof flags.get("proto") === "string" ? [] : await reflection.listServices().catch(() => []);
      throw new GrpcError(Status.NOT_FOUND, `Service "${serviceName}" not found.${didYouMean(serviceName, services)}`);
    }
    throw e;
  });
  const info = registry.getService(serviceName);
  if (!info) throw new GrpcError(Status.NOT_FOUND, `Service "${serviceName}" not found.${didYouMean(serviceName, [...registry.services.keys()])}`);
  const service = dynamicService(info, registry);
  const entry = Object.entries(service.methods).find(([, m]) => m.name === methodName);
  if (!entry) throw new GrpcError(Status.NOT_FOUND, `Method "${methodName}" not found in ${serviceName}.${didYouMean(methodName, info.methods.map((m) => m.name))}`);
  const [localName, method] = entry as [string, MethodDefinition];
  return { service, localName, method, registry };
}
