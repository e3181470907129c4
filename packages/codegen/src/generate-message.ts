import type { FieldInfo, MessageInfo } from "@tsgrpc/protobuf";
import { isOneof, membersOf } from "@tsgrpc/protobuf/codegen-support";
import type { CodeWriter } from "./code-writer.js";
import type { Comments } from "./comments.js";
import { initialValue, oneofVar, valueType, writeDecode, writeEncode, writeInit, writeOneofInit, type TypeRef } from "./field-code.js";
import { key, prop } from "./ts-names.js";


function fieldType(f: FieldInfo, typeRef: TypeRef): string {
  if (f.map) return `{ [key: string]: ${valueType(f.map.value, typeRef)} }`;
  const v = valueType(f, typeRef);
  return f.repeated ? `${v}[]` : v;
}

const deprecated = (f: FieldInfo) => f.proto.options?.["deprecated"] === true;

/**
 * Above this many fields, `create` and `encodeTo` are left to the runtime's descriptor walk: a straight line of
 * thousands of branches is more than tsc's control flow analysis takes ("too large", TS2563), and such messages are
 * rare enough that their speed matters less than their compiling.
 */
const STRAIGHT_LINE_FIELDS = 200;

/**
 * A message: its interface (a plain object shape, branded with its type name) and its MessageType constant, with
 * straight-line create, encodeTo and decodeFrom: no descriptor walk on the hot path.
 */
export function generateMessage(out: CodeWriter, m: MessageInfo, name: string, fileExport: string, typeRef: TypeRef, comments: Comments, path: number[], fileDeprecated: boolean): void {
  const members = membersOf(m); // the property order the runtime's createDynamic gives too
  const fieldPath = (f: FieldInfo) => [...path, 2, m.proto.field.indexOf(f.proto)];
  const byNumber = [...m.fields].sort((a, b) => a.no - b.no);
  const oneofs = m.oneofs;
  const oneofIndex = (f: FieldInfo) => oneofs.indexOf(f.oneof!);

  comments.write(out, path, { generatedFrom: `message ${m.typeName}`, deprecated: fileDeprecated || m.proto.options?.["deprecated"] === true });
  out.block(`export interface ${name} extends $Message<${JSON.stringify(m.typeName)}> {`, () => {
    for (const member of members) {
      if (isOneof(member)) {
        const index = m.proto.oneofDecl.findIndex((o) => o.name === member.name);
        comments.write(out, [...path, 8, index], { generatedFrom: `oneof ${m.typeName}.${member.name}` });
        out.line(`${key(member.localName)}:`);
        for (const f of member.fields) {
          out.block("| {", () => {
            comments.write(out, fieldPath(f), { deprecated: deprecated(f) });
            out.line(`case: ${JSON.stringify(f.localName)};`);
            out.line(`value: ${fieldType(f, typeRef)};`);
          });
        }
        out.line("| { case: undefined; value?: undefined };");
        continue;
      }
      comments.write(out, fieldPath(member), { deprecated: deprecated(member) });
      const optional = member.explicitPresence && !member.repeated;
      out.line(`${key(member.localName)}${optional ? "?" : ""}: ${fieldType(member, typeRef)}${optional ? " | undefined" : ""};`);
    }
  });
  out.line();

  const defaults = `{ ${members.map((x) => `${key(x.localName)}: ${isOneof(x) ? "{ case: undefined }" : initialValue(x, typeRef)}`).join(", ")} }`;
  out.block(`export const ${name}: $MessageType<${name}> = $messageType<${name}>(${fileExport}.message(${JSON.stringify(m.typeName)}), {`, () => {
    const straight = m.fields.length <= STRAIGHT_LINE_FIELDS;
    if (straight) out.block(`create(init?: $MessageInit<${name}>): ${name} {`, () => {
      out.line(`const m: ${name} = ${defaults};`);
      if (members.length === 0) {
        out.line("return m;");
        return;
      }
      out.block("if (init !== undefined) {", () => {
        for (const member of members) {
          if (isOneof(member)) writeOneofInit(out, member.localName, member.fields, typeRef);
          else writeInit(out, member, typeRef);
        }
      });
      out.line("return m;");
    }, "},");
    if (straight) out.block(`encodeTo(m: ${name}, w: $BinaryWriter): void {`, () => {
      oneofs.forEach((o, i) => out.line(`const ${oneofVar(i)} = ${prop("m", o.localName)};`));
      for (const f of byNumber) writeEncode(out, f, typeRef, oneofIndex);
      out.line("$writeUnknown(m, w);");
    }, "},");
    out.block(`decodeFrom(r: $BinaryReader, target?: ${name}, group = 0): ${name} {`, () => {
      out.line(`const m: ${name} = target ?? ${defaults};`);
      out.line("const end = r.end;");
      out.block("while (r.pos < end) {", () => {
        out.line("const start = r.pos;");
        out.line("const tag = r.tag();");
        out.block("switch (tag) {", () => {
          for (const f of byNumber) writeDecode(out, f, typeRef);
          out.line("default:");
          out.line("  if ($skipField(r, tag, start, m, group)) return m;");
        });
      });
      out.line("if (group !== 0) throw new $DecodeError(`group ${group} is missing its end tag`);");
      out.line("return m;");
    }, "},");
  }, "});");
  out.line();
}
