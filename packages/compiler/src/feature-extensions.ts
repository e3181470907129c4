import { FieldType } from "@tsgrpc/protobuf";
import { BinaryReader, BinaryWriter, UnknownFields, WireType, decodeDynamic, writeField } from "@tsgrpc/protobuf/codegen-support";
import type { FieldInfo, OptionsMessage, Registry } from "@tsgrpc/protobuf";
import type { ResolvedFeatures } from "@tsgrpc/protobuf/codegen-support";

/**
 * Feature extensions: the language features that files such as google/protobuf/cpp_features.proto add to FeatureSet
 * (`features.(pb.cpp).string_type`). Option interpretation keeps them as encoded unknown fields of the `features`
 * message; this module reads them back, writes them the way protoc and buf do, and gives their defaults per edition.
 */

const FEATURE_SET = "google.protobuf.FeatureSet";

/** The values of each feature extension set in one `features` message, merged, by extension field. */
export type FeatureExtensionValues = Map<FieldInfo, Record<string, unknown>>;

function chunksOf(features: OptionsMessage): Uint8Array[] {
  return (features as { [UnknownFields]?: Uint8Array[] })[UnknownFields] ?? [];
}

/** One unknown-field chunk as (field number, the length-delimited payload or undefined for other wire types). */
function splitChunk(chunk: Uint8Array): { no: number; payload: Uint8Array | undefined } {
  const r = new BinaryReader(chunk);
  const tag = r.tag();
  return { no: tag >>> 3, payload: (tag & 7) === WireType.LengthDelimited ? r.bytes() : undefined };
}

/** The feature extensions `features` sets that `pool` knows, each decoded (several settings of one merged). */
export function readFeatureExtensions(features: OptionsMessage | undefined, pool: Registry): FeatureExtensionValues {
  const out: FeatureExtensionValues = new Map();
  if (!features) return out;
  for (const chunk of chunksOf(features)) {
    const { no, payload } = splitChunk(chunk);
    const extension = pool.getExtensionFor(FEATURE_SET, no);
    if (!extension?.message || payload === undefined) continue;
    const value = out.get(extension) ?? {};
    decodeDynamic(extension.message, new BinaryReader(payload), value);
    out.set(extension, value);
  }
  return out;
}

/**
 * Rewrites the feature extensions of a `features` message as one record each, in field-number order: how protoc
 * and buf serialize an options message, whatever order the options were written in.
 */
export function canonicalizeFeatureExtensions(features: OptionsMessage, pool: Registry): void {
  const chunks = chunksOf(features);
  if (chunks.length === 0) return;
  const values = readFeatureExtensions(features, pool);
  const known = new Set([...values.keys()].map((x) => x.no));
  const records: Array<{ no: number; bytes: Uint8Array }> = chunks
    .map((bytes) => ({ no: splitChunk(bytes).no, bytes }))
    .filter((c) => !known.has(c.no));
  for (const [extension, value] of values) {
    const w = new BinaryWriter(64);
    writeField(extension, value, w);
    records.push({ no: extension.no, bytes: w.finish() });
  }
  records.sort((a, b) => a.no - b.no);
  (features as { [UnknownFields]?: Uint8Array[] })[UnknownFields] = records.map((r) => r.bytes);
}

/** Every FeatureSet extension `pool` defines (pb.cpp, pb.java, pb.go, ... when their files are imported). */
export function featureExtensionsIn(pool: Registry): FieldInfo[] {
  return pool.extensionsOf(FEATURE_SET).filter((x) => x.message !== undefined);
}

/** An extension's features before any file sets one: each field's latest `edition_defaults` entry at or before `edition`. */
export function featureExtensionDefaults(extension: FieldInfo, edition: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of extension.message!.fields) {
    const defaults = ((f.proto.options?.["editionDefaults"] ?? []) as Array<{ edition?: number; value?: string }>)
      .filter((d) => (d.edition ?? 0) <= edition)
      .sort((a, b) => (a.edition ?? 0) - (b.edition ?? 0));
    const written = defaults.at(-1)?.value;
    if (written !== undefined) out[f.localName] = defaultValue(f, written);
  }
  return out;
}

/** An `edition_defaults` value (text format: `true`, an enum value's name, a number) as a value of the field's type. */
function defaultValue(f: FieldInfo, text: string): unknown {
  if (f.type === FieldType.BOOL) return text === "true";
  if (f.type === FieldType.ENUM) return f.enum?.byName.get(text) ?? 0;
  if (f.type === FieldType.STRING) return text;
  return Number(text);
}

/** The fully qualified name protoc gives a feature of an extension in its messages (`pb.CppFeatures.string_type`). */
export function featureFullName(extension: FieldInfo, feature: FieldInfo): string {
  return `${extension.message!.typeName}.${feature.name}`;
}

/**
 * `features` with each feature extension `pool` knows added under its full name (`pb.cpp`), at its defaults for
 * `edition`: the starting point of a file's resolution.
 */
export function withFeatureExtensionDefaults(features: ResolvedFeatures, pool: Registry, edition: number): ResolvedFeatures {
  const extensions = featureExtensionsIn(pool);
  if (extensions.length === 0) return features;
  const out: Record<string, unknown> = { ...features };
  for (const x of extensions) out[x.fullName ?? x.name] = featureExtensionDefaults(x, edition);
  return out as ResolvedFeatures;
}

/** `parent` with the feature extension values an element sets (in its `features` option) laid over it. */
export function mergeFeatureExtensions(parent: ResolvedFeatures, own: OptionsMessage | undefined, pool: Registry): ResolvedFeatures {
  const values = readFeatureExtensions(own, pool);
  if (values.size === 0) return parent;
  const out: Record<string, unknown> = { ...parent };
  for (const [x, value] of values) {
    const key = x.fullName ?? x.name;
    const merged: Record<string, unknown> = { ...(out[key] as Record<string, unknown> | undefined) };
    for (const [k, v] of Object.entries(value)) if (v !== undefined) merged[k] = v;
    out[key] = merged;
  }
  return out as ResolvedFeatures;
}
