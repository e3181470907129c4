import { FieldLabel, FieldType } from "@tsgrpc/protobuf";
import type { DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, MethodDescriptorProto, Registry, ServiceDescriptorProto } from "@tsgrpc/protobuf";

const SCALARS: Partial<Record<FieldType, string>> = {
  [FieldType.DOUBLE]: "double", [FieldType.FLOAT]: "float", [FieldType.INT64]: "int64", [FieldType.UINT64]: "uint64",
  [FieldType.INT32]: "int32", [FieldType.FIXED64]: "fixed64", [FieldType.FIXED32]: "fixed32", [FieldType.BOOL]: "bool",
  [FieldType.STRING]: "string", [FieldType.BYTES]: "bytes", [FieldType.UINT32]: "uint32", [FieldType.SFIXED32]: "sfixed32",
  [FieldType.SFIXED64]: "sfixed64", [FieldType.SINT32]: "sint32", [FieldType.SINT64]: "sint64",
};

/** A symbol of the registry (service, method, message or enum) printed as .proto text, or undefined if unknown. */
export function describeSymbol(registry: Registry, symbol: string): string | undefined {
  const name = symbol.replace(/^\./, "");
  const service = registry.getService(name);
  if (service) return `${name} is a service:\n${printService(service.proto, "")}`;
  const message = registry.getMessage(name);
  if (message) return `${name} is a message:\n${printMessage(message.proto, registry, name, "", message.file.syntax === "proto3")}`;
  const e = registry.getEnum(name);
  if (e) return `${name} is an enum:\n${printEnum(e.proto, "")}`;
  const dot = name.lastIndexOf(".");
  const owner = registry.getService(name.slice(0, dot));
  const method = owner?.proto.method.find((m) => m.name === name.slice(dot + 1));
  if (method) return `${name} is a method:\n${printMethod(method)}\n`;
  return undefined;
}

function printService(s: ServiceDescriptorProto, indent: string): string {
  return `${indent}service ${s.name} {\n${s.method.map((m) => `${indent}  ${printMethod(m)}\n`).join("")}${indent}}\n`;
}

export function printMethod(m: MethodDescriptorProto): string {
  const side = (streaming: boolean | undefined, type: string | undefined) => `${streaming ? "stream " : ""}${type}`;
  return `rpc ${m.name} ( ${side(m.clientStreaming, m.inputType)} ) returns ( ${side(m.serverStreaming, m.outputType)} );`;
}

function printEnum(e: EnumDescriptorProto, indent: string): string {
  return `${indent}enum ${e.name} {\n${e.value.map((v) => `${indent}  ${v.name} = ${v.number};\n`).join("")}${indent}}\n`;
}

function fieldType(f: FieldDescriptorProto, registry: Registry): string {
  if (f.type === FieldType.MESSAGE && f.label === FieldLabel.REPEATED) {
    const entry = registry.getMessage(f.typeName!);
    if (entry?.mapEntry) return `map<${fieldType(entry.proto.field[0]!, registry)}, ${fieldType(entry.proto.field[1]!, registry)}>`;
  }
  return SCALARS[f.type!] ?? f.typeName!;
}

function printField(f: FieldDescriptorProto, registry: Registry, proto3: boolean, indent: string): string {
  const type = fieldType(f, registry);
  const isMap = type.startsWith("map<");
  const label = isMap ? "" : f.label === FieldLabel.REPEATED ? "repeated " : f.label === FieldLabel.REQUIRED ? "required " : f.proto3Optional || !proto3 ? "optional " : "";
  const json = f.jsonName && f.jsonName !== f.name!.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) ? ` [json_name = "${f.jsonName}"]` : "";
  return `${indent}${label}${type} ${f.name} = ${f.number}${json};\n`;
}

function printMessage(m: DescriptorProto, registry: Registry, fullName: string, indent: string, proto3: boolean): string {
  const inner = indent + "  ";
  let out = `${indent}message ${m.name} {\n`;
  const inOneof = new Map<number, FieldDescriptorProto[]>();
  for (const f of m.field) {
    if (f.oneofIndex !== undefined && !f.proto3Optional) {
      const list = inOneof.get(f.oneofIndex) ?? [];
      if (!list.length) inOneof.set(f.oneofIndex, list);
      list.push(f);
    }
  }
  const printedOneofs = new Set<number>();
  for (const f of m.field) {
    if (f.oneofIndex !== undefined && !f.proto3Optional) {
      if (printedOneofs.has(f.oneofIndex)) continue;
      printedOneofs.add(f.oneofIndex);
      out += `${inner}oneof ${m.oneofDecl[f.oneofIndex]!.name} {\n`;
      for (const member of inOneof.get(f.oneofIndex)!) out += printField({ ...member, label: FieldLabel.OPTIONAL, proto3Optional: false }, registry, true, inner + "  ");
      out += `${inner}}\n`;
    } else out += printField(f, registry, proto3, inner);
  }
  for (const n of m.nestedType) if (!n.options?.["mapEntry"]) out += printMessage(n, registry, `${fullName}.${n.name}`, inner, proto3);
  for (const e of m.enumType) out += printEnum(e, inner);
  return out + `${indent}}\n`;
}
