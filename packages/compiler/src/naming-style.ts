import type { ResolvedFeatures } from "@tsgrpc/protobuf/codegen-support";
import type { DescriptorProto, EnumDescriptorProto, FileDescriptorProto } from "@tsgrpc/protobuf";

/** FeatureSet.EnforceNamingStyle.STYLE2024: edition 2024's default. */
const STYLE2024 = 1;
const OPT_OUT = " (features.enforce_naming_style = STYLE_LEGACY can be used to opt out of this check)";

/** Underscores at either end, or before anything but a letter. */
function badUnderscores(name: string): boolean {
  return name.startsWith("_") || name.endsWith("_") || /_[^A-Za-z]/.test(name);
}

/** protoc's naming_style checks, as the reason a name fails ("should be TitleCase"), or undefined when it passes. */
function titleCase(name: string): string | undefined {
  if (!name) return "is empty";
  if (!/^[A-Za-z0-9]+$/.test(name)) return "should be TitleCase";
  if (!/^[A-Z]/.test(name)) return "should begin with a capital letter";
  return undefined;
}
function lowerSnakeCase(name: string): string | undefined {
  if (!name) return "is empty";
  if (!/^[a-z0-9_.]+$/.test(name)) return "should be lower_snake_case";
  if (!/^[a-z]/.test(name)) return "should begin with a lower case letter";
  return badUnderscores(name) ? "contains style violating underscores" : undefined;
}
function upperSnakeCase(name: string): string | undefined {
  if (!name) return "is empty";
  if (!/^[A-Z0-9_]+$/.test(name)) return "should be UPPER_SNAKE_CASE";
  if (!/^[A-Z]/.test(name)) return "should begin with an upper case letter";
  return badUnderscores(name) ? "contains style violating underscores" : undefined;
}

/**
 * Edition 2024's `enforce_naming_style = STYLE2024` (protoc's ValidateNamingStyle): packages, fields and oneofs in
 * lower_snake_case, messages, enums, services and methods in TitleCase, enum values in UPPER_SNAKE_CASE, each
 * element checked under the feature it resolves to. `report` gets the source path of the name (undefined for a
 * oneof, which protoc reports without a position).
 */
export function checkNamingStyle(
  file: FileDescriptorProto,
  featuresOf: (element: object) => ResolvedFeatures | undefined,
  report: (path: number[] | undefined, message: string) => void,
): void {
  const styled = (element: object) => featuresOf(element)?.["enforceNamingStyle"] === STYLE2024;
  const check = (element: object, kind: string, name: string, rule: (n: string) => string | undefined, path: number[] | undefined) => {
    if (!styled(element)) return;
    const problem = rule(name);
    if (problem) report(path, `${kind} name ${name} ${problem}${OPT_OUT}`);
  };
  const visitEnum = (e: EnumDescriptorProto, path: number[]) => {
    check(e, "Enum", e.name!, titleCase, [...path, 1]);
    e.value.forEach((v, i) => check(v, "Enum value", v.name!, upperSnakeCase, [...path, 2, i, 1]));
  };
  const visitMessage = (m: DescriptorProto, path: number[]) => {
    check(m, "Message", m.name!, titleCase, [...path, 1]);
    m.field.forEach((f, i) => check(f, "Field", f.name!, lowerSnakeCase, [...path, 2, i, 1]));
    m.oneofDecl.forEach((o) => check(o, "Oneof", o.name!, lowerSnakeCase, undefined));
    m.nestedType.forEach((n, i) => visitMessage(n, [...path, 3, i]));
    m.enumType.forEach((e, i) => visitEnum(e, [...path, 4, i]));
    m.extension.forEach((x, i) => check(x, "Field", x.name!, lowerSnakeCase, [...path, 6, i, 1]));
  };
  if (file.package) check(file, "Package", file.package, lowerSnakeCase, [2]);
  file.messageType.forEach((m, i) => visitMessage(m, [4, i]));
  file.enumType.forEach((e, i) => visitEnum(e, [5, i]));
  file.extension.forEach((x, i) => check(x, "Field", x.name!, lowerSnakeCase, [7, i, 1]));
  file.service.forEach((s, i) => {
    check(s, "Service", s.name!, titleCase, [6, i, 1]);
    s.method.forEach((m, j) => check(m, "Method", m.name!, titleCase, [6, i, 2, j, 1]));
  });
}
