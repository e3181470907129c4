import type { MethodDefinition, ServiceDefinition } from "@tsgrpc/protobuf";

/** google.protobuf.MethodOptions.IdempotencyLevel.NO_SIDE_EFFECTS */
const NO_SIDE_EFFECTS = 1;

/**
 * Whether a method is marked `option idempotency_level = NO_SIDE_EFFECTS` (MethodDefinition's `idempotent` also
 * covers IDEMPOTENT, which Connect's GET must not serve): read from the service's file descriptor; a service without
 * one has no such method.
 */
export function hasNoSideEffects(service: ServiceDefinition, method: MethodDefinition): boolean {
  const proto = service.file?.proto;
  if (!proto || !method.idempotent) return false;
  const name = proto.package ? service.typeName.slice(proto.package.length + 1) : service.typeName;
  const options = proto.service.find((s) => s.name === name)?.method.find((m) => m.name === method.name)?.options;
  return options?.["idempotencyLevel"] === NO_SIDE_EFFECTS;
}
