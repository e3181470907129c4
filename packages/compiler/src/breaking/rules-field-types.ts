/** FIELD_SAME_TYPE and its wire and wire+JSON compatible variants. */
import { FieldType } from "@tsgrpc/protobuf";
import type { FieldEl } from "../lint/elements.js";
import type { BreakingContext } from "./context.js";
import { fieldRule } from "./field-pairs.js";
import { describeField, fieldPaths, isMessageKind, kindName, kindOf } from "./facts.js";
import { categories, type BreakingRule } from "./rules.js";

const T = FieldType;

/** Kinds whose encodings read each other (https://protobuf.dev/programming-guides/proto3/#updating). */
const WIRE_GROUPS: Record<number, number> = {
  [T.INT32]: 1, [T.INT64]: 1, [T.UINT32]: 1, [T.UINT64]: 1, [T.BOOL]: 1, [T.SINT32]: 2, [T.SINT64]: 2, [T.STRING]: 3, [T.BYTES]: 4,
  [T.FIXED32]: 5, [T.SFIXED32]: 5, [T.FIXED64]: 6, [T.SFIXED64]: 6, [T.DOUBLE]: 7, [T.FLOAT]: 8, [T.GROUP]: 9, [T.MESSAGE]: 10, [T.ENUM]: 11,
};
/** Kinds compatible both on the wire and in JSON. */
const WIRE_JSON_GROUPS: Record<number, number> = {
  [T.INT32]: 1, [T.UINT32]: 1, [T.INT64]: 2, [T.UINT64]: 2, [T.FIXED32]: 3, [T.SFIXED32]: 3, [T.FIXED64]: 4, [T.SFIXED64]: 4, [T.BOOL]: 5,
  [T.SINT32]: 6, [T.SINT64]: 7, [T.STRING]: 8, [T.BYTES]: 9, [T.DOUBLE]: 10, [T.FLOAT]: 11, [T.GROUP]: 12, [T.MESSAGE]: 13, [T.ENUM]: 14,
};

const WIRE_NOTE = "See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules.";
const BYTES_NOTE = "Note that while string and bytes are compatible if the data is valid UTF-8, there is no way to enforce that a bytes field is UTF-8, so these fields may be incompatible.";
const WIRE_JSON_NOTE = "See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules and https://developers.google.com/protocol-buffers/docs/proto3#json for JSON compatibility rules.";

/** Reported at the type (a named type's name, a scalar's keyword) of the current field. */
function changedKind(ctx: BreakingContext, f: FieldEl, p: FieldEl, note = ""): void {
  const at = isMessageKind(kindOf(f, ctx.current)) ? 6 : 5;
  ctx.report(f.file, fieldPaths(f, [at]), p.file, `${describeField(f)} changed type from "${kindName(p, ctx.previous)}" to "${kindName(f, ctx.current)}".${note ? ` ${note}` : ""}`);
}

function changedTypeName(ctx: BreakingContext, f: FieldEl, p: FieldEl): void {
  const name = (x: FieldEl) => JSON.stringify((x.proto.typeName ?? "").replace(/^\./, ""));
  ctx.report(f.file, fieldPaths(f, [6]), p.file, `${describeField(f)} changed type from ${name(p)} to ${name(f)}.`);
}

/** An enum field may name another enum of the same short name that keeps every value (name and number) it had. */
function checkEnumSwap(ctx: BreakingContext, f: FieldEl, p: FieldEl): void {
  const before = ctx.previous.enumOf(p);
  const now = ctx.current.enumOf(f);
  if (!before || !now || before.proto.name !== now.proto.name) return changedTypeName(ctx, f, p);
  const kept = before.proto.value.every((v) => now.proto.value.some((w) => w.name === v.name && w.number === v.number));
  if (!kept) changedTypeName(ctx, f, p);
}

const differentType = (f: FieldEl, p: FieldEl) => p.proto.typeName !== f.proto.typeName;

export const FIELD_TYPE_RULES: BreakingRule[] = [
  fieldRule("FIELD_SAME_TYPE", "Checks that fields have the same types in a given message.", categories("FILE PACKAGE", true), (ctx, f, p) => {
    if (kindOf(p, ctx.previous) !== kindOf(f, ctx.current)) return changedKind(ctx, f, p);
    if (isMessageKind(f.proto.type!) && differentType(f, p)) changedTypeName(ctx, f, p);
  }),
  fieldRule("FIELD_WIRE_COMPATIBLE_TYPE", "Checks that fields have wire-compatible types in a given message.", categories("WIRE", false), (ctx, f, p) => {
    const before = kindOf(p, ctx.previous);
    const now = kindOf(f, ctx.current);
    if (WIRE_GROUPS[before] !== WIRE_GROUPS[now]) {
      if (before === T.STRING && now === T.BYTES) return;
      return changedKind(ctx, f, p, before === T.BYTES && now === T.STRING ? `${WIRE_NOTE} ${BYTES_NOTE}` : WIRE_NOTE);
    }
    if (!differentType(f, p)) return;
    if (f.proto.type === T.ENUM) checkEnumSwap(ctx, f, p);
    else if (f.proto.type === T.GROUP || f.proto.type === T.MESSAGE) changedTypeName(ctx, f, p);
  }),
  fieldRule("FIELD_WIRE_JSON_COMPATIBLE_TYPE", "Checks that fields have wire and JSON compatible types in a given message.", categories("WIRE_JSON", true), (ctx, f, p) => {
    const before = kindOf(p, ctx.previous);
    const now = kindOf(f, ctx.current);
    if (WIRE_JSON_GROUPS[before] !== WIRE_JSON_GROUPS[now]) return changedKind(ctx, f, p, WIRE_JSON_NOTE);
    if (!differentType(f, p)) return;
    if (now === T.ENUM) checkEnumSwap(ctx, f, p);
    else if (now === T.GROUP || now === T.MESSAGE) changedTypeName(ctx, f, p);
  }),
];
