import { SymbolVisibility } from "@tsgrpc/protobuf";
import { fileFeatures } from "@tsgrpc/protobuf/codegen-support";
import type { DescriptorProto, EnumDescriptorProto, FileDescriptorProto } from "@tsgrpc/protobuf";
import type { SymbolEntry } from "./symbol-table.js";

/** FeatureSet.VisibilityFeature.DefaultSymbolVisibility */
export const DefaultSymbolVisibility = { EXPORT_ALL: 1, EXPORT_TOP_LEVEL: 2, LOCAL_ALL: 3, STRICT: 4 } as const;
const DEFAULT_NAMES = ["UNKNOWN", "EXPORT_ALL", "EXPORT_TOP_LEVEL", "LOCAL_ALL", "STRICT"];

/** The file's `default_symbol_visibility` feature (EXPORT_ALL before edition 2024, EXPORT_TOP_LEVEL from it). */
export function defaultVisibilityOf(file: FileDescriptorProto): number {
  return fileFeatures(file).defaultSymbolVisibility as number;
}

function isTopLevel(entry: SymbolEntry): boolean {
  return entry.kind === "message"
    ? entry.file.messageType.includes(entry.proto as DescriptorProto)
    : entry.file.enumType.includes(entry.proto as EnumDescriptorProto);
}

/**
 * Whether a message or enum may be used from another file (protoc's Symbol::GetEffectiveVisibility): as its
 * `export` or `local` keyword says, else as its file's default_symbol_visibility says for a top-level or nested type.
 */
export function isExported(entry: SymbolEntry): boolean {
  const keyword = (entry.proto as { visibility?: SymbolVisibility }).visibility;
  if (keyword === SymbolVisibility.EXPORT) return true;
  if (keyword === SymbolVisibility.LOCAL) return false;
  switch (defaultVisibilityOf(entry.file)) {
    case DefaultSymbolVisibility.EXPORT_TOP_LEVEL:
      return isTopLevel(entry);
    case DefaultSymbolVisibility.LOCAL_ALL:
    case DefaultSymbolVisibility.STRICT:
      return false;
    default:
      return true;
  }
}

/**
 * protoc's error for a type of another file that is not exported to `from`. `usage` names the use when it is not a
 * field's type ("target of extend").
 */
export function visibilityError(entry: SymbolEntry, fullName: string, from: string, usage = ""): string {
  const keyword = (entry.proto as { visibility?: SymbolVisibility }).visibility;
  const reason =
    keyword === SymbolVisibility.LOCAL
      ? "It is explicitly marked 'local'"
      : `It defaulted to local from file-level 'option features.default_symbol_visibility = '${DEFAULT_NAMES[defaultVisibilityOf(entry.file)]}';`;
  return `Symbol "${fullName}", defined in "${entry.file.name}" ${usage} is not visible from "${from}". ${reason} and cannot be accessed outside its own file`;
}

/**
 * protoc's SymbolChecker: under `default_symbol_visibility = STRICT` a nested message or enum may not be `export`,
 * except an enum in a local top-level message that holds nothing else (`reserved 1 to max;`), a namespace for it.
 * Reported without a position, as protoc does.
 */
export function checkStrictVisibility(file: FileDescriptorProto, report: (message: string) => void): void {
  if (defaultVisibilityOf(file) !== DefaultSymbolVisibility.STRICT) return;
  const isNamespace = (m: DescriptorProto) =>
    m.visibility !== SymbolVisibility.EXPORT && m.reservedRange.length === 1 && m.reservedRange[0]!.start === 1 && m.reservedRange[0]!.end === 0x20000000;
  const visit = (m: DescriptorProto, fullName: string, topLevel: boolean) => {
    for (const n of m.nestedType) {
      const name = `${fullName}.${n.name}`;
      if (n.visibility === SymbolVisibility.EXPORT) {
        report(`"${name}" is a nested message and cannot be \`export\` with STRICT default_symbol_visibility. It must be moved to top-level, ideally in its own file in order to be \`export\`.`);
      }
      visit(n, name, false);
    }
    for (const e of m.enumType) {
      if (e.visibility !== SymbolVisibility.EXPORT || (topLevel && isNamespace(m))) continue;
      const name = `${fullName}.${e.name}`;
      report(`"${name}" is a nested enum and cannot be marked \`export\` with STRICT default_symbol_visibility. It must be moved to top-level, ideally in its own file in order to be \`export\`. For C++ namespacing of enums in a messages use: \`local message <OuterNamespace> { export enum ${name} {...} reserved 1 to max; }\``);
    }
  };
  const pkg = file.package ? `${file.package}.` : "";
  for (const m of file.messageType) visit(m, `${pkg}${m.name}`, true);
}
