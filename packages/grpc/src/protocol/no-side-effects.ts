import type { FileDescriptorProto, MethodDefinition, ServiceDefinition } from "@tsgrpc/protobuf";

/** google.protobuf.MethodOptions.IdempotencyLevel.NO_SIDE_EFFECTS */
const NO_SIDE_EFFECTS = 1;

/** Whether `file` declares the method at `path` (`/package.Service/Method`) with `idempotency_level = NO_SIDE_EFFECTS`. */
function markedInFile(file: FileDescriptorProto, path: string): boolean {
  const [, serviceName = "", methodName] = path.split("/");
  const prefix = file.package ? `${file.package}.` : "";
  if (!serviceName.startsWith(prefix)) return false;
  const service = file.service.find((s) => s.name === serviceName.slice(prefix.length));
  return service?.method.find((m) => m.name === methodName)?.options?.["idempotencyLevel"] === NO_SIDE_EFFECTS;
}

/**
 * Whether a method is marked `option idempotency_level = NO_SIDE_EFFECTS` (MethodDefinition's `idempotent` also covers
 * IDEMPOTENT, which Connect's GET must not serve), read from the service's file descriptor; a service without one has
 * no such method.
 */
export function hasNoSideEffects(service: ServiceDefinition, method: MethodDefinition): boolean {
  const file = service.file?.proto;
  return file !== undefined && method.idempotent === true && markedInFile(file, method.path);
}

/**
 * The same for a method alone (a client transport sees no service): looked up in the file of its request type, where
 * a service usually declares its messages; false, so a POST, when the method is declared elsewhere.
 */
export function methodHasNoSideEffects(method: MethodDefinition): boolean {
  return method.idempotent === true && markedInFile(method.input.info.file, method.path);
}
