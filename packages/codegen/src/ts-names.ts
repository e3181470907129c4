import type { EnumInfo, MessageInfo, ServiceInfo } from "@tsgrpc/protobuf";

/** Names a generated module cannot export as they are: TypeScript keywords and globals it uses. */
const RESERVED = new Set([
  "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum", "export",
  "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null", "return", "super",
  "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with", "as", "implements", "interface",
  "let", "package", "private", "protected", "public", "static", "yield", "any", "boolean", "number", "string", "symbol",
  "type", "from", "of", "Object", "Array", "Map", "Set", "Uint8Array", "BigInt", "Error", "Promise", "Symbol", "JSON",
  "Number", "String", "Boolean", "Date", "Math",
]);

/** The exported name of a message, enum or service: its name within the file, nested names joined by `_`. */
export function tsName(info: MessageInfo | EnumInfo | ServiceInfo): string {
  const pkg = info.file.package ? info.file.package + "." : "";
  const name = info.typeName.slice(pkg.length).replace(/\./g, "_");
  return RESERVED.has(name) ? name + "$" : name;
}

/** A property access that works for any local name (they are identifiers, but may end in `$`). */
export function prop(obj: string, localName: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(localName) ? `${obj}.${localName}` : `${obj}[${JSON.stringify(localName)}]`;
}

/** lowerCamelCase of a method name, as client and server objects key it: `GetUser` -> `getUser`. */
export function methodLocalName(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** The generated module for a .proto file: `a/b.proto` -> `a/b_pb.ts` (imported as `a/b_pb.js`). */
export function generatedFileName(protoName: string): string {
  return protoName.replace(/\.proto$/, "") + "_pb.ts";
}

/** The import path from one generated module to another. */
export function relativeImport(from: string, to: string): string {
  const fromParts = generatedFileName(from).split("/").slice(0, -1);
  const toParts = generatedFileName(to).replace(/\.ts$/, ".js").split("/");
  let i = 0;
  while (i < fromParts.length && i < toParts.length - 1 && fromParts[i] === toParts[i]) i++;
  const up = fromParts.length - i;
  const rest = toParts.slice(i).join("/");
  return (up === 0 ? "./" : "../".repeat(up)) + rest;
}
