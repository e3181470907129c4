import type { EnumInfo, FieldInfo, MessageInfo } from "@tsgrpc/protobuf";
import type { CodeWriter } from "./code-writer.js";
import type { Comments } from "./comments.js";
import { initialValue, valueType, writeDecode, writeEncode } from "./field-code.js";
import { tsName } from "./ts-names.js";

export interface TypeRefs {
  /** The expression naming a message's or enum's generated export (imported ones are qualified). */
  ref(info: MessageInfo | EnumInfo): string;
}

function fieldType(f: FieldInfo, refs: TypeRefs): string {
  const typeRef = (x: FieldInfo) => refs.ref(x.message ?? x.enum!);
  if (f.map) return `{ [key: string]: ${valueType(f.map.value, typeRef)} }`;
  const v = valueType(f, typeRef);
  return f.repeated ? `${v}[]` : v;
}

/** An enum: a TypeScript enum with the .proto's names and numbers. */
export function generateEnum(out: CodeWriter, e: EnumInfo, comments: Comments, path: number[]): void {
  comments.write(out, path, `@generated from enum ${e.typeName}`);
  out.block(`export enum ${tsName(e)} {`, () => {
    e.proto.value.forEach((v, i) => {
      comments.write(out, [...path, 2, i]);
      out.line(`${v.name} = ${v.number},`);
    });
  });
  out.line();
}

/**
 * A message: its interface (plain object shape) and its MessageType constant, with straight-line encodeTo and
 * decodeFrom: no descriptor walk on the hot path.
 */
export function generateMessage(out: CodeWriter, m: MessageInfo, refs: TypeRefs, comments: Comments, path: number[]): void {
  const name = tsName(m);
  const typeRef = (f: FieldInfo) => refs.ref(f.message ?? f.enum!);
  const byNumber = [...m.fields].sort((a, b) => a.no - b.no);
  comments.write(out, path, `@generated from message ${m.typeName}`);
  out.block(`export interface ${name} {`, () => {
    m.fields.forEach((f) => {
      comments.write(out, [...path, 2, m.proto.field.indexOf(f.proto)]);
      const optional = f.explicitPresence && !f.repeated ? "?" : "";
      out.line(`${f.localName}${optional}: ${fieldType(f, refs)};`);
    });
  });
  out.line();
  const defaults = `{ ${m.fields.map((f) => `${f.localName}: ${initialValue(f)}`).join(", ")} }`;
  const closedEnumCheck = (f: FieldInfo) => (f.enum?.closed ? `${refs.ref(f.enum)}[v] !== undefined` : undefined);
  out.block(`export const ${name}: MessageType<${name}> = messageType<${name}>($file.message(${JSON.stringify(m.typeName)}), {`, () => {
    out.block(`create(init?: Partial<${name}>): ${name} {`, () => {
      out.line(`const m: ${name} = ${defaults};`);
      out.line("if (init !== undefined) assignDefined(m, init);");
      out.line("return m;");
    }, "},");
    out.block(`encodeTo(m: ${name}, w: BinaryWriter): void {`, () => {
      for (const f of byNumber) writeEncode(out, f, typeRef);
      out.line("writeUnknown(m, w);");
    }, "},");
    out.block(`decodeFrom(r: BinaryReader, target?: ${name}, group = 0): ${name} {`, () => {
      out.line(`const m: ${name} = target ?? ${defaults};`);
      out.line("const end = r.end;");
      out.block("while (r.pos < end) {", () => {
        out.line("const start = r.pos;");
        out.line("const tag = r.tag();");
        out.block("switch (tag) {", () => {
          for (const f of byNumber) writeDecode(out, f, typeRef, closedEnumCheck);
          out.line("default:");
          out.line("  if (skipField(r, tag, start, m, group)) return m;");
        });
      });
      out.line("if (group !== 0) throw new DecodeError(`group ${group} is missing its end tag`);");
      out.line("return m;");
    }, "},");
  }, "});");
  out.line();
}
