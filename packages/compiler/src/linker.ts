import { FieldLabel, FieldType } from "@tsgrpc/protobuf";
import { jsonNameOf } from "@tsgrpc/protobuf/codegen-support";
import type { DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto } from "@tsgrpc/protobuf";
import type { Diagnostic } from "./diagnostics.js";
import { formatDouble, formatFloat } from "./format-number.js";
import { parseFloatToken } from "./parser.js";
import { SymbolTable, type SymbolEntry } from "./symbol-table.js";
import { enumIsClosed } from "./features.js";
import { isExported, visibilityError } from "./visibility.js";
import { PendingOptions, type HasPendingOptions } from "./parsed-options.js";

const MAX_FIELD_NUMBER = 536870911;
const RESERVED_LIBRARY_RANGE: [number, number] = [19000, 19999];

/** Where an element sits: for diagnostics, the source position of its name when known. */
export interface LinkContext {
  file: FileDescriptorProto;
  table: SymbolTable;
  /** Files whose symbols this file may use: itself, its imports, and what those re-export with `import public`. */
  visible: Set<string>;
  diagnostics: Diagnostic[];
  /** Source position lookup by path, from the file's source code info. */
  position(path: number[]): { line: number; column: number };
}

/** Adds every symbol a linked or unlinked file defines to the table, reporting names defined twice. */
export function addFileSymbols(table: SymbolTable, file: FileDescriptorProto, report?: (message: string, path: number[]) => void): void {
  const pkg = file.package ?? "";
  if (pkg) {
    const parts = pkg.split(".");
    for (let i = 1; i <= parts.length; i++) {
      const name = parts.slice(0, i).join(".");
      const clash = table.add(name, { kind: "package", file });
      if (clash && report) report(`"${name}" is already defined (as something other than a package) in file "${clash.file.name}".`, [2]);
    }
  }
  const define = (scope: string, name: string, entry: Parameters<SymbolTable["add"]>[1], path: number[]) => {
    const full = scope ? `${scope}.${name}` : name;
    const clash = table.add(full, entry);
    if (clash && report) {
      const dot = full.lastIndexOf(".");
      const message =
        clash.file === file
          ? dot < 0
            ? `"${full}" is already defined.`
            : `"${full.slice(dot + 1)}" is already defined in "${full.slice(0, dot)}".`
          : `"${full}" is already defined in file "${clash.file.name}".`;
      report(message, path);
      if (entry.kind === "enumValue" && clash.kind === "enumValue") {
        const outer = full.slice(0, Math.max(0, dot));
        const enumName = (entry as { enumName?: string }).enumName;
        report(`Note that enum values use C++ scoping rules, meaning that enum values are siblings of their type, not children of it.  Therefore, "${full.slice(dot + 1)}" must be unique within ${outer ? `"${outer}"` : "the global scope"}, not just within "${enumName}".`, path);
      }
    }
    return full;
  };
  const addEnum = (scope: string, e: EnumDescriptorProto, path: number[]) => {
    define(scope, e.name!, { kind: "enum", file, proto: e }, [...path, 1]);
    // Enum values are siblings of their enum, as in C++.
    e.value.forEach((v, i) => define(scope, v.name!, { kind: "enumValue", file, proto: v, enumName: e.name } as SymbolEntry, [...path, 2, i, 1]));
  };
  const addMessage = (scope: string, m: DescriptorProto, path: number[]) => {
    const full = define(scope, m.name!, { kind: "message", file, proto: m }, [...path, 1]);
    m.field.forEach((f, i) => define(full, f.name!, { kind: "field", file, proto: f }, [...path, 2, i, 1]));
    m.oneofDecl.forEach((o, i) => define(full, o.name!, { kind: "oneof", file, proto: o }, [...path, 8, i, 1]));
    m.nestedType.forEach((n, i) => addMessage(full, n, [...path, 3, i]));
    m.enumType.forEach((e, i) => addEnum(full, e, [...path, 4, i]));
    m.extension.forEach((x, i) => define(full, x.name!, { kind: "field", file, proto: x, isExtension: true }, [...path, 6, i, 1]));
  };
  file.messageType.forEach((m, i) => addMessage(pkg, m, [4, i]));
  file.enumType.forEach((e, i) => addEnum(pkg, e, [5, i]));
  file.extension.forEach((x, i) => define(pkg, x.name!, { kind: "field", file, proto: x, isExtension: true }, [7, i, 1]));
  file.service.forEach((s, i) => {
    const full = define(pkg, s.name!, { kind: "service", file, proto: s }, [6, i, 1]);
    s.method.forEach((m, j) => define(full, m.name!, { kind: "method", file, proto: m }, [6, i, 2, j, 1]));
  });
}

function error(ctx: LinkContext, path: number[], message: string): void {
  const { line, column } = ctx.position(path);
  ctx.diagnostics.push({ file: ctx.file.name!, line, column, message });
}

/** Resolves a type reference; reports and returns undefined when it cannot. */
function resolveType(ctx: LinkContext, name: string, scope: string, path: number[], typesOnly: boolean, usage?: string): { fullName: string; kind: string } | undefined {
  const found = ctx.table.resolve(name, scope, typesOnly);
  if (!found) {
    error(ctx, path, `"${name}" is not defined.`);
    return undefined;
  }
  if ("undefinedIn" in found) {
    error(ctx, path, `"${name}" is resolved to "${found.undefinedIn}", which is not defined. The innermost scope is searched first in name resolution. Consider using a leading '.'(i.e., ".${name}") to start from the outermost scope.`);
    return undefined;
  }
  if (!ctx.visible.has(found.entry.file.name!)) {
    error(ctx, path, `"${found.fullName}" seems to be defined in "${found.entry.file.name}", which is not imported by "${ctx.file.name}".  To use it here, please add the necessary import.`);
    return undefined;
  }
  const isType = found.entry.kind === "message" || found.entry.kind === "enum";
  if (isType && found.entry.file !== ctx.file && !isExported(found.entry)) {
    error(ctx, path, visibilityError(found.entry, found.fullName, ctx.file.name!, usage));
    return undefined;
  }
  return { fullName: found.fullName, kind: found.entry.kind };
}

/**
 * Links a parsed file in place: resolves every type name to its full name (with the leading dot), sets field types,
 * fills json_name, puts default values in protoc's canonical form, and runs protoc's structural checks.
 * Options are interpreted separately (see options.ts).
 */
export function linkFile(ctx: LinkContext): void {
  const file = ctx.file;
  const pkg = file.package ?? "";
  const proto3 = file.syntax === "proto3";
  const linkField = (f: FieldDescriptorProto, scope: string, path: number[], isExtension: boolean) => {
    const fullName = scope ? `${scope}.${f.name}` : f.name!;
    if (f.extendee !== undefined) {
      const target = resolveType(ctx, f.extendee, fullName, [...path, 2], false, "target of extend");
      if (target) {
        if (target.kind !== "message") error(ctx, [...path, 2], `"${f.extendee}" is not a message type.`);
        f.extendee = "." + target.fullName;
      }
    }
    if (f.typeName !== undefined) {
      const target = resolveType(ctx, f.typeName, fullName, [...path, 6], true);
      if (target) {
        if (target.kind !== "message" && target.kind !== "enum") error(ctx, [...path, 6], `"${f.typeName}" is not a type.`);
        else if (f.type === undefined) f.type = target.kind === "message" ? FieldType.MESSAGE : FieldType.ENUM;
        else if (f.type === FieldType.GROUP && target.kind !== "message") error(ctx, [...path, 6], `"${f.typeName}" is not a message type.`);
        f.typeName = "." + target.fullName;
      }
    }
    f.jsonName ??= jsonNameOf(f.name!);
    if (isExtension && f.extendee?.startsWith(".")) {
      const target = ctx.table.get(f.extendee.slice(1))?.proto as DescriptorProto | undefined;
      if (target && !target.extensionRange.some((r) => f.number! >= r.start! && f.number! < r.end!)) {
        error(ctx, [...path, 3], `"${f.extendee.slice(1)}" does not declare ${f.number} as an extension number.`);
      }
    }
    if (f.type === FieldType.MESSAGE && f.label === FieldLabel.REPEATED && f.typeName?.startsWith(".")) {
      const entry = ctx.table.get(f.typeName.slice(1))?.proto as DescriptorProto | undefined;
      const key = entry?.options?.["mapEntry"] === true ? entry.field[0] : undefined;
      if (key) {
        const keyType = key.type ?? FieldType.MESSAGE;
        if (keyType === FieldType.ENUM) error(ctx, [...path, 6], "Key in map fields cannot be enum types.");
        else if ([FieldType.FLOAT, FieldType.DOUBLE, FieldType.BYTES, FieldType.MESSAGE, FieldType.GROUP].includes(keyType)) {
          error(ctx, [...path, 6], "Key in map fields cannot be float/double, bytes or message types.");
        }
      }
    }
    if (f.defaultValue !== undefined) f.defaultValue = canonicalDefault(ctx, f, path);
    const no = f.number!;
    if (no <= 0) error(ctx, [...path, 3], "Field numbers must be positive integers.");
    else if (no > MAX_FIELD_NUMBER && !isExtension) error(ctx, [...path, 3], `Field numbers cannot be greater than ${MAX_FIELD_NUMBER}.`);
    else if (no >= RESERVED_LIBRARY_RANGE[0] && no <= RESERVED_LIBRARY_RANGE[1]) {
      error(ctx, [...path, 3], `Field numbers ${RESERVED_LIBRARY_RANGE[0]} through ${RESERVED_LIBRARY_RANGE[1]} are reserved for the protocol buffer library implementation.`);
    }
    if (proto3) {
      if (f.label === FieldLabel.REQUIRED) error(ctx, [...path, typeLocation(f)], "Required fields are not allowed in proto3.");
      if (f.defaultValue !== undefined) error(ctx, [...path, 7], "Explicit default values are not allowed in proto3.");
      if (f.type === FieldType.GROUP) error(ctx, [...path, 5], "Groups are not supported in proto3 syntax.");
      if (isExtension && !(f.extendee ?? "").startsWith(".google.protobuf.") ) error(ctx, [...path, 2], "Extensions in proto3 are only allowed for defining options.");
      if (f.type === FieldType.ENUM && f.typeName) {
        const e = ctx.table.get(f.typeName.slice(1));
        if (e && e.file.syntax !== "proto3" && (e.file.syntax !== "editions" || enumIsClosed(e.file, e.proto as EnumDescriptorProto))) {
          error(ctx, [...path, 6], `Enum type "${f.typeName.slice(1)}" is not a proto3 enum, but is used in "${scope}" which is a proto3 message type.`);
        }
      }
    }
  };
  const linkEnum = (e: EnumDescriptorProto, path: number[]) => {
    if (proto3 && e.value.length > 0 && e.value[0]!.number !== 0) error(ctx, [...path, 2, 0, 2], "The first enum value must be zero in proto3.");
    const allowAlias = (e as HasPendingOptions)[PendingOptions]?.some((o) => o.name.length === 1 && o.name[0]!.part === "allow_alias" && o.identifier === "true");
    if (!allowAlias) {
      const seen = new Map<number, string>();
      e.value.forEach((v, j) => {
        const first = seen.get(v.number!);
        if (first === undefined) seen.set(v.number!, v.name!);
        else error(ctx, [...path, 2, j, 2], `"${v.name}" uses the same enum value as "${first}". If this is intended, set 'option allow_alias = true;' to the enum definition.`);
      });
    }
  };
  const linkMessage = (m: DescriptorProto, scope: string, path: number[]) => {
    const full = scope ? `${scope}.${m.name}` : m.name!;
    m.field.forEach((f, i) => linkField(f, full, [...path, 2, i], false));
    m.extension.forEach((x, i) => linkField(x, full, [...path, 6, i], true));
    m.nestedType.forEach((n, i) => linkMessage(n, full, [...path, 3, i]));
    m.enumType.forEach((e, i) => linkEnum(e, [...path, 4, i]));
    checkFieldNumbers(ctx, m, full, path);
  };
  file.messageType.forEach((m, i) => linkMessage(m, pkg, [4, i]));
  file.enumType.forEach((e, i) => linkEnum(e, [5, i]));
  file.extension.forEach((x, i) => linkField(x, pkg, [7, i], true));
  file.service.forEach((s, i) => {
    const full = pkg ? `${pkg}.${s.name}` : s.name!;
    s.method.forEach((m, j) => {
      const scope = `${full}.${m.name}`;
      for (const [key, no] of [["inputType", 2], ["outputType", 3]] as const) {
        const target = resolveType(ctx, m[key]!, scope, [6, i, 2, j, no], false);
        if (!target) continue;
        if (target.kind !== "message") error(ctx, [6, i, 2, j, no], `"${m[key]}" is not a message type.`);
        m[key] = "." + target.fullName;
      }
    });
  });
  if (file.syntax !== "proto3" && file.syntax !== "editions") delete file.syntax;
}

/**
 * Field numbers and names within one message: duplicates, reserved numbers and names, extension ranges, and (proto3)
 * JSON name clashes. Like protoc, a message with bad field numbers gets a suggestion of free ones.
 */
function checkFieldNumbers(ctx: LinkContext, m: DescriptorProto, fullName: string, path: number[]): void {
  const used = new Map<number, string>();
  let suggestions = 0;
  let suggestAt: number[] | null | undefined;
  const hint = (at: number[] | null) => {
    suggestions++;
    if (suggestAt === undefined) suggestAt = at;
  };
  m.field.forEach((f, i) => {
    const no = f.number!;
    if (no <= 0 || no > MAX_FIELD_NUMBER || (no >= RESERVED_LIBRARY_RANGE[0] && no <= RESERVED_LIBRARY_RANGE[1])) hint([...path, 2, i, 3]);
    const other = used.get(no);
    if (other !== undefined) error(ctx, [...path, 2, i, 3], `Field number ${no} has already been used in "${fullName}" by field "${other}".`);
    else used.set(no, f.name!);
    if (m.reservedRange.some((r) => no >= r.start! && no < r.end!)) {
      // protoc has no source position for this one, and says so by giving none.
      ctx.diagnostics.push({ file: ctx.file.name!, line: -1, column: 0, message: `Field "${f.name}" uses reserved number ${no}.` });
      hint(null);
    }
    if (m.reservedName.includes(f.name!)) error(ctx, [...path, 2, i, 1], `Field name "${f.name}" is reserved.`);
    for (const r of m.extensionRange) {
      if (no >= r.start! && no < r.end!) error(ctx, [...path, 2, i, 3], `Extension range ${r.start} to ${r.end! - 1} includes field "${f.name}" (${no}).`);
    }
  });
  if (ctx.file.syntax === "proto3") {
    // protoc's rule is stricter than JSON names: names must differ once lower-cased without underscores.
    const byJson = new Map<string, string>();
    m.field.forEach((f, i) => {
      const json = f.name!.replace(/_/g, "").toLowerCase();
      const other = byJson.get(json);
      if (other !== undefined && other !== f.name) error(ctx, [...path, 2, i, 1], `The JSON camel-case name of field "${f.name}" conflicts with field "${other}". This is not allowed in proto3.`);
      else byJson.set(json, f.name!);
    });
  }
  const ranges = m.extensionRange.map((r, i) => ({ ...r, i }));
  for (let a = 0; a < ranges.length; a++) {
    for (let b = a + 1; b < ranges.length; b++) {
      const x = ranges[a]!;
      const y = ranges[b]!;
      if (x.start! < y.end! && y.start! < x.end!) {
        error(ctx, [...path, 5, x.i], `Extension range ${y.start} to ${y.end! - 1} overlaps with already-defined range ${x.start} to ${x.end! - 1}.`);
      }
    }
  }
  if (suggestions > 0) {
    const taken = (n: number) =>
      used.has(n) ||
      m.reservedRange.some((r) => n >= r.start! && n < r.end!) ||
      m.extensionRange.some((r) => n >= r.start! && n < r.end!) ||
      (n >= RESERVED_LIBRARY_RANGE[0] && n <= RESERVED_LIBRARY_RANGE[1]);
    const free: number[] = [];
    for (let n = 1; free.length < suggestions && n <= MAX_FIELD_NUMBER; n++) if (!taken(n)) free.push(n);
    const message = `Suggested field numbers for ${fullName}: ${free.join(", ")}`;
    if (suggestAt) error(ctx, suggestAt, message);
    else ctx.diagnostics.push({ file: ctx.file.name!, line: -1, column: 0, message });
  }
}

/** The source path of a field's type as written: `type_name` for named types, `type` for scalars. */
function typeLocation(f: FieldDescriptorProto): number {
  return f.typeName !== undefined ? 6 : 5;
}

/** The default value as protoc writes it into a descriptor (numbers re-printed, enum names checked). */
function canonicalDefault(ctx: LinkContext, f: FieldDescriptorProto, path: number[]): string {
  const text = f.defaultValue!;
  switch (f.type) {
    case FieldType.FLOAT:
    case FieldType.DOUBLE: {
      const neg = text.startsWith("-");
      const body = neg ? text.slice(1) : text;
      const v = body === "inf" ? Infinity : body === "nan" ? NaN : parseFloatToken(body);
      const n = neg ? -v : v;
      return f.type === FieldType.FLOAT ? formatFloat(n) : formatDouble(n);
    }
    case FieldType.ENUM: {
      const e = ctx.table.get(f.typeName!.slice(1))?.proto as EnumDescriptorProto | undefined;
      if (e && !e.value.some((v) => v.name === text)) error(ctx, [...path, 7], `Enum type "${f.typeName!.slice(1)}" has no value named "${text}".`);
      return text;
    }
    case FieldType.MESSAGE:
    case FieldType.GROUP:
      error(ctx, [...path, 7], "Messages can't have default values.");
      return text;
    default:
      return text;
  }
}
