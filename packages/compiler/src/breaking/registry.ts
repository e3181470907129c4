/** Every breaking rule, in the order of buf's v2 listing (`buf config ls-breaking-rules`), then v1's deprecated ones. */
import type { ConfigVersion } from "../lint/rules.js";
import { DELETE_RULES, PACKAGE_DELETE_RULES } from "./rules-delete.js";
import { ENUM_RULES } from "./rules-enums.js";
import { DEPRECATED_FIELD_RULES, FIELD_RULES } from "./rules-fields.js";
import { DEPRECATED_FILE_RULES, FILE_RULES } from "./rules-file.js";
import { MESSAGE_RULES, MESSAGE_SET_RULE } from "./rules-messages.js";
import { RPC_NO_DELETE, RPC_RULES } from "./rules-rpc.js";
import { BREAKING_CATEGORIES, type BreakingRule } from "./rules.js";

const ALL = [...DELETE_RULES, ...PACKAGE_DELETE_RULES, ...ENUM_RULES, ...FIELD_RULES, ...FILE_RULES, RPC_NO_DELETE, ...RPC_RULES, ...MESSAGE_RULES];

/**
 * buf's listing order in a version: deprecated rules last; before them, by the most general category a rule is in
 * (FILE, PACKAGE, WIRE_JSON, WIRE), then how many of those, then those also in CSR, then ID.
 */
const listingOrder = (version: ConfigVersion) => (a: BreakingRule, b: BreakingRule) => {
  const key = (r: BreakingRule) => {
    const cats = r.categories[version] ?? [];
    const main = cats.filter((c) => c !== "CSR");
    const first = ["FILE", "PACKAGE", "WIRE_JSON", "WIRE"].findIndex((c) => main.includes(c));
    return [r.replacedBy ? 1 : 0, first, main.length, cats.includes("CSR") ? 1 : 0] as const;
  };
  const [x, y] = [key(a), key(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2] || x[3] - y[3] || (a.id < b.id ? -1 : 1);
};

export const BREAKING_RULES: readonly BreakingRule[] = [...ALL, MESSAGE_SET_RULE, ...DEPRECATED_FIELD_RULES, ...DEPRECATED_FILE_RULES].sort(listingOrder("v2"));

/** The rules of a config version, in buf's listing order (deprecated ones last: a config may still name them). */
export function breakingRulesFor(version: ConfigVersion): BreakingRule[] {
  return BREAKING_RULES.filter((r) => r.categories[version] !== undefined).sort(listingOrder(version));
}

/** The rules a category names in a version. */
export function breakingCategoryRules(version: ConfigVersion, category: string): BreakingRule[] {
  return BREAKING_CATEGORIES[version].includes(category) ? breakingRulesFor(version).filter((r) => r.categories[version]!.includes(category)) : [];
}
