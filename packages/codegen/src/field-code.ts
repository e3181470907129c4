import { FieldType } from "@tsgrpc/protobuf";
import { is64Bit, isPackable, scalarWireType, WireType } from "@tsgrpc/protobuf/codegen-support";
import type { EnumInfo, FieldInfo } from "@tsgrpc/protobuf";
import type { CodeWriter } from "./code-writer.js";
import { prop } from "./ts-names.js";

/** Names the generated export of a field's message or enum type (qualified when it comes from another module). */
export type TypeRef = (f: FieldInfo) => string;

/** The BinaryReader/BinaryWriter method for a scalar type (enums travel as int32). */
export function scalarMethod(type: FieldType): string {
  const names: Partial<Record<FieldType, string>> = {
    [FieldType.DOUBLE]: "double", [FieldType.FLOAT]: "float", [FieldType.INT64]: "int64", [FieldType.UINT64]: "uint64",
    [FieldType.INT32]: "int32", [FieldType.FIXED64]: "fixed64", [FieldType.FIXED32]: "fixed32", [FieldType.BOOL]: "bool",
    [FieldType.STRING]: "string", [FieldType.BYTES]: "bytes", [FieldType.UINT32]: "uint32", [FieldType.ENUM]: "int32",
    [FieldType.SFIXED32]: "sfixed32", [FieldType.SFIXED64]: "sfixed64", [FieldType.SINT32]: "sint32", [FieldType.SINT64]: "sint64",
  };
  return names[type]!;
}

export function tag(no: number, wireType: number): number {
  return ((no << 3) | wireType) >>> 0;
}

const isMessage = (f: FieldInfo) => f.type === FieldType.MESSAGE || f.type === FieldType.GROUP;

/** The condition under which a singular implicit-presence value is written: anything but its zero value. Missing
 * properties count as zero, so that partial objects encode. */
function nonZero(type: FieldType, v: string): string {
  switch (type) {
    case FieldType.DOUBLE:
    case FieldType.FLOAT:
      return `${v} !== undefined && (${v} !== 0 || 1 / ${v} < 0)`; // -0 is written: its bits are not zero
    case FieldType.BYTES:
      return `${v} !== undefined && ${v}.length > 0`;
    default:
      return `${v}`; // 0, 0n, "", false and undefined are all falsy
  }
}

/** The value expression a map key (an object property name) converts to. */
function mapKeyValue(type: FieldType, k: string): string {
  if (type === FieldType.STRING) return k;
  if (type === FieldType.BOOL) return `${k} === "true"`;
  return is64Bit(type) ? `BigInt(${k})` : `Number(${k})`;
}

/** Writes a value of a message, group, or scalar field (with its tag) to `w`. */
function writeValue(out: CodeWriter, f: FieldInfo, v: string, typeRef: TypeRef): void {
  if (f.type === FieldType.MESSAGE) {
    out.line(`{ w.uint32(${tag(f.no, WireType.LengthDelimited)}); const k = w.fork(); ${typeRef(f)}.encodeTo(${v}, w); w.join(k); }`);
  } else if (f.type === FieldType.GROUP) {
    out.line(`{ w.uint32(${tag(f.no, WireType.StartGroup)}); ${typeRef(f)}.encodeTo(${v}, w); w.uint32(${tag(f.no, WireType.EndGroup)}); }`);
  } else {
    out.line(`w.uint32(${tag(f.no, scalarWireType(f.type))}).${scalarMethod(f.type)}(${v});`);
  }
}

/** The local variable encodeTo keeps a oneof's `{ case, value }` in (read once, tested once per member). */
export function oneofVar(index: number): string {
  return `o${index}`;
}

/** Straight-line encoding of one field of message `m`; a oneof member is written when its oneof's case names it. */
export function writeEncode(out: CodeWriter, f: FieldInfo, typeRef: TypeRef, oneofIndex: (f: FieldInfo) => number): void {
  if (f.oneof) {
    const o = oneofVar(oneofIndex(f));
    out.block(`if (${o} !== undefined && ${o}.case === ${JSON.stringify(f.localName)}) {`, () => writeValue(out, f, `${o}.value`, typeRef));
    return;
  }
  const v = prop("m", f.localName);
  if (f.map) {
    const { key, value } = f.map;
    out.block(`if (${v} !== undefined) for (const key of Object.keys(${v})) {`, () => {
      out.line(`w.uint32(${tag(f.no, WireType.LengthDelimited)}); const k = w.fork();`);
      out.line(`w.uint32(${tag(1, scalarWireType(key.type))}).${scalarMethod(key.type)}(${mapKeyValue(key.type, "key")});`);
      out.line(`const value = ${v}[key]!;`);
      writeValue(out, value, "value", typeRef);
      out.line("w.join(k);");
    });
    return;
  }
  if (f.repeated) {
    if (f.packed) {
      out.block(`if (${v} !== undefined && ${v}.length > 0) {`, () => {
        out.line(`w.uint32(${tag(f.no, WireType.LengthDelimited)}); const k = w.fork();`);
        out.line(`for (const v of ${v}) w.${scalarMethod(f.type)}(v);`);
        out.line("w.join(k);");
      });
    } else {
      out.block(`if (${v} !== undefined) for (const v of ${v}) {`, () => writeValue(out, f, "v", typeRef));
    }
    return;
  }
  const cond = f.explicitPresence ? `${v} !== undefined` : nonZero(f.type, v);
  out.block(`if (${cond}) {`, () => writeValue(out, f, v, typeRef));
}

/**
 * A statement that reads one value of `f` (its tag already read) and hands the value expression to `assign`;
 * messages merge into `existing`. Message fields are read inline rather than through a shared helper, so that each
 * call site stays monomorphic and V8 can inline the nested decoder.
 */
function readInto(f: FieldInfo, assign: (value: string) => string, existing: string, typeRef: TypeRef): string {
  if (f.type === FieldType.MESSAGE) return `{ const o = r.enter(r.length()); ${assign(`${typeRef(f)}.decodeFrom(r, ${existing})`)}; r.leave(o); }`;
  if (f.type === FieldType.GROUP) return `${assign(`${typeRef(f)}.decodeFrom(r, ${existing}, ${f.no})`)};`;
  if (f.type === FieldType.STRING) return `${assign(`r.string(${f.utf8Strict})`)};`;
  if (f.type === FieldType.ENUM) return `${assign(`r.int32() as ${typeRef(f)}`)};`;
  return `${assign(`r.${scalarMethod(f.type)}()`)};`;
}

/** The test a closed enum's value must pass to be kept (anything else goes to the unknown fields, as protobuf does). */
export function closedEnumCheck(e: EnumInfo, v: string): string {
  const numbers = [...new Set(e.proto.value.map((x) => x.number!))].sort((a, b) => a - b);
  const first = numbers[0]!;
  const last = numbers.at(-1)!;
  if (last - first === numbers.length - 1) return first === last ? `${v} === ${first}` : `${v} >= ${first} && ${v} <= ${last}`;
  return numbers.map((n) => `${v} === ${n}`).join(" || ");
}

/** The `case` arms of the decode switch for one field: its regular tag, and for packable repeated fields the other
 * encoding too (parsers must accept both). */
export function writeDecode(out: CodeWriter, f: FieldInfo, typeRef: TypeRef): void {
  const check = f.enum?.closed ? closedEnumCheck(f.enum, "v") : undefined;
  if (f.oneof) {
    const o = prop("m", f.oneof.localName);
    const caseName = JSON.stringify(f.localName);
    const select = (value: string) => `${o} = { case: ${caseName}, value: ${value} }`;
    const t = tag(f.no, scalarWireType(f.type));
    if (check) out.line(`case ${t}: { const v = r.int32() as ${typeRef(f)}; if (${check}) ${select("v")}; else $addUnknown(m, r.buf.slice(start, r.pos)); break; }`);
    else out.line(`case ${t}: ${readInto(f, select, `${o}.case === ${caseName} ? ${o}.value : undefined`, typeRef)} break;`);
    return;
  }
  const v = prop("m", f.localName);
  if (f.map) {
    const { key, value } = f.map;
    const keyRead = key.type === FieldType.STRING ? `r.string(${key.utf8Strict})` : `String(r.${scalarMethod(key.type)}())`;
    const zero = isMessage(value) ? `${typeRef(value)}.create()` : zeroExpr(value, typeRef);
    out.block(`case ${tag(f.no, WireType.LengthDelimited)}: {`, () => {
      out.line(`const outer = r.enter(r.length());`);
      out.line(`let key = ${key.type === FieldType.BOOL ? '"false"' : key.type === FieldType.STRING ? '""' : '"0"'};`);
      out.line(`let value: ${valueType(value, typeRef)} | undefined = undefined;`);
      out.block("while (r.pos < r.end) {", () => {
        out.line("const t = r.tag();");
        out.line(`if (t === ${tag(1, scalarWireType(key.type))}) key = ${keyRead};`);
        out.line(`else if (t === ${tag(2, scalarWireType(value.type))}) ${readInto(value, (x) => `value = ${x}`, "value", typeRef)}`);
        out.line("else r.skip(t & 7, t >>> 3);");
      });
      out.line("r.leave(outer);");
      if (value.enum?.closed) {
        // A closed enum's unknown value takes its whole entry to the unknown fields, as protobuf does.
        out.line(`const v = value ?? ${zero};`);
        out.line(`if (${closedEnumCheck(value.enum, "v")}) $setOwn(${v}, key, v); else $addUnknown(m, r.buf.slice(start, r.pos));`);
      } else out.line(`$setOwn(${v}, key, value ?? ${zero});`);
      out.line("break;");
    });
    return;
  }
  if (f.repeated) {
    if (isPackable(f.type)) {
      out.block(`case ${tag(f.no, WireType.LengthDelimited)}: {`, () => {
        out.line("const len = r.length(); const outer = r.end; r.end = r.pos + len;");
        const read = f.type === FieldType.ENUM ? `r.int32() as ${typeRef(f)}` : `r.${scalarMethod(f.type)}()`;
        out.line(`while (r.pos < r.end) ${check ? `{ const v = ${read}; if (${check}) ${v}.push(v); else $addUnknown(m, new $BinaryWriter(16).uint32(${tag(f.no, WireType.Varint)}).int32(v).finish()); }` : `${v}.push(${read});`}`);
        out.line("r.end = outer;");
        out.line("break;");
      });
    }
    const t = tag(f.no, scalarWireType(f.type));
    if (check) out.line(`case ${t}: { const v = r.int32() as ${typeRef(f)}; if (${check}) ${v}.push(v); else $addUnknown(m, r.buf.slice(start, r.pos)); break; }`);
    else out.line(`case ${t}: ${readInto(f, (x) => `${v}.push(${x})`, "undefined", typeRef)} break;`);
    return;
  }
  const t = tag(f.no, scalarWireType(f.type));
  if (check) out.line(`case ${t}: { const v = r.int32() as ${typeRef(f)}; if (${check}) ${v} = v; else $addUnknown(m, r.buf.slice(start, r.pos)); break; }`);
  else out.line(`case ${t}: ${readInto(f, (x) => `${v} = ${x}`, v, typeRef)} break;`);
}

/** The statement of `create` that copies one field (outside any oneof) from `init`, creating nested messages from
 * their initializers and copying lists and maps. */
export function writeInit(out: CodeWriter, f: FieldInfo, typeRef: TypeRef): void {
  const v = prop("m", f.localName);
  const i = prop("init", f.localName);
  if (f.map) {
    if (isMessage(f.map.value)) out.line(`if (${i} !== undefined) for (const k of Object.keys(${i})) $setOwn(${v}, k, ${typeRef(f.map.value)}.create(${i}[k]));`);
    else out.line(`if (${i} !== undefined) ${v} = { ...${i} };`);
  } else if (f.repeated) {
    out.line(`if (${i} !== undefined) ${v} = ${isMessage(f) ? `${i}.map((x) => ${typeRef(f)}.create(x))` : `${i}.slice()`};`);
  } else {
    out.line(`if (${i} !== undefined) ${v} = ${isMessage(f) ? `${typeRef(f)}.create(${i})` : i};`);
  }
}

/** The statement of `create` that copies a oneof from `init`: the member its case names, created if a message. */
export function writeOneofInit(out: CodeWriter, oneofLocalName: string, members: FieldInfo[], typeRef: TypeRef): void {
  const i = prop("init", oneofLocalName);
  out.block(`if (${i} !== undefined) {`, () => {
    out.line(`const o = ${i};`);
    members.forEach((f, n) => {
      const c = JSON.stringify(f.localName);
      out.line(`${n ? "else " : ""}if (o.case === ${c}) ${prop("m", oneofLocalName)} = { case: ${c}, value: ${isMessage(f) ? `${typeRef(f)}.create(o.value)` : "o.value"} };`);
    });
  });
}

/** The zero value of a scalar or enum, as a TypeScript expression (an enum's is its first value, as protobuf says). */
function zeroExpr(f: FieldInfo, typeRef: TypeRef): string {
  switch (f.type) {
    case FieldType.STRING: return '""';
    case FieldType.BOOL: return "false";
    case FieldType.BYTES: return "new Uint8Array(0)";
    case FieldType.ENUM: return `${f.enum!.proto.value[0]!.number} as ${typeRef(f)}`; // a literal: no load per message
    default: return is64Bit(f.type) ? "0n" : "0";
  }
}

/** The initial value of a field (outside any oneof) in a new message, as a TypeScript expression. */
export function initialValue(f: FieldInfo, typeRef: TypeRef): string {
  if (f.map) return "{}";
  if (f.repeated) return "[]";
  if (f.explicitPresence) return "undefined";
  return zeroExpr(f, typeRef);
}

/** The TypeScript type of one value of `f` (an element, for repeated fields; the value, for maps). */
export function valueType(f: FieldInfo, typeRef: TypeRef): string {
  switch (f.type) {
    case FieldType.MESSAGE:
    case FieldType.GROUP:
    case FieldType.ENUM:
      return typeRef(f);
    case FieldType.STRING: return "string";
    case FieldType.BOOL: return "boolean";
    case FieldType.BYTES: return "Uint8Array";
    default: return is64Bit(f.type) ? "bigint" : "number";
  }
}
