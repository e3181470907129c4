import { FieldLabel, FieldType } from "@tsgrpc/protobuf";
import type { DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto, SymbolVisibility } from "@tsgrpc/protobuf";
import { pendingOptions } from "../parsed-options.js";

/** Empty descriptors, every repeated field present: what the parser fills in. */
export function newFile(name: string): FileDescriptorProto {
  return { name, dependency: [], publicDependency: [], weakDependency: [], messageType: [], enumType: [], service: [], extension: [], optionDependency: [] };
}
export function newMessage(visibility?: SymbolVisibility): DescriptorProto {
  const m: DescriptorProto = { field: [], extension: [], nestedType: [], enumType: [], extensionRange: [], oneofDecl: [], reservedRange: [], reservedName: [] };
  if (visibility !== undefined) m.visibility = visibility;
  return m;
}
export function newEnum(visibility?: SymbolVisibility): EnumDescriptorProto {
  const e: EnumDescriptorProto = { value: [], reservedRange: [], reservedName: [] };
  if (visibility !== undefined) e.visibility = visibility;
  return e;
}

/** An integer token (decimal, 0x hex or 0 octal) as a bigint. */
export function parseIntegerToken(text: string): bigint {
  // A half-token the tokenizer has already reported ("0x", "09") reads as far as it goes instead of throwing.
  if (/^0[xX]/.test(text)) return text.length > 2 ? BigInt(text) : 0n;
  if (text.length > 1 && text[0] === "0") return BigInt(/^0[0-7]+$/.test(text) ? "0o" + text.slice(1) : text);
  return BigInt(text);
}

/** A float token as a number ("1e" and similar half-tokens, which the tokenizer reported, read as far as they go). */
export function parseFloatToken(text: string): number {
  const n = Number(text);
  if (!Number.isNaN(n)) return n;
  return parseFloat(text);
}

export function isMessageSetWireFormat(m: DescriptorProto): boolean {
  return pendingOptions(m).some((o) => o.name.length === 1 && o.name[0]!.part === "message_set_wire_format" && o.identifier === "true");
}

/** protoc's name for a map field's entry message: the field name in UpperCamelCase, plus "Entry". */
function mapEntryName(fieldName: string): string {
  let out = "";
  let capNext = true;
  for (const c of fieldName) {
    if (c === "_") capNext = true;
    else if (capNext) {
      out += c >= "a" && c <= "z" ? c.toUpperCase() : c;
      capNext = false;
    } else out += c;
  }
  return out + "Entry";
}

export function generateMapEntry(map: { key: [FieldType | undefined, string]; value: [FieldType | undefined, string] }, field: FieldDescriptorProto, messages: DescriptorProto[]): void {
  const entry = newMessage();
  const name = mapEntryName(field.name!);
  field.typeName = name;
  entry.name = name;
  entry.options = { mapEntry: true };
  const make = (fieldName: string, number: number, [type, typeName]: [FieldType | undefined, string]): FieldDescriptorProto => {
    const f: FieldDescriptorProto = { name: fieldName, number, label: FieldLabel.OPTIONAL };
    if (typeName === "") f.type = type;
    else f.typeName = typeName;
    return f;
  };
  const key = make("key", 1, map.key);
  const value = make("value", 2, map.value);
  entry.field.push(key, value);
  for (const o of pendingOptions(field)) {
    if (o.name.length === 1 && o.name[0]!.part === "enforce_utf8" && !o.name[0]!.isExtension) {
      if (key.type === FieldType.STRING) pendingOptions(key).push({ ...o, path: [] });
      if (value.type === FieldType.STRING) pendingOptions(value).push({ ...o, path: [] });
    }
    // As protoc: the map field's features are the entry's key's and value's too (an entry inherits nothing else).
    if (o.name[0]!.part === "features" && !o.name[0]!.isExtension) {
      pendingOptions(key).push({ ...o, path: [] });
      pendingOptions(value).push({ ...o, path: [] });
    }
  }
  messages.push(entry);
}

/** proto3 `optional` fields each get a one-field oneof, named `_name` (prefixed with X until unique). */
export function generateSyntheticOneofs(message: DescriptorProto): void {
  const names = new Set<string>([...message.field.map((f) => f.name!), ...message.oneofDecl.map((o) => o.name!)]);
  for (const f of message.field) {
    if (!f.proto3Optional) continue;
    let name = f.name ?? ""; // no name when the field failed to parse (reported already)
    if (!name.startsWith("_")) name = "_" + name;
    while (names.has(name)) name = "X" + name;
    names.add(name);
    f.oneofIndex = message.oneofDecl.length;
    message.oneofDecl.push({ name });
  }
}

