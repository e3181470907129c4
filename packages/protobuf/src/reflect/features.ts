/**
 * Editions features: the defaults of each edition, read from descriptor.proto's own schema (each FeatureSet field's
 * `edition_defaults` option, as protoc compiles them into its FeatureSetDefaults), and their resolution down the tree
 * of a file: file, message, oneof or field, enum. proto2 and proto3 are editions too, the legacy ones (PROTO2,
 * PROTO3): a file without `edition` resolves its features from its syntax, so one code path serves all three.
 */
import { DESCRIPTOR_PROTO } from "../descriptor/descriptor-proto.js";
import type { DescriptorProto, EnumDescriptorProto, FileDescriptorProto, OptionsMessage } from "../descriptor/descriptor-types.js";

/** descriptor.proto's Edition values this code uses. */
export const Edition = {
  UNKNOWN: 0,
  LEGACY: 900,
  PROTO2: 998,
  PROTO3: 999,
  EDITION_2023: 1000,
  EDITION_2024: 1001,
  MAX: 0x7fffffff,
} as const;

/** The editions whose features this runtime resolves (protoc's PROTOBUF_MINIMUM_EDITION and _MAXIMUM_EDITION). */
export const MINIMUM_EDITION: number = Edition.PROTO2;
export const MAXIMUM_EDITION: number = Edition.EDITION_2024;

/** The values of the features the runtime acts on (FeatureSet's enums). */
export const FieldPresence = { EXPLICIT: 1, IMPLICIT: 2, LEGACY_REQUIRED: 3 } as const;
export const EnumType = { OPEN: 1, CLOSED: 2 } as const;
export const RepeatedFieldEncoding = { PACKED: 1, EXPANDED: 2 } as const;
export const Utf8Validation = { VERIFY: 2, NONE: 3 } as const;
export const MessageEncoding = { LENGTH_PREFIXED: 1, DELIMITED: 2 } as const;
export const JsonFormat = { ALLOW: 1, LEGACY_BEST_EFFORT: 2 } as const;

/** A FeatureSet with every feature resolved, keyed by the fields' local names (`fieldPresence`, ...). */
export interface ResolvedFeatures {
  readonly fieldPresence: number;
  readonly enumType: number;
  readonly repeatedFieldEncoding: number;
  readonly utf8Validation: number;
  readonly messageEncoding: number;
  readonly jsonFormat: number;
  readonly [feature: string]: unknown;
}

/** The edition a file's features come from: its `edition` under editions, else PROTO3 or PROTO2 by its syntax. */
export function editionOf(file: { syntax?: string | undefined; edition?: number | undefined }): number {
  if (file.syntax === "editions") return file.edition ?? Edition.UNKNOWN;
  return file.syntax === "proto3" ? Edition.PROTO3 : Edition.PROTO2;
}

/** Edition numbers as protoc prints them ("2023", "PROTO2", "99999_TEST_ONLY"). */
export function editionName(edition: number): string {
  const value = editionEnum().value.find((v) => v.number === edition);
  return value ? value.name!.replace(/^EDITION_/, "") : String(edition);
}

let editionEnumCache: EnumDescriptorProto | undefined;
function editionEnum(): EnumDescriptorProto {
  return (editionEnumCache ??= DESCRIPTOR_PROTO.enumType.find((e) => e.name === "Edition")!);
}

interface FeatureDefault {
  localName: string;
  /** (edition, value) pairs, ascending by edition. */
  defaults: Array<[number, number]>;
}

let featureFields: FeatureDefault[] | undefined;

/** Each enum-valued FeatureSet field with its edition defaults, the values looked up in the enum it names. */
function featureDefaultsTable(): FeatureDefault[] {
  if (featureFields) return featureFields;
  const featureSet = DESCRIPTOR_PROTO.messageType.find((m) => m.name === "FeatureSet")!;
  const out: FeatureDefault[] = [];
  for (const f of featureSet.field) {
    const editionDefaults = (f.options?.["editionDefaults"] ?? []) as Array<{ edition?: number; value?: string }>;
    const e = f.typeName ? findEnum(featureSet, f.typeName.slice(".google.protobuf.FeatureSet.".length).split(".")) : undefined;
    if (!e || editionDefaults.length === 0) continue;
    const defaults = editionDefaults
      .map((d): [number, number] => [d.edition ?? 0, e.value.find((v) => v.name === d.value)?.number ?? 0])
      .sort((a, b) => a[0] - b[0]);
    out.push({ localName: f.jsonName ?? f.name!, defaults });
  }
  return (featureFields = out);
}

function findEnum(scope: DescriptorProto, path: string[]): EnumDescriptorProto | undefined {
  if (path.length === 1) return scope.enumType.find((e) => e.name === path[0]);
  const nested = scope.nestedType.find((m) => m.name === path[0]);
  return nested && findEnum(nested, path.slice(1));
}

const defaultsCache = new Map<number, ResolvedFeatures>();

/**
 * The features of an edition before any file sets one: for each feature, the value of the latest `edition_defaults`
 * entry at or before the edition (what protoc's FeatureSetDefaults holds, fixed and overridable merged).
 */
export function featureDefaults(edition: number): ResolvedFeatures {
  let out = defaultsCache.get(edition);
  if (!out) {
    const features: Record<string, number> = {};
    for (const { localName, defaults } of featureDefaultsTable()) {
      let value = 0;
      for (const [e, v] of defaults) if (e <= edition) value = v;
      features[localName] = value;
    }
    out = Object.freeze(features) as unknown as ResolvedFeatures;
    defaultsCache.set(edition, out);
  }
  return out;
}

/** `parent` with the features an element sets in its options (`options.features`) laid over it. */
export function mergeFeatures(parent: ResolvedFeatures, options: OptionsMessage | undefined): ResolvedFeatures {
  const own = options?.["features"] as Record<string, unknown> | undefined;
  if (!own) return parent;
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(own)) {
    if (v === undefined || v === 0) continue;
    out ??= { ...parent };
    out[k] = v;
  }
  return (out as ResolvedFeatures | undefined) ?? parent;
}

/** The features a file's elements inherit: its edition's defaults under the file's own `features` option. */
export function fileFeatures(file: FileDescriptorProto): ResolvedFeatures {
  return mergeFeatures(featureDefaults(editionOf(file)), file.options);
}
