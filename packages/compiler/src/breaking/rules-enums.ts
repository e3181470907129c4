/** Rules about an enum that is still there: its values, reserved ranges and names, open or closed, JSON format. */
import { EnumType, JsonFormat } from "@tsgrpc/protobuf/codegen-support";
import type { EnumEl } from "../lint/elements.js";
import { missing, pairs, type BreakingContext } from "./context.js";
import { enumFeatures } from "./facts.js";
import { checkRanges, ENUM_MAX, type Range, type RangeOwner } from "./ranges.js";
import { categories, type BreakingRule } from "./rules.js";

function enumRule(id: string, purpose: string, cats: BreakingRule["categories"], check: (ctx: BreakingContext, e: EnumEl, p: EnumEl) => void): BreakingRule {
  return { id, purpose, categories: cats, check: (ctx) => pairs(ctx.current.enums, ctx.previous.enums).forEach(([e, p]) => check(ctx, e, p)) };
}

/** An enum's value names by number (aliases share one). */
function namesByNumber(e: EnumEl): Map<number, { names: string[]; paths: Map<string, number[]> }> {
  const out = new Map<number, { names: string[]; paths: Map<string, number[]> }>();
  e.proto.value.forEach((v, i) => {
    const entry = out.get(v.number!) ?? { names: [] as string[], paths: new Map<string, number[]>() };
    entry.names.push(v.name!);
    entry.paths.set(v.name!, [...e.path, 2, i]);
    out.set(v.number!, entry);
  });
  for (const entry of out.values()) entry.names.sort();
  return out;
}

const quotedList = (names: readonly string[]) => names.map((n) => JSON.stringify(n)).join(", ");
const reserved = (e: EnumEl): Range[] => e.proto.reservedRange.map((r) => [r.start ?? 0, r.end ?? 0]);
const owner = (e: EnumEl): RangeOwner => ({ file: e.file, paths: [e.path], kind: "enum", name: e.proto.name!, max: ENUM_MAX });

type Unless = "number" | "name" | undefined;

/** ENUM_VALUE_NO_DELETE and its variants that accept a deletion whose number (or every name) the enum now reserves. */
function valueNoDelete(id: string, unless: Unless, cats: BreakingRule["categories"]): BreakingRule {
  const purpose = `Checks that enum values are not deleted from a given enum${unless ? ` unless the ${unless} is reserved` : ""}.`;
  return enumRule(id, purpose, cats, (ctx, e, p) => {
    for (const [number, { names }] of missing(namesByNumber(e), namesByNumber(p))) {
      if (unless === "number" && reserved(e).some(([s, x]) => number >= s && number <= x)) continue;
      if (unless === "name" && names.every((n) => e.proto.reservedName.includes(n))) continue;
      const suffix = unless === "number" ? ` without reserving the number "${number}"` : unless === "name" ? ` without reserving the name${names.length > 1 ? "s" : ""} ${quotedList(names)}` : "";
      ctx.report(e.file, [e.path], p.file, `Previously present enum value "${number}" on enum ${JSON.stringify(e.proto.name)} was deleted${suffix}.`, { fallback: p.file });
    }
  });
}

const JSON_FORMATS: Record<number, string> = { [JsonFormat.ALLOW]: "ALLOW", [JsonFormat.LEGACY_BEST_EFFORT]: "LEGACY_BEST_EFFORT" };
const featurePath = (ctx: BreakingContext, e: EnumEl, feature: number) => ctx.optionPath(e.file, [...e.path, 3, 7], [feature]);

export const ENUM_RULES: BreakingRule[] = [
  enumRule("ENUM_SAME_TYPE", "Checks that enums have the same type (open vs closed).", categories("FILE PACKAGE", false), (ctx, e, p) => {
    const closed = (x: EnumEl) => enumFeatures(x).enumType === EnumType.CLOSED;
    if (closed(e) === closed(p)) return;
    const [from, to] = closed(e) ? ["open", "closed"] : ["closed", "open"];
    ctx.report(e.file, [featurePath(ctx, e, 2), e.path], p.file, `Enum ${JSON.stringify(e.proto.name)} changed from ${from} to ${to}.`);
  }),
  valueNoDelete("ENUM_VALUE_NO_DELETE", undefined, categories("FILE PACKAGE", true)),
  enumRule("ENUM_SAME_JSON_FORMAT", "Checks that enums have the same JSON format support.", categories("FILE PACKAGE WIRE_JSON", true), (ctx, e, p) => {
    const before = enumFeatures(p).jsonFormat;
    const now = enumFeatures(e).jsonFormat;
    if (before === JsonFormat.ALLOW && now !== JsonFormat.ALLOW) ctx.report(e.file, [featurePath(ctx, e, 6), e.path], p.file, `Enum ${JSON.stringify(e.proto.name)} JSON format support changed from ${JSON_FORMATS[before]} to ${JSON_FORMATS[now]}.`);
  }),
  enumRule("ENUM_VALUE_SAME_NAME", "Checks that enum values have the same name.", categories("FILE PACKAGE WIRE_JSON", true), (ctx, e, p) => {
    const before = namesByNumber(p);
    for (const [number, now] of namesByNumber(e)) {
      const was = before.get(number);
      if (!was || was.names.every((n) => now.names.includes(n))) continue;
      const s = was.names.length > 1 && now.names.length > 1 ? "s" : "";
      for (const path of now.paths.values())
        ctx.report(e.file, [[...path, 2]], p.file, `Enum value "${number}" on enum ${JSON.stringify(e.proto.name)} changed name${s} from ${quotedList(was.names)} to ${quotedList(now.names)}.`);
    }
  }),
  enumRule("RESERVED_ENUM_NO_DELETE", "Checks that reserved ranges and names are not deleted from a given enum.", categories("FILE PACKAGE WIRE_JSON WIRE", true), (ctx, e, p) => {
    checkRanges(ctx, "reserved", owner(e), owner(p), reserved(p), reserved(e));
    for (const name of new Set(p.proto.reservedName))
      if (!e.proto.reservedName.includes(name)) ctx.report(e.file, [e.path], p.file, `Previously present reserved name ${JSON.stringify(name)} on enum ${JSON.stringify(e.proto.name)} was deleted.`);
  }),
  valueNoDelete("ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED", "name", categories("WIRE_JSON", true)),
  valueNoDelete("ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED", "number", categories("WIRE_JSON WIRE", true)),
];
