import type { EnumInfo, FileDescriptorProto, MessageInfo, ServiceInfo } from "@tsgrpc/protobuf";

/** Names a generated module cannot export as they are: TypeScript keywords and globals it uses. */
const RESERVED = new Set([
  "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum", "export",
  "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null", "return", "super",
  "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with", "as", "implements", "interface",
  "let", "package", "private", "protected", "public", "static", "yield", "any", "boolean", "number", "string", "symbol",
  "type", "from", "of", "await", "async", "never", "unknown", "object", "bigint", "undefined", "Object", "Array", "Map",
  "Set", "Uint8Array", "BigInt", "Error", "Promise", "Symbol", "JSON", "Number", "String", "Boolean", "Date", "Math",
  "Record", "Partial", "Readonly", "globalThis", "eval", "arguments",
  // The local variables of generated create, encodeTo and decodeFrom, which would hide a message of the same name.
  "m", "r", "w", "o", "k", "v", "x", "t", "init", "key", "value", "target", "group", "outer", "len", "end", "start", "tag",
]);

/** The name a message, enum or service would be exported under: its name within the file, nested names joined by
 * `_` (before the file's collisions are settled: see `ExportNames`). */
function baseName(info: MessageInfo | EnumInfo | ServiceInfo): string {
  const pkg = info.file.package ? info.file.package + "." : "";
  const name = info.typeName.slice(pkg.length).replace(/\./g, "_");
  return RESERVED.has(name) || /^o\d+$/.test(name) ? name + "$" : name; // o0, o1...: encodeTo's oneof locals
}

/** The export name of a file's descriptor: `file_` and its path, as protobuf-es names it (`file_google_protobuf_any`). */
function fileExportBase(fileName: string): string {
  return "file_" + fileName.replace(/\.proto$/, "").replace(/[^A-Za-z0-9_]/g, "_");
}

/**
 * Every name a file's module exports, made unique: a nested `Item.Condition` and a top-level `Item_Condition` both
 * want `Item_Condition`, and a message may be called `file_x`; the later one gets `$` appended (names in .proto files
 * cannot contain `$`, so an escaped name never meets another).
 */
export class ExportNames {
  private readonly byType = new Map<string, string>();
  readonly file: string;

  constructor(file: FileDescriptorProto, types: Array<MessageInfo | EnumInfo | ServiceInfo>) {
    const taken = new Set<string>();
    const claim = (want: string) => {
      let name = want;
      while (taken.has(name)) name += "$";
      taken.add(name);
      return name;
    };
    for (const t of types) this.byType.set(t.typeName, claim(baseName(t)));
    this.file = claim(fileExportBase(file.name!));
  }

  of(info: MessageInfo | EnumInfo | ServiceInfo): string {
    return this.byType.get(info.typeName) ?? baseName(info);
  }
}

/** A property access that works for any local name (they are identifiers, but may end in `$`). */
export function prop(obj: string, localName: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(localName) ? `${obj}.${localName}` : `${obj}[${JSON.stringify(localName)}]`;
}

/** A property key in an object literal or interface: quoted unless it is a plain identifier. */
export function key(localName: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(localName) ? localName : JSON.stringify(localName);
}

/** The generated module for a .proto file: `a/b.proto` -> `a/b_pb.ts` (imported as `a/b_pb.js`). */
export function generatedFileName(protoName: string): string {
  return protoName.replace(/\.proto$/, "") + "_pb.ts";
}

/** The import path from one generated module to another, with the given extension. */
export function relativeImport(from: string, to: string, extension = ".js"): string {
  const fromParts = generatedFileName(from).split("/").slice(0, -1);
  const toParts = generatedFileName(to).replace(/\.ts$/, extension).split("/");
  let i = 0;
  while (i < fromParts.length && i < toParts.length - 1 && fromParts[i] === toParts[i]) i++;
  const up = fromParts.length - i;
  const rest = toParts.slice(i).join("/");
  return (up === 0 ? "./" : "../".repeat(up)) + rest;
}
