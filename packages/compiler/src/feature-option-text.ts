import { FieldType } from "@tsgrpc/protobuf";
import { getDescriptorRegistry } from "@tsgrpc/protobuf/codegen-support";
import type { FieldInfo, OptionsMessage, Registry } from "@tsgrpc/protobuf";
import { readFeatureExtensions } from "./feature-extensions.js";

/** A feature's value as .proto text: an enum value's name, `true`/`false`, a number or a quoted string. */
function valueText(f: FieldInfo, v: unknown): string {
  if (f.type === FieldType.ENUM) return f.enum?.byNumber.get(v as number) ?? String(v);
  if (f.type === FieldType.STRING) return JSON.stringify(v);
  return String(v);
}

/**
 * The features an element's options set, as the option assignments that set them (`features.field_presence =
 * IMPLICIT`, `features.(pb.cpp).string_type = VIEW`): descriptor.proto's first, by field number, then each feature
 * extension `registry` knows. What a printer of editions files writes in `option ...;` or `[...]`.
 */
export function featureOptionTexts(options: OptionsMessage | undefined, registry: Registry): string[] {
  const features = options?.["features"] as OptionsMessage | undefined;
  if (!features) return [];
  const out: string[] = [];
  const featureSet = getDescriptorRegistry().getMessage("google.protobuf.FeatureSet")!;
  for (const f of [...featureSet.fields].sort((a, b) => a.no - b.no)) {
    const v = features[f.localName];
    if (v !== undefined && v !== 0) out.push(`features.${f.name} = ${valueText(f, v)}`);
  }
  for (const [extension, value] of [...readFeatureExtensions(features, registry)].sort((a, b) => a[0].no - b[0].no)) {
    for (const f of extension.message!.fields) {
      const v = value[f.localName];
      if (v !== undefined) out.push(`features.(${extension.fullName ?? extension.name}).${f.name} = ${valueText(f, v)}`);
    }
  }
  return out;
}
