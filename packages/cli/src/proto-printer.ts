import { FieldLabel, FieldType, SymbolVisibility } from "@tsgrpc/protobuf";
import { editionName } from "@tsgrpc/protobuf/codegen-support";
import { featureOptionTexts } from "@tsgrpc/compiler";
import type { DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto, MethodDescriptorProto, Registry, ServiceDescriptorProto } from "@tsgrpc/protobuf";

const SCALARS: Partial<Record<FieldType, string>> = {
  [FieldType.DOUBLE]: "double", [FieldType.FLOAT]: "float", [FieldType.INT64]: "int64", [FieldType.UINT64]: "uint64",
  [FieldType.INT32]: "int32", [FieldType.FIXED64]: "fixed64", [FieldType.FIXED32]: "fixed32", [FieldType.BOOL]: "bool",
  [FieldType.STRING]: "string", [FieldType.BYTES]: "bytes", [FieldType.UINT32]: "uint32", [FieldType.SFIXED32]: "sfixed32",
  [FieldType.SFIXED64]: "sfixed64", [FieldType.SINT32]: "sint32", [FieldType.SINT64]: "sint64",
};

/** What printing depends on beyond the element: the registry (map entries, feature extensions) and the file's syntax. */
interface Context {
  registry: Registry;
  syntax: "proto2" | "proto3" | "editions";
}

function contextOf(registry: Registry, file: FileDescriptorProto): Context {
  return { registry, syntax: file.syntax === "editions" ? "editions" : file.syntax === "proto3" ? "proto3" : "proto2" };
}

/** The line a file's syntax is declared with: `syntax = "proto3";` or `edition = "2023";`. */
function syntaxLine(file: FileDescriptorProto): string {
  return file.syntax === "editions" ? `edition = "${editionName(file.edition ?? 0)}";\n` : `syntax = "${file.syntax || "proto2"}";\n`;
}

/**
 * A symbol of the registry (service, method, message or enum) printed as .proto text, or undefined if unknown. A
 * symbol of an editions file starts with its `edition = "...";` line, which says what its fields' presence is.
 */
export function describeSymbol(registry: Registry, symbol: string): string | undefined {
  const name = symbol.replace(/^\./, "");
  const service = registry.getService(name);
  if (service) return `${name} is a service:\n${editionHeader(service.file)}${printService(service.proto, "", contextOf(registry, service.file))}`;
  const message = registry.getMessage(name);
  if (message) return `${name} is a message:\n${editionHeader(message.file)}${printMessage(message.proto, "", contextOf(registry, message.file))}`;
  const e = registry.getEnum(name);
  if (e) return `${name} is an enum:\n${editionHeader(e.file)}${printEnum(e.proto, "", contextOf(registry, e.file))}`;
  const dot = name.lastIndexOf(".");
  const owner = registry.getService(name.slice(0, dot));
  const method = owner?.proto.method.find((m) => m.name === name.slice(dot + 1));
  if (method) return `${name} is a method:\n${printMethod(method)}\n`;
  return undefined;
}

function editionHeader(file: FileDescriptorProto): string {
  return file.syntax === "editions" ? `${syntaxLine(file)}\n` : "";
}

/** A whole file as .proto text: syntax or edition, package, imports (`public`, `weak`, `option`), features, types. */
export function printFile(file: FileDescriptorProto, registry: Registry): string {
  const ctx = contextOf(registry, file);
  const sections: string[] = [syntaxLine(file)];
  if (file.package) sections.push(`package ${file.package};\n`);
  const imports = file.dependency.map((d, i) => {
    const kind = file.publicDependency.includes(i) ? "public " : file.weakDependency.includes(i) ? "weak " : "";
    return `import ${kind}"${d}";\n`;
  });
  imports.push(...file.optionDependency.map((d) => `import option "${d}";\n`));
  if (imports.length) sections.push(imports.join(""));
  const options = optionStatements(file.options, "", ctx);
  if (options) sections.push(options);
  for (const m of file.messageType) sections.push(printMessage(m, "", ctx));
  for (const e of file.enumType) sections.push(printEnum(e, "", ctx));
  for (const s of file.service) sections.push(printService(s, "", ctx));
  sections.push(...printExtensions(file.extension, "", ctx));
  return sections.join("\n");
}

/** `option features.x = Y;` lines for the features an element's options set. */
function optionStatements(options: FieldDescriptorProto["options"], indent: string, ctx: Context): string {
  return featureOptionTexts(options, ctx.registry).map((t) => `${indent}option ${t};\n`).join("");
}

function visibilityKeyword(element: { visibility?: SymbolVisibility | undefined }): string {
  return element.visibility === SymbolVisibility.EXPORT ? "export " : element.visibility === SymbolVisibility.LOCAL ? "local " : "";
}

function printService(s: ServiceDescriptorProto, indent: string, ctx: Context): string {
  return `${indent}service ${s.name} {\n${optionStatements(s.options, indent + "  ", ctx)}${s.method.map((m) => `${indent}  ${printMethod(m)}\n`).join("")}${indent}}\n`;
}

export function printMethod(m: MethodDescriptorProto): string {
  const side = (streaming: boolean | undefined, type: string | undefined) => `${streaming ? "stream " : ""}${type}`;
  return `rpc ${m.name} ( ${side(m.clientStreaming, m.inputType)} ) returns ( ${side(m.serverStreaming, m.outputType)} );`;
}

function printEnum(e: EnumDescriptorProto, indent: string, ctx: Context): string {
  const values = e.value.map((v) => `${indent}  ${v.name} = ${v.number}${bracketed(featureOptionTexts(v.options, ctx.registry))};\n`).join("");
  return `${indent}${visibilityKeyword(e)}enum ${e.name} {\n${optionStatements(e.options, indent + "  ", ctx)}${values}${indent}}\n`;
}

function bracketed(options: string[]): string {
  return options.length ? ` [${options.join(", ")}]` : "";
}

function fieldType(f: FieldDescriptorProto, registry: Registry): string {
  if (f.type === FieldType.MESSAGE && f.label === FieldLabel.REPEATED) {
    const entry = registry.getMessage(f.typeName!);
    if (entry?.mapEntry) return `map<${fieldType(entry.proto.field[0]!, registry)}, ${fieldType(entry.proto.field[1]!, registry)}>`;
  }
  return SCALARS[f.type!] ?? f.typeName!;
}

/**
 * The label a field is written with: none for maps; under editions only `repeated` (presence is a feature there);
 * in proto3 `optional` only for explicit presence; in proto2 always one.
 */
function labelOf(f: FieldDescriptorProto, ctx: Context): string {
  if (f.label === FieldLabel.REPEATED) return "repeated ";
  if (ctx.syntax === "editions") return "";
  if (f.label === FieldLabel.REQUIRED) return "required ";
  return f.proto3Optional || ctx.syntax === "proto2" ? "optional " : "";
}

function printField(f: FieldDescriptorProto, ctx: Context, indent: string): string {
  const type = fieldType(f, ctx.registry);
  const label = type.startsWith("map<") ? "" : labelOf(f, ctx);
  const options: string[] = [];
  if (f.defaultValue !== undefined) options.push(`default = ${f.type === FieldType.STRING ? JSON.stringify(f.defaultValue) : f.type === FieldType.BYTES ? `"${f.defaultValue}"` : f.defaultValue}`);
  if (f.jsonName && f.jsonName !== f.name!.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())) options.push(`json_name = "${f.jsonName}"`);
  const features = featureOptionTexts(f.options, ctx.registry);
  // A delimited field as written under editions: a message field with its encoding feature (descriptors from some
  // tools report it as TYPE_GROUP instead of the feature).
  if (ctx.syntax === "editions" && f.type === FieldType.GROUP && !features.some((t) => t.startsWith("features.message_encoding"))) {
    features.push("features.message_encoding = DELIMITED");
  }
  options.push(...features);
  return `${indent}${label}${type} ${f.name} = ${f.number}${bracketed(options)};\n`;
}

function printMessage(m: DescriptorProto, indent: string, ctx: Context): string {
  const inner = indent + "  ";
  let out = `${indent}${visibilityKeyword(m)}message ${m.name} {\n${optionStatements(m.options, inner, ctx)}`;
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
      for (const member of inOneof.get(f.oneofIndex)!) out += printField({ ...member, label: FieldLabel.OPTIONAL, proto3Optional: false }, { ...ctx, syntax: ctx.syntax === "proto2" ? "proto3" : ctx.syntax }, inner + "  ");
      out += `${inner}}\n`;
    } else out += printField(f, ctx, inner);
  }
  for (const n of m.nestedType) if (!n.options?.["mapEntry"]) out += printMessage(n, inner, ctx);
  for (const e of m.enumType) out += printEnum(e, inner, ctx);
  out += printExtensions(m.extension, inner, ctx).join("");
  return out + `${indent}}\n`;
}

/** Extensions grouped into `extend` blocks by the message they extend, in the order they were declared. */
function printExtensions(extensions: FieldDescriptorProto[], indent: string, ctx: Context): string[] {
  const byExtendee = new Map<string, FieldDescriptorProto[]>();
  for (const x of extensions) {
    const list = byExtendee.get(x.extendee!) ?? [];
    if (!list.length) byExtendee.set(x.extendee!, list);
    list.push(x);
  }
  return [...byExtendee].map(([extendee, fields]) => `${indent}extend ${extendee} {\n${fields.map((f) => printField(f, ctx, indent + "  ")).join("")}${indent}}\n`);
}
