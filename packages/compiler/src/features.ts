import { FieldLabel, FieldType } from "@tsgrpc/protobuf";
import { editionName, editionOf, EnumType, FieldPresence, JsonFormat, MAXIMUM_EDITION, MINIMUM_EDITION, mergeFeatures, featureDefaults, isPackable, RepeatedFieldEncoding, jsonNameOf } from "@tsgrpc/protobuf/codegen-support";
import type { ResolvedFeatures } from "@tsgrpc/protobuf/codegen-support";
import type { DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto, OptionsMessage, Registry } from "@tsgrpc/protobuf";
import { checkFeatureExtensions } from "./feature-extension-checks.js";
import { mergeFeatureExtensions, withFeatureExtensionDefaults } from "./feature-extensions.js";
import type { LinkContext } from "./linker.js";

/** descriptor.proto's FieldOptions.OptionTargetType, with the words protoc uses for each. */
const TARGET = { file: 1, "extension range": 2, message: 3, field: 4, oneof: 5, enum: 6, "enum entry": 7, service: 8, method: 9 } as const;
type Target = keyof typeof TARGET;

/** The field number of `features` in each options message (the source path of a feature is below it). */
const FEATURES_FIELD: Record<Target, number> = { file: 50, "extension range": 50, message: 12, field: 21, oneof: 1, enum: 7, "enum entry": 2, service: 34, method: 35 };

interface Holder {
  options?: OptionsMessage | undefined;
}

/**
 * The editions checks protoc makes once options are interpreted (its FeatureResolver and DescriptorBuilder's
 * ValidateFileFeatures, ValidateFieldFeatures and ValidateOptions): the edition is one this compiler has defaults
 * for, each feature is set on an element its `targets` allow, exists in the file's edition and resolves to a known
 * value; fields and enums obey the features they resolve to. proto2 and proto3 files may not set features at all.
 * Returns each element's resolved features (the file, messages, fields, oneofs, enums, values, services, methods),
 * with those of the feature extensions the file imports (`pb.cpp`, ...) under their names.
 */
export function validateFeatures(ctx: LinkContext, builtin: Registry, pool: Registry): Map<object, ResolvedFeatures> {
  const resolvedByElement = new Map<object, ResolvedFeatures>();
  const file = ctx.file;
  const edition = editionOf(file);
  const report = (path: number[], message: string) => {
    const { line, column } = ctx.position(path);
    ctx.diagnostics.push({ file: file.name!, line, column, message });
  };
  if (edition < MINIMUM_EDITION) {
    report([12], `Edition ${editionName(edition)} is earlier than the minimum supported edition ${editionName(MINIMUM_EDITION)}`);
    return resolvedByElement;
  }
  if (edition > MAXIMUM_EDITION) {
    report([12], `Edition ${editionName(edition)} is later than the maximum supported edition ${editionName(MAXIMUM_EDITION)}`);
    return resolvedByElement;
  }
  const editions = file.syntax === "editions";
  const featureSet = builtin.getMessage("google.protobuf.FeatureSet")!;

  /** Where a feature was written: its option's location, else the element's options, else its name. */
  const featurePath = (optionsPath: number[], target: Target, featureNo?: number) => {
    const want = [...optionsPath, FEATURES_FIELD[target], ...(featureNo === undefined ? [] : [featureNo])];
    const key = want.join(",");
    const loc = file.sourceCodeInfo?.location.find((l) => l.path.join(",").startsWith(key) && (l.path.length === want.length || l.path.join(",")[key.length] === ","));
    return loc ? loc.path : optionsPath;
  };

  /** The element's features laid over its parent's, after checking the ones it sets; kept for later checks. */
  const resolve = (parent: ResolvedFeatures, holder: Holder, target: Target, optionsPath: number[]): ResolvedFeatures => {
    const resolved = check(parent, holder, target, optionsPath);
    resolvedByElement.set(holder, resolved);
    return resolved;
  };
  const check = (parent: ResolvedFeatures, holder: Holder, target: Target, optionsPath: number[]): ResolvedFeatures => {
    const own = holder.options?.["features"] as Record<string, unknown> | undefined;
    if (!own) return parent;
    if (!editions) {
      report(featurePath(optionsPath, target), "Features are only valid under editions.");
      return parent;
    }
    for (const f of featureSet.fields) {
      const value = own[f.localName];
      if (value === undefined) continue;
      const at = featurePath(optionsPath, target, f.no);
      const opts = f.proto.options ?? {};
      const targets = (opts["targets"] ?? []) as number[];
      if (targets.length > 0 && !targets.includes(TARGET[target])) {
        report(at, `Option google.protobuf.FeatureSet.${f.name} cannot be set on an entity of type \`${target}\`.`);
      }
      const support = opts["featureSupport"] as { editionIntroduced?: number; editionRemoved?: number } | undefined;
      if (support?.editionIntroduced !== undefined && edition < support.editionIntroduced) {
        report(at, `Feature google.protobuf.FeatureSet.${f.name} wasn't introduced until edition ${editionName(support.editionIntroduced)} and can't be used in edition ${editionName(edition)}`);
      }
      if (support?.editionRemoved !== undefined && edition >= support.editionRemoved) {
        report(at, `Feature google.protobuf.FeatureSet.${f.name} has been removed in edition ${editionName(support.editionRemoved)} and can't be used in edition ${editionName(edition)}`);
      }
      if (f.enum && value === 0) {
        report(at, `Feature field \`${f.name}\` must resolve to a known value, found ${f.enum.byNumber.get(0) ?? "0"}`);
      }
    }
    checkFeatureExtensions(own, pool, { number: TARGET[target], name: target }, edition, (no, message) => report(featurePath(optionsPath, target, no), message));
    return mergeFeatureExtensions(mergeFeatures(parent, holder.options), holder.options?.["features"] as OptionsMessage | undefined, pool);
  };

  const fileFeatures = resolve(withFeatureExtensionDefaults(featureDefaults(edition), pool, edition), file, "file", [8]);
  if (editions && fileFeatures.fieldPresence === FieldPresence.LEGACY_REQUIRED) report(featurePath([8], "file", 1), "Required presence can't be specified by default.");
  if (editions && file.options?.["javaStringCheckUtf8"] === true) {
    report([8], "File option java_string_check_utf8 is not allowed under editions. Use the (pb.java).utf8_validation feature to control this behavior.");
  }

  const enumClosed = new Map<EnumDescriptorProto, boolean>();
  const fields: Array<{ f: FieldDescriptorProto; features: ResolvedFeatures; own: Record<string, unknown> | undefined; path: number[]; inMapEntry: boolean; isExtension: boolean }> = [];

  const visitEnum = (e: EnumDescriptorProto, parent: ResolvedFeatures, path: number[]) => {
    const features = resolve(parent, e, "enum", [...path, 3]);
    e.value.forEach((v, i) => resolve(features, v, "enum entry", [...path, 2, i, 3]));
    const closed = features.enumType === EnumType.CLOSED;
    enumClosed.set(e, closed);
    if (editions && !closed && e.value.length > 0 && e.value[0]!.number !== 0) report([...path, 2, 0, 2], "The first enum value must be zero for open enums.");
  };
  const visitField = (f: FieldDescriptorProto, parent: ResolvedFeatures, path: number[], inMapEntry: boolean, isExtension: boolean) => {
    const features = resolve(parent, f, "field", [...path, 8]);
    fields.push({ f, features, own: f.options?.["features"] as Record<string, unknown> | undefined, path, inMapEntry, isExtension });
  };
  const visitMessage = (m: DescriptorProto, parent: ResolvedFeatures, path: number[]) => {
    const features = resolve(parent, m, "message", [...path, 7]);
    const oneofFeatures = m.oneofDecl.map((o, i) => resolve(features, o, "oneof", [...path, 8, i, 2]));
    m.extensionRange.forEach((r, i) => resolve(features, r, "extension range", [...path, 5, i, 3]));
    const mapEntry = m.options?.["mapEntry"] === true;
    m.field.forEach((f, i) => visitField(f, f.oneofIndex !== undefined ? (oneofFeatures[f.oneofIndex] ?? features) : features, [...path, 2, i], mapEntry, false));
    m.extension.forEach((x, i) => visitField(x, features, [...path, 6, i], false, true));
    m.nestedType.forEach((n, i) => visitMessage(n, features, [...path, 3, i]));
    m.enumType.forEach((e, i) => visitEnum(e, features, [...path, 4, i]));
    if (editions && features.jsonFormat === JsonFormat.ALLOW && !mapEntry) checkJsonNames(m, path, report);
  };
  file.messageType.forEach((m, i) => visitMessage(m, fileFeatures, [4, i]));
  file.enumType.forEach((e, i) => visitEnum(e, fileFeatures, [5, i]));
  file.extension.forEach((x, i) => visitField(x, fileFeatures, [7, i], false, true));
  file.service.forEach((s, i) => {
    const features = resolve(fileFeatures, s, "service", [6, i, 3]);
    s.method.forEach((m, j) => resolve(features, m, "method", [6, i, 2, j, 4]));
  });
  if (!editions) return resolvedByElement;

  const isClosed = (typeName: string | undefined) => {
    const entry = typeName ? ctx.table.get(typeName.slice(1)) : undefined;
    if (!entry || entry.kind !== "enum") return false;
    const e = entry.proto as EnumDescriptorProto;
    return enumClosed.get(e) ?? enumIsClosed(entry.file, e);
  };
  const isMapEntryType = (typeName: string | undefined) => {
    const entry = typeName ? ctx.table.get(typeName.slice(1)) : undefined;
    return entry?.kind === "message" && (entry.proto as DescriptorProto).options?.["mapEntry"] === true;
  };
  for (const { f, features, own, path, inMapEntry, isExtension } of fields) {
    const at = [...path, 1];
    const repeated = f.label === FieldLabel.REPEATED;
    const isMessage = f.type === FieldType.MESSAGE || f.type === FieldType.GROUP;
    if (f.options?.["packed"] !== undefined) report(at, "Field option packed is not allowed under editions.  Use the repeated_field_encoding feature to control this behavior.");
    const presence = !repeated && (isMessage || f.oneofIndex !== undefined || isExtension || features.fieldPresence !== FieldPresence.IMPLICIT);
    if (!repeated && !presence) {
      if (f.defaultValue !== undefined) report(at, "Implicit presence fields can't specify defaults.");
      if (f.type === FieldType.ENUM && isClosed(f.typeName)) report(at, "Implicit presence enum fields must always be open.");
    }
    if (isExtension && features.fieldPresence === FieldPresence.LEGACY_REQUIRED) report(at, "Extensions can't be required.");
    if (inMapEntry || !own) continue;
    if (own["fieldPresence"] !== undefined) {
      if (f.oneofIndex !== undefined) report(at, "Oneof fields can't specify field presence.");
      else if (repeated) report(at, "Repeated fields can't specify field presence.");
      else if (isExtension && own["fieldPresence"] !== FieldPresence.LEGACY_REQUIRED) report(at, "Extensions can't specify field presence.");
      else if (isMessage && own["fieldPresence"] === FieldPresence.IMPLICIT) report(at, "Message fields can't specify implicit presence.");
    }
    if (!repeated && own["repeatedFieldEncoding"] !== undefined) report(at, "Only repeated fields can specify repeated field encoding.");
    const mapMessage = repeated && f.type === FieldType.MESSAGE && isMapEntryType(f.typeName);
    const stringMap = mapMessage && (ctx.table.get(f.typeName!.slice(1))!.proto as DescriptorProto).field.some((x) => x.type === FieldType.STRING);
    if (f.type !== FieldType.STRING && !stringMap && own["utf8Validation"] !== undefined) report(at, "Only string fields can specify utf8 validation.");
    if (!(repeated && isPackable(f.type!)) && own["repeatedFieldEncoding"] === RepeatedFieldEncoding.PACKED) {
      report(at, "Only repeated primitive fields can specify PACKED repeated field encoding.");
    }
    if ((!isMessage || mapMessage) && own["messageEncoding"] !== undefined) report(at, "Only message fields can specify message encoding.");
  }
  return resolvedByElement;
}

/** protoc's check of JSON names under `json_format = ALLOW`: default names must differ, and custom ones too. */
function checkJsonNames(m: DescriptorProto, path: number[], report: (path: number[], message: string) => void): void {
  for (const useCustom of [false, true]) {
    const seen = new Map<string, { name: string; json: string; custom: boolean }>();
    m.field.forEach((f, i) => {
      const def = jsonNameOf(f.name!);
      const custom = useCustom && f.jsonName !== undefined && f.jsonName !== def;
      const json = custom ? f.jsonName! : def;
      if (custom && json.startsWith("[") && json.endsWith("]")) {
        report([...path, 2, i, 1], `The custom JSON name of field "${f.name}" ("${json}") is invalid: JSON names may not start with '[' and end with ']'.`);
        return;
      }
      const match = seen.get(json);
      if (!match) {
        seen.set(json, { name: f.name!, json, custom });
        return;
      }
      if (useCustom && !custom && !match.custom) return;
      const suffix = json !== match.json ? ` ("${match.json}")` : "";
      report([...path, 2, i, 1], `The ${custom ? "custom" : "default"} JSON name of field "${f.name}" ("${json}") conflicts with the ${match.custom ? "custom" : "default"} JSON name of field "${match.name}"${suffix}.`);
    });
  }
}

/** Whether an enum of an already compiled file is closed, its features resolved from the file down to it. */
export function enumIsClosed(file: FileDescriptorProto, target: EnumDescriptorProto): boolean {
  const find = (features: ResolvedFeatures, enums: EnumDescriptorProto[], messages: DescriptorProto[]): boolean | undefined => {
    const e = enums.find((x) => x === target);
    if (e) return mergeFeatures(features, e.options).enumType === EnumType.CLOSED;
    for (const m of messages) {
      const found = find(mergeFeatures(features, m.options), m.enumType, m.nestedType);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return find(mergeFeatures(featureDefaults(editionOf(file)), file.options), file.enumType, file.messageType) ?? false;
}
