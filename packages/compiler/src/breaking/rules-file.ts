/** FILE_SAME_*: a file keeps its package, syntax and language options. */
import type { ElementFile } from "../lint/elements.js";
import { pairs } from "./context.js";
import { categories, type BreakingRule } from "./rules.js";

const OPTIMIZE_MODES: Record<number, string> = { 1: "SPEED", 2: "CODE_SIZE", 3: "LITE_RUNTIME" };

/** A FILE_SAME_<X> rule: `value` as buf prints it, reported at `path` of the current file (1:1 without one). */
function sameValue(id: string, what: string, path: number[], value: (f: ElementFile) => string, cats = categories("FILE PACKAGE", false), purpose = `the same value for the ${what} option`): BreakingRule {
  const name = what === "syntax" || what === "package" ? what : `option "${what}"`;
  return {
    id,
    purpose: `Checks that files have ${purpose}.`,
    categories: cats,
    check(ctx) {
      for (const [file, previous] of pairs(ctx.current.files, ctx.previous.files)) {
        const before = value(previous);
        const now = value(file);
        if (before !== now) ctx.report(file, [path], previous, `File ${name} changed from ${JSON.stringify(before)} to ${JSON.stringify(now)}.`);
      }
    },
  };
}

const str = (key: string) => (f: ElementFile) => {
  const v = f.proto.options?.[key];
  return typeof v === "string" ? v : "";
};
const bool = (key: string, unset = false) => (f: ElementFile) => String((f.proto.options?.[key] as boolean | undefined) ?? unset);

export const FILE_RULES: BreakingRule[] = [
  sameValue("FILE_SAME_CC_ENABLE_ARENAS", "cc_enable_arenas", [8, 31], bool("ccEnableArenas", true)),
  sameValue("FILE_SAME_CC_GENERIC_SERVICES", "cc_generic_services", [8, 16], bool("ccGenericServices")),
  sameValue("FILE_SAME_CSHARP_NAMESPACE", "csharp_namespace", [8, 37], str("csharpNamespace")),
  sameValue("FILE_SAME_GO_PACKAGE", "go_package", [8, 11], str("goPackage")),
  sameValue("FILE_SAME_JAVA_GENERIC_SERVICES", "java_generic_services", [8, 17], bool("javaGenericServices")),
  sameValue("FILE_SAME_JAVA_MULTIPLE_FILES", "java_multiple_files", [8, 10], bool("javaMultipleFiles")),
  sameValue("FILE_SAME_JAVA_OUTER_CLASSNAME", "java_outer_classname", [8, 8], str("javaOuterClassname")),
  sameValue("FILE_SAME_JAVA_PACKAGE", "java_package", [8, 1], str("javaPackage")),
  sameValue("FILE_SAME_OBJC_CLASS_PREFIX", "objc_class_prefix", [8, 36], str("objcClassPrefix")),
  sameValue("FILE_SAME_OPTIMIZE_FOR", "optimize_for", [8, 9], (f) => OPTIMIZE_MODES[(f.proto.options?.["optimizeFor"] as number | undefined) ?? 1] ?? "SPEED"),
  sameValue("FILE_SAME_PHP_CLASS_PREFIX", "php_class_prefix", [8, 40], str("phpClassPrefix")),
  sameValue("FILE_SAME_PHP_METADATA_NAMESPACE", "php_metadata_namespace", [8, 44], str("phpMetadataNamespace")),
  sameValue("FILE_SAME_PHP_NAMESPACE", "php_namespace", [8, 41], str("phpNamespace")),
  sameValue("FILE_SAME_PY_GENERIC_SERVICES", "py_generic_services", [8, 18], bool("pyGenericServices")),
  sameValue("FILE_SAME_RUBY_PACKAGE", "ruby_package", [8, 45], str("rubyPackage")),
  sameValue("FILE_SAME_SWIFT_PREFIX", "swift_prefix", [8, 39], str("swiftPrefix")),
  sameValue("FILE_SAME_SYNTAX", "syntax", [12], (f) => f.proto.syntax || "proto2", categories("FILE PACKAGE", true), "the same syntax"),
  sameValue("FILE_SAME_PACKAGE", "package", [2], (f) => f.proto.package ?? "", categories("FILE PACKAGE WIRE_JSON WIRE", true), "the same package"),
];

/** Deprecated file rules: accepted in v1 configs, replaced as buf replaces them. */
export const DEPRECATED_FILE_RULES: BreakingRule[] = [
  { id: "FILE_SAME_JAVA_STRING_CHECK_UTF8", purpose: "Checks that files have the same value for the java_string_check_utf8 option.", categories: { v1: [] }, replacedBy: ["FIELD_SAME_JAVA_UTF8_VALIDATION"], check() {} },
  { id: "FILE_SAME_PHP_GENERIC_SERVICES", purpose: "Checks that files have the same value for the php_generic_services option.", categories: { v1: [] }, replacedBy: [], check() {} },
];
