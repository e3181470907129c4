/** Rules about a field that is still there (same message and number, or same extendee and number): what changed in it. */
import { FieldType } from "@tsgrpc/protobuf";
import { Edition, Utf8Validation } from "@tsgrpc/protobuf/codegen-support";
import type { FieldEl } from "../lint/elements.js";
import type { BreakingContext } from "./context.js";
import { fieldRule } from "./field-pairs.js";
import { CPP, JAVA, languageFeature } from "./custom-features.js";
import { canHaveDefault, defaultOf, defaultsEqual, defaultSpan, isZeroDefault } from "./defaults.js";
import { cardinalityOf, describeField, fieldFeatures, fieldName, fieldPaths, isEditions, kindOf, realOneof, type Cardinality } from "./facts.js";
import { categories, type BreakingRule } from "./rules.js";
import { FIELD_TYPE_RULES } from "./rules-field-types.js";

const bothInMapEntries = (f: FieldEl, p: FieldEl) => f.parent?.isMapEntry === true && p.parent?.isMapEntry === true;

/** A cardinality rule: the groups of cardinalities a field may move between (none: it may not change at all). */
function cardinalityRule(id: string, purpose: string, cats: BreakingRule["categories"], group?: (c: Cardinality) => number): BreakingRule {
  return fieldRule(id, purpose, cats, (ctx, f, p) => {
    if (bothInMapEntries(f, p)) return;
    const before = cardinalityOf(p, ctx.previous);
    const now = cardinalityOf(f, ctx.current);
    const same = group ? group(before) === group(now) : before === now;
    if (!same) ctx.report(f.file, fieldPaths(f), p.file, `${describeField(f)} changed cardinality from "${before}" to "${now}".`);
  });
}

const WIRE_CARDINALITY: Record<Cardinality, number> = { "optional with explicit presence": 1, "optional with implicit presence": 1, required: 2, repeated: 3, map: 3 };
const WIRE_JSON_CARDINALITY: Record<Cardinality, number> = { ...WIRE_CARDINALITY, map: 4 };

const CPP_STRING_TYPES: Record<number, string> = { 0: "STRING_TYPE_UNKNOWN", 1: "VIEW", 2: "CORD", 3: "STRING" };
const CTYPE = { STRING: 0, CORD: 1, STRING_PIECE: 2 };
const STRING_TYPE = { VIEW: 1, CORD: 2, STRING: 3 };

/** A string or bytes field's C++ type, from `ctype` (before edition 2024) or (pb.cpp).string_type; and whether it was STRING_PIECE. */
function cppStringType(f: FieldEl): [number, boolean] {
  const edition = isEditions(f.file) ? (f.file.proto.edition ?? 0) : 0;
  const ctype = f.proto.options?.["ctype"] as number | undefined;
  if (edition < Edition.EDITION_2024 && ctype !== undefined) {
    if (ctype === CTYPE.CORD) return [STRING_TYPE.CORD, false];
    if (ctype === CTYPE.STRING_PIECE) return [STRING_TYPE.STRING, true];
    if (ctype === CTYPE.STRING || !isEditions(f.file)) return [STRING_TYPE.STRING, false];
  }
  if (!isEditions(f.file)) return [STRING_TYPE.STRING, false];
  return [languageFeature(f, CPP, CPP.stringType) ?? (edition >= Edition.EDITION_2024 ? STRING_TYPE.VIEW : STRING_TYPE.STRING), false];
}

const UTF8_NAMES: Record<number, string> = { [Utf8Validation.VERIFY]: "VERIFY", [Utf8Validation.NONE]: "NONE" };

function javaUtf8(f: FieldEl): number {
  const fallback = fieldFeatures(f).utf8Validation;
  const check = f.file.proto.options?.["javaStringCheckUtf8"] as boolean | undefined;
  if (!isEditions(f.file) || check !== undefined) return check ? Utf8Validation.VERIFY : fallback;
  return languageFeature(f, JAVA, JAVA.utf8Validation) === 2 ? Utf8Validation.VERIFY : fallback;
}

const JSTYPES: Record<number, string> = { 0: "JS_NORMAL", 1: "JS_STRING", 2: "JS_NUMBER" };
const INT64_TYPES: number[] = [FieldType.INT64, FieldType.SINT64, FieldType.UINT64, FieldType.FIXED64, FieldType.SFIXED64];
const isStringKind = (ctx: BreakingContext, f: FieldEl, p: FieldEl) => kindOf(f, ctx.current) === FieldType.STRING && kindOf(p, ctx.previous) === FieldType.STRING;
/** The location path of a field's `features.<feature>` (`base` is its options' features field). */
const featurePath = (ctx: BreakingContext, f: FieldEl, extra: number[]) => ctx.optionPath(f.file, [...f.path, 8, 21], extra);

export const FIELD_RULES: BreakingRule[] = [
  cardinalityRule("FIELD_SAME_CARDINALITY", "Checks that fields have the same cardinalities in a given message.", categories("FILE PACKAGE", false)),
  fieldRule("FIELD_SAME_CPP_STRING_TYPE", "Checks that fields have the same C++ string type, based on ctype field option or (pb.cpp).string_type feature.", categories("FILE PACKAGE", false), (ctx, f, p) => {
    if (bothInMapEntries(f, p)) return;
    const stringish = (k: number) => k === FieldType.STRING || k === FieldType.BYTES;
    if (!stringish(kindOf(f, ctx.current)) || !stringish(kindOf(p, ctx.previous))) return;
    const [before, beforePiece] = cppStringType(p);
    const [now, nowPiece] = cppStringType(f);
    if ((before === now && beforePiece === nowPiece) || (beforePiece && now === STRING_TYPE.STRING && !nowPiece)) return;
    const name = (t: number, piece: boolean) => (piece ? "STRING_PIECE" : CPP_STRING_TYPES[t]);
    ctx.report(f.file, [[...f.path, 8, 1], ctx.optionPath(f.file, [...f.path, 8, 21], [CPP.extension, CPP.stringType]), ...fieldPaths(f)], p.file, `${describeField(f)} changed C++ string type from "${name(before, beforePiece)}" to "${name(now, nowPiece)}".`);
  }),
  fieldRule("FIELD_SAME_JAVA_UTF8_VALIDATION", "Checks that fields have the same Java string UTF8 validation, based on java_string_check_utf8 file option or (pb.java).utf8_validation feature.", categories("FILE PACKAGE", false), (ctx, f, p) => {
    if (!isStringKind(ctx, f, p)) return;
    const before = javaUtf8(p);
    const now = javaUtf8(f);
    if (before !== now) ctx.report(f.file, [[8, 27], ctx.optionPath(f.file, [...f.path, 8, 21], [JAVA.extension, JAVA.utf8Validation]), ...fieldPaths(f)], p.file, `${describeField(f)} changed Java string UTF8 validation from "${UTF8_NAMES[before]}" to "${UTF8_NAMES[now]}".`);
  }),
  fieldRule("FIELD_SAME_JSTYPE", "Checks that fields have the same value for the jstype option.", categories("FILE PACKAGE", false), (ctx, f, p) => {
    if (!INT64_TYPES.includes(p.proto.type!) || !INT64_TYPES.includes(f.proto.type!)) return;
    const before = (p.proto.options?.["jstype"] as number | undefined) ?? 0;
    const now = (f.proto.options?.["jstype"] as number | undefined) ?? 0;
    if (before !== now) ctx.report(f.file, [[...f.path, 8, 6], ...fieldPaths(f)], p.file, `${describeField(f)} changed option "jstype" from "${JSTYPES[before]}" to "${JSTYPES[now]}".`);
  }),
  ...FIELD_TYPE_RULES,
  fieldRule("FIELD_SAME_UTF8_VALIDATION", "Checks that string fields have the same UTF8 validation mode.", categories("FILE PACKAGE", false), (ctx, f, p) => {
    if (!isStringKind(ctx, f, p)) return;
    const before = fieldFeatures(p).utf8Validation;
    const now = fieldFeatures(f).utf8Validation;
    if (before !== now) ctx.report(f.file, [featurePath(ctx, f, [4]), ...fieldPaths(f)], p.file, `${describeField(f)} changed UTF8 validation from ${UTF8_NAMES[before]} to ${UTF8_NAMES[now]}.`);
  }),
  fieldRule("FIELD_SAME_JSON_NAME", "Checks that fields have the same value for the json_name option.", categories("FILE PACKAGE WIRE_JSON", true), (ctx, f, p) => {
    if (p.proto.extendee !== undefined) return;
    const before = p.proto.jsonName ?? "";
    const now = f.proto.jsonName ?? "";
    if (before !== now) ctx.report(f.file, [[...f.path, 10], ...fieldPaths(f)], p.file, `${describeField(f)} changed option "json_name" from ${JSON.stringify(before)} to ${JSON.stringify(now)}.`);
  }),
  fieldRule("FIELD_SAME_NAME", "Checks that fields have the same names in a given message.", categories("FILE PACKAGE WIRE_JSON", true), (ctx, f, p) => {
    const before = fieldName(p);
    const now = fieldName(f);
    if (before !== now) ctx.report(f.file, fieldPaths(f, [1]), p.file, `${describeField(f, "")} changed name from ${JSON.stringify(before)} to ${JSON.stringify(now)}.`);
  }),
  fieldRule("FIELD_SAME_DEFAULT", "Checks that fields have the same default value, if a default is specified.", { v2: ["CSR", "FILE", "PACKAGE", "WIRE_JSON", "WIRE"] }, (ctx, f, p) => {
    if (!canHaveDefault(p, ctx.previous) || !canHaveDefault(f, ctx.current)) return;
    const before = defaultOf(p, ctx.previous);
    const now = defaultOf(f, ctx.current);
    if (isZeroDefault(before) && isZeroDefault(now)) return;
    if (!defaultsEqual(before, now)) ctx.report(f.file, [[...f.path, 7], ...fieldPaths(f)], p.file, `${describeField(f)} changed default value from ${before.printed} to ${now.printed}.`, { span: (loc, path) => (path.length === f.path.length + 1 ? defaultSpan(f.file, f.path, loc) : loc) });
  }),
  fieldRule("FIELD_SAME_ONEOF", "Checks that fields have the same oneofs in a given message.", categories("FILE PACKAGE WIRE_JSON WIRE", true), (ctx, f, p) => {
    if (p.proto.extendee !== undefined) return;
    const before = realOneof(p);
    const now = realOneof(f);
    if (before === undefined && now === undefined) return;
    if (before !== undefined && now !== undefined) {
      // buf's message has a stray "q" after the field's description.
      if (before !== now) ctx.report(f.file, fieldPaths(f), p.file, `${describeField(f)}q moved from oneof ${JSON.stringify(before)} to oneof ${JSON.stringify(now)}.`);
      return;
    }
    const [from, to] = before !== undefined ? ["inside", "outside"] : ["outside", "inside"];
    ctx.report(f.file, fieldPaths(f), p.file, `${describeField(f)} moved from ${from} to ${to} a oneof.`);
  }),
  cardinalityRule("FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY", "Checks that fields have wire and JSON compatible cardinalities in a given message.", categories("WIRE_JSON", true), (c) => WIRE_JSON_CARDINALITY[c]),
  cardinalityRule("FIELD_WIRE_COMPATIBLE_CARDINALITY", "Checks that fields have wire-compatible cardinalities in a given message.", categories("WIRE", false), (c) => WIRE_CARDINALITY[c]),
];

/** Deprecated field rules: accepted in configs, replaced as buf replaces them. */
export const DEPRECATED_FIELD_RULES: BreakingRule[] = [
  { id: "FIELD_SAME_CTYPE", purpose: "Checks that fields have the same value for the ctype option.", categories: { v1: [] }, replacedBy: ["FIELD_SAME_CPP_STRING_TYPE"], check() {} },
  { id: "FIELD_SAME_LABEL", purpose: "Checks that fields have the same labels in a given message.", categories: { v1: [] }, replacedBy: ["FIELD_SAME_CARDINALITY", "FIELD_WIRE_COMPATIBLE_CARDINALITY", "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY"], check() {} },
];
