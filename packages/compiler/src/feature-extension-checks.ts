import { editionName } from "@tsgrpc/protobuf/codegen-support";
import type { OptionsMessage, Registry } from "@tsgrpc/protobuf";
import { featureFullName, readFeatureExtensions } from "./feature-extensions.js";

/**
 * protoc's checks of the language features an element sets (`features.(pb.cpp).string_type`): each on an element
 * its `targets` allow, and within the editions its `feature_support` gives. `report` gets the extension's field
 * number (where the feature was written) and the message.
 */
export function checkFeatureExtensions(
  features: OptionsMessage,
  pool: Registry,
  target: { number: number; name: string },
  edition: number,
  report: (extensionNo: number, message: string) => void,
): void {
  for (const [extension, value] of readFeatureExtensions(features, pool)) {
    for (const f of extension.message!.fields) {
      if (value[f.localName] === undefined) continue;
      const name = featureFullName(extension, f);
      const opts = f.proto.options ?? {};
      const targets = (opts["targets"] ?? []) as number[];
      if (targets.length > 0 && !targets.includes(target.number)) {
        report(extension.no, `Option ${name} cannot be set on an entity of type \`${target.name}\`.`);
      }
      const support = opts["featureSupport"] as { editionIntroduced?: number; editionRemoved?: number } | undefined;
      if (support?.editionIntroduced !== undefined && edition < support.editionIntroduced) {
        report(extension.no, `Feature ${name} wasn't introduced until edition ${editionName(support.editionIntroduced)} and can't be used in edition ${editionName(edition)}`);
      }
      if (support?.editionRemoved !== undefined && edition >= support.editionRemoved) {
        report(extension.no, `Feature ${name} has been removed in edition ${editionName(support.editionRemoved)} and can't be used in edition ${editionName(edition)}`);
      }
    }
  }
}
