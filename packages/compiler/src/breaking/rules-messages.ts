/** Rules about a message that is still there: its fields, oneofs, reserved and extension ranges, options. */
import { FieldLabel } from "@tsgrpc/protobuf";
import { JsonFormat } from "@tsgrpc/protobuf/codegen-support";
import type { FieldEl, MessageEl } from "../lint/elements.js";
import { missing, pairs, type BreakingContext } from "./context.js";
import { describeField, isSyntheticOneof, messageFeatures, messagePaths } from "./facts.js";
import { checkRanges, MESSAGE_MAX, MESSAGE_SET_MAX, type Range, type RangeOwner } from "./ranges.js";
import { categories, type BreakingRule } from "./rules.js";

/** A rule run on each message both sides have, as (current, previous). */
export function messageRule(id: string, purpose: string, cats: BreakingRule["categories"], check: (ctx: BreakingContext, m: MessageEl, p: MessageEl) => void): BreakingRule {
  return { id, purpose, categories: cats, check: (ctx) => pairs(ctx.current.messages, ctx.previous.messages).forEach(([m, p]) => check(ctx, m, p)) };
}

const inclusive = (ranges: readonly { start?: number | undefined; end?: number | undefined }[]): Range[] => ranges.map((r) => [r.start ?? 0, (r.end ?? 1) - 1]);
const owner = (m: MessageEl): RangeOwner => ({ file: m.file, paths: messagePaths(m), kind: "message", name: m.proto.name!, max: m.proto.options?.["messageSetWireFormat"] === true ? MESSAGE_SET_MAX : MESSAGE_MAX });
const inRanges = (n: number, ranges: readonly Range[]) => ranges.some(([s, e]) => n >= s && n <= e);

type Unless = "number" | "name" | undefined;

/** FIELD_NO_DELETE and its variants that accept a deletion whose number (or name) the message now reserves. */
function fieldNoDelete(id: string, unless: Unless, cats: BreakingRule["categories"]): BreakingRule {
  const purpose = `Checks that fields are not deleted from a given message${unless ? ` unless the ${unless} is reserved` : ""}.`;
  return messageRule(id, purpose, cats, (ctx, m, p) => {
    for (const [number, field] of missing(ctx.current.fieldsOf(m), ctx.previous.fieldsOf(p))) {
      if (unless === "number" && inRanges(number, inclusive(m.proto.reservedRange))) continue;
      if (unless === "name" && m.proto.reservedName.includes(field.proto.name!)) continue;
      const suffix = unless === "number" ? ` without reserving the number "${number}"` : unless === "name" ? ` without reserving the name ${JSON.stringify(field.proto.name)}` : "";
      const description = describeField(field);
      ctx.report(m.file, messagePaths(m), p.file, `Previously present ${description[0]!.toLowerCase()}${description.slice(1)} was deleted${suffix}.`);
    }
  });
}

const requiredFields = (fields: Map<number, FieldEl>) => new Map([...fields].filter(([, f]) => f.proto.label === FieldLabel.REQUIRED));
const JSON_FORMATS: Record<number, string> = { [JsonFormat.ALLOW]: "ALLOW", [JsonFormat.LEGACY_BEST_EFFORT]: "LEGACY_BEST_EFFORT" };

export const MESSAGE_RULES: BreakingRule[] = [
  messageRule("EXTENSION_MESSAGE_NO_DELETE", "Checks that extension ranges are not deleted from a given message.", categories("FILE PACKAGE", true), (ctx, m, p) =>
    checkRanges(ctx, "extension", owner(m), owner(p), inclusive(p.proto.extensionRange), inclusive(m.proto.extensionRange)),
  ),
  fieldNoDelete("FIELD_NO_DELETE", undefined, categories("FILE PACKAGE", true)),
  messageRule("MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR", "Checks that messages do not change the no_standard_descriptor_accessor option from false or unset to true.", categories("FILE PACKAGE", true), (ctx, m, p) => {
    const before = p.proto.options?.["noStandardDescriptorAccessor"] === true;
    const now = m.proto.options?.["noStandardDescriptorAccessor"] === true;
    if (!before && now) ctx.report(m.file, [[...m.path, 7, 2]], p.file, `Message option "no_standard_descriptor_accessor" changed from "false" to "true".`);
  }),
  messageRule("ONEOF_NO_DELETE", "Checks that oneofs are not deleted from a given message.", categories("FILE PACKAGE", true), (ctx, m, p) => {
    const now = new Set(m.proto.oneofDecl.map((o) => o.name!));
    p.proto.oneofDecl.forEach((o, i) => {
      if (!now.has(o.name!) && !isSyntheticOneof(p, i)) ctx.report(m.file, messagePaths(m), p.file, `Previously present oneof ${JSON.stringify(o.name)} on message ${JSON.stringify(m.proto.name)} was deleted.`);
    });
  }),
  messageRule("MESSAGE_SAME_JSON_FORMAT", "Checks that messages have the same JSON format support.", categories("FILE PACKAGE WIRE_JSON", true), (ctx, m, p) => {
    const before = messageFeatures(p).jsonFormat;
    const now = messageFeatures(m).jsonFormat;
    if (before === JsonFormat.ALLOW && now !== JsonFormat.ALLOW)
      ctx.report(m.file, [ctx.optionPath(m.file, [...m.path, 7, 12], [6]), ...messagePaths(m)], p.file, `Message ${JSON.stringify(m.proto.name)} JSON format support changed from ${JSON_FORMATS[before]} to ${JSON_FORMATS[now]}.`);
  }),
  messageRule("MESSAGE_SAME_REQUIRED_FIELDS", "Checks that messages have no added or deleted required fields.", categories("FILE PACKAGE WIRE_JSON WIRE", true), (ctx, m, p) => {
    const before = requiredFields(ctx.previous.fieldsOf(p));
    const now = requiredFields(ctx.current.fieldsOf(m));
    const tail = "Required fields must always be sent, so if one side does not know about the required field, this will result in a breakage.";
    for (const [number] of missing(now, before)) ctx.report(m.file, messagePaths(m), p.file, `Message ${JSON.stringify(p.proto.name)} had required field "${number}" deleted. ${tail}`);
    for (const [number, field] of missing(before, now)) ctx.report(field.file, [field.path], undefined, `Message ${JSON.stringify(m.proto.name)} had required field "${number}" added. ${tail}`);
  }),
  messageRule("RESERVED_MESSAGE_NO_DELETE", "Checks that reserved ranges and names are not deleted from a given message.", categories("FILE PACKAGE WIRE_JSON WIRE", true), (ctx, m, p) => {
    checkRanges(ctx, "reserved", owner(m), owner(p), inclusive(p.proto.reservedRange), inclusive(m.proto.reservedRange));
    for (const name of new Set(p.proto.reservedName))
      if (!m.proto.reservedName.includes(name)) ctx.report(m.file, messagePaths(m), p.file, `Previously present reserved name ${JSON.stringify(name)} on message ${JSON.stringify(m.proto.name)} was deleted.`);
  }),
  fieldNoDelete("FIELD_NO_DELETE_UNLESS_NAME_RESERVED", "name", categories("WIRE_JSON", true)),
  fieldNoDelete("FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", "number", categories("WIRE_JSON WIRE", true)),
];

/** A deprecated rule that checks nothing (buf can no longer read message-set options). */
export const MESSAGE_SET_RULE: BreakingRule = { id: "MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT", purpose: "Checks that messages have the same value for the message_set_wire_format option.", categories: { v1: [], v2: [] }, replacedBy: [], check() {} };
