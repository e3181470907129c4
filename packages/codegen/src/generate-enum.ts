import type { EnumInfo } from "@tsgrpc/protobuf";
import type { CodeWriter } from "./code-writer.js";
import type { Comments } from "./comments.js";
import { enumMemberNames } from "./enum-names.js";
import type { GenerateOptions } from "./options.js";
import { key } from "./ts-names.js";

/**
 * An enum with the .proto's numbers and its member names (shared prefix stripped): a TypeScript enum, or with
 * `enumStyle: "const"` a `const` object and the union of its values (erasable syntax).
 */
export function generateEnum(out: CodeWriter, e: EnumInfo, name: string, comments: Comments, path: number[], options: GenerateOptions, fileDeprecated: boolean): void {
  const names = enumMemberNames(e);
  const deprecated = fileDeprecated || e.proto.options?.["deprecated"] === true;
  comments.write(out, path, { generatedFrom: `enum ${e.typeName}`, deprecated });
  const members = () =>
    e.proto.value.forEach((v, i) => {
      comments.write(out, [...path, 2, i], { generatedFrom: `enum value: ${v.name} = ${v.number};`, deprecated: v.options?.["deprecated"] === true });
      out.line(options.enumStyle === "const" ? `${key(names[i]!)}: ${v.number},` : `${names[i]} = ${v.number},`);
    });
  if (options.enumStyle === "const") {
    out.block(`export const ${name} = {`, members, "} as const;");
    comments.write(out, path, { generatedFrom: `enum ${e.typeName}`, deprecated });
    out.line(`export type ${name} = (typeof ${name})[keyof typeof ${name}];`);
  } else {
    out.block(`export enum ${name} {`, members);
  }
  out.line();
}
