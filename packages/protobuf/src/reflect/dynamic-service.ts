import { messageType } from "../message/dynamic-message-type.js";
import type { MethodDefinition, ServiceDefinition } from "./service-definition.js";
import { methodKind } from "./service-definition.js";
import type { Registry } from "./registry.js";
import type { ServiceInfo } from "./type-info.js";
import { methodLocalNamesOf } from "./names.js";

/** A ServiceDefinition for a service known only at run time (from a registry), with dynamic message types; with
 * `registry`, a server can answer reflection for it. */
export function createServiceDefinition(info: ServiceInfo, registry?: Registry): ServiceDefinition {
  const methods: Record<string, MethodDefinition> = {};
  const keys = methodLocalNamesOf(info.methods.map((m) => m.name));
  for (const [i, m] of info.methods.entries()) {
    const level = m.proto.options?.["idempotencyLevel"];
    methods[keys[i]!] = {
      name: m.name,
      path: m.path,
      kind: methodKind(m.clientStreaming, m.serverStreaming),
      input: messageType(m.input),
      output: messageType(m.output),
      ...(level === 1 || level === 2 ? { idempotent: true } : {}),
    };
  }
  return registry ? { typeName: info.typeName, methods, file: { proto: info.file, registry } } : { typeName: info.typeName, methods };
}
