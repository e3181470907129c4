/**
 * What the rules compare about declarations, worked out as protobuf-go's descriptors (which buf uses) report it: a
 * field's kind and cardinality, resolved editions features, and the descriptions buf's messages start with.
 */
import { FieldLabel, FieldType } from "@tsgrpc/protobuf";
import { editionOf, featureDefaults, FieldPresence, MessageEncoding, mergeFeatures, type ResolvedFeatures } from "@tsgrpc/protobuf/codegen-support";
import type { ElementFile, EnumEl, FieldEl, MessageEl } from "../lint/elements.js";
import type { Schema } from "./context.js";

/** protoreflect.Kind names, by FieldDescriptorProto.Type. */
const KIND_NAMES: Record<number, string> = {
  1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 6: "fixed64", 7: "fixed32", 8: "bool", 9: "string",
  10: "group", 11: "message", 12: "bytes", 13: "uint32", 14: "enum", 15: "sfixed32", 16: "sfixed64", 17: "sint32", 18: "sint64",
};

export const isEditions = (f: ElementFile) => f.proto.syntax === "editions";

const fileFeatures = (f: ElementFile) => mergeFeatures(featureDefaults(editionOf(f.proto)), f.proto.options);

export function messageFeatures(m: MessageEl): ResolvedFeatures {
  return mergeFeatures(m.parent ? messageFeatures(m.parent) : fileFeatures(m.file), m.proto.options);
}

export function enumFeatures(e: EnumEl): ResolvedFeatures {
  return mergeFeatures(e.parent ? messageFeatures(e.parent) : fileFeatures(e.file), e.proto.options);
}

export function fieldFeatures(f: FieldEl): ResolvedFeatures {
  let features = f.parent ? messageFeatures(f.parent) : fileFeatures(f.file);
  if (f.proto.extendee === undefined && f.proto.oneofIndex !== undefined) features = mergeFeatures(features, f.parent?.proto.oneofDecl[f.proto.oneofIndex]?.options);
  return mergeFeatures(features, f.proto.options);
}

/** The field's kind: a message field with delimited encoding is a group, as protoreflect has it. */
export function kindOf(f: FieldEl, schema: Schema): number {
  if (f.proto.type === FieldType.MESSAGE && isEditions(f.file) && fieldFeatures(f).messageEncoding === MessageEncoding.DELIMITED && !schema.messageOf(f)?.isMapEntry) return FieldType.GROUP;
  return f.proto.type!;
}

/** A kind as buf prints it: a group outside proto2 is a delimited message. */
export function kindName(f: FieldEl, schema: Schema): string {
  const kind = kindOf(f, schema);
  if (kind === FieldType.GROUP && f.file.proto.syntax !== undefined && f.file.proto.syntax !== "proto2") return "message (delimited encoding)";
  return KIND_NAMES[kind] ?? String(kind);
}

export const isMessageKind = (kind: number) => kind === FieldType.MESSAGE || kind === FieldType.GROUP || kind === FieldType.ENUM;

export type Cardinality = "optional with explicit presence" | "optional with implicit presence" | "required" | "repeated" | "map";

export function isMap(f: FieldEl, schema: Schema): boolean {
  return f.proto.label === FieldLabel.REPEATED && f.proto.type === FieldType.MESSAGE && schema.messageOf(f)?.isMapEntry === true;
}

export function cardinalityOf(f: FieldEl, schema: Schema): Cardinality {
  if (f.proto.label === FieldLabel.REPEATED) return isMap(f, schema) ? "map" : "repeated";
  if (f.proto.label === FieldLabel.REQUIRED) return "required";
  const features = fieldFeatures(f);
  if (isEditions(f.file) && features.fieldPresence === FieldPresence.LEGACY_REQUIRED) return "required";
  const explicit = f.proto.type === FieldType.MESSAGE || f.proto.type === FieldType.GROUP || f.proto.extendee !== undefined || f.proto.oneofIndex !== undefined || features.fieldPresence !== FieldPresence.IMPLICIT;
  return explicit ? "optional with explicit presence" : "optional with implicit presence";
}

/** The oneof a field is in, unless it is proto3's synthetic one of an `optional` field. */
export function realOneof(f: FieldEl): string | undefined {
  if (f.proto.extendee !== undefined || f.proto.oneofIndex === undefined || f.proto.proto3Optional) return undefined;
  return f.parent?.proto.oneofDecl[f.proto.oneofIndex]?.name;
}

/** Whether a oneof is the synthetic one of a proto3 `optional` field. */
export function isSyntheticOneof(m: MessageEl, index: number): boolean {
  const fields = m.proto.field.filter((f) => f.oneofIndex === index);
  return fields.length === 1 && fields[0]!.proto3Optional === true;
}

/** A field's name as buf names it: an extension by its full name. */
export function fieldName(f: FieldEl): string {
  if (f.proto.extendee === undefined) return f.proto.name!;
  const scope = f.parent ? f.parent.fullName : (f.file.proto.package ?? "");
  return scope ? `${scope}.${f.proto.name!}` : f.proto.name!;
}

/** `Field "2" with name "age" on message "Pet"` (`Extension ... on message "pkg.Extendee"`); no name part when `name` is "". */
export function describeField(f: FieldEl, name: string = fieldName(f)): string {
  const withName = name ? ` with name ${JSON.stringify(name)}` : "";
  if (f.proto.extendee !== undefined) return `Extension "${f.proto.number}"${withName} on message ${JSON.stringify(f.proto.extendee.replace(/^\./, ""))}`;
  return `Field "${f.proto.number}"${withName} on message ${JSON.stringify(f.parent!.proto.name!)}`;
}

/** A map entry's stand-in location: the type of the map field that declares it (protoc gives the entry none). */
export function mapEntryPath(m: MessageEl | undefined): number[] | undefined {
  if (!m?.isMapEntry || !m.parent) return undefined;
  const i = m.parent.proto.field.findIndex((f) => f.type === FieldType.MESSAGE && f.label === FieldLabel.REPEATED && f.typeName?.replace(/^\./, "") === m.fullName);
  return i < 0 ? undefined : [...m.parent.path, 2, i, 6];
}

/** A message's location paths: its own, then (for a map entry) the map field's type. */
export const messagePaths = (m: MessageEl) => [m.path, mapEntryPath(m)];
/** A field's location paths: its own (or the part `sub` of it), then those of a map entry it is in. */
export const fieldPaths = (f: FieldEl, sub: number[] = []) => [[...f.path, ...sub], mapEntryPath(f.parent)];
