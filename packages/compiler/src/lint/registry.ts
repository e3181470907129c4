/** Every lint rule, in buf's listing order, with the categories each config version puts it in. */
import { COMMENT_RULES } from "./rules-comments.js";
import { ENUM_RULES } from "./rules-enums.js";
import { FILE_RULES } from "./rules-file.js";
import { IMPORT_RULES } from "./rules-imports.js";
import { NAME_RULES } from "./rules-names.js";
import { RPC_RULES } from "./rules-rpc.js";
import { both, cat, type ConfigVersion, type LintRule } from "./rules.js";

/**
 * PROTOVALIDATE checks buf.validate constraint annotations (and compiles their CEL). It is registered so configs that
 * name it are valid, but reports nothing: tsgrpc does not evaluate protovalidate rules.
 */
const PROTOVALIDATE: LintRule = {
  id: "PROTOVALIDATE",
  purpose: "Checks that protovalidate rules are valid and all CEL expressions compile.",
  categories: both(cat.STANDARD),
  check() {},
};

export const LINT_RULES: readonly LintRule[] = [...FILE_RULES, ...IMPORT_RULES, ...ENUM_RULES, ...NAME_RULES, ...RPC_RULES, PROTOVALIDATE, ...COMMENT_RULES];

/** The rules of a config version. */
export function rulesFor(version: ConfigVersion): LintRule[] {
  return LINT_RULES.filter((r) => r.categories[version] !== undefined);
}

/** The rules a category names in a version (DEFAULT is STANDARD's old name). */
export function categoryRules(version: ConfigVersion, category: string): LintRule[] {
  const name = category === "DEFAULT" ? "STANDARD" : category;
  return rulesFor(version).filter((r) => r.categories[version]!.includes(name));
}
