import type { DescriptorProto, EnumDescriptorProto, EnumInfo, FileDescriptorProto, MessageInfo, Registry, ServiceInfo } from "@tsgrpc/protobuf";

/** A message or enum of a file with its source path (for comments), in the order the module declares them. */
export type Declared = { info: MessageInfo; path: number[] } | { info: EnumInfo; path: number[] };

/** The messages (map entries left out) and enums a file declares, each scope's enums before its messages, each
 * message followed by its nested types. */
export function declaredTypes(file: FileDescriptorProto, registry: Registry): Declared[] {
  const out: Declared[] = [];
  const walk = (scope: string, messages: DescriptorProto[], enums: EnumDescriptorProto[], path: number[], msgField: number, enumField: number) => {
    enums.forEach((e, i) => out.push({ info: registry.getEnum(`${scope}${e.name}`)!, path: [...path, enumField, i] }));
    messages.forEach((m, i) => {
      const info = registry.getMessage(`${scope}${m.name}`)!;
      if (info.mapEntry) return;
      out.push({ info, path: [...path, msgField, i] });
      walk(`${info.typeName}.`, m.nestedType, m.enumType, [...path, msgField, i], 3, 4);
    });
  };
  walk(file.package ? `${file.package}.` : "", file.messageType, file.enumType, [], 4, 5);
  return out;
}

/** A file's services, in declaration order. */
export function declaredServices(file: FileDescriptorProto, registry: Registry): ServiceInfo[] {
  return file.service.map((s) => registry.getService(`${file.package ? file.package + "." : ""}${s.name}`)!);
}

/** Everything a file's module exports by name, in a fixed order (that order settles name collisions). */
export function exportedTypes(file: FileDescriptorProto, registry: Registry): Array<MessageInfo | EnumInfo | ServiceInfo> {
  return [...declaredTypes(file, registry).map((d) => d.info), ...declaredServices(file, registry)];
}
