import type { LintContext } from "./context.js";

/** A buf.yaml configuration version: the rules, their categories and some names differ between them. */
export type ConfigVersion = "v1" | "v2";

/** One lint rule: buf's ID, the categories it is in for each config version (absent: not a rule there), its check. */
export interface LintRule {
  id: string;
  purpose: string;
  /** Categories per config version; an empty list means the rule exists there but only by its ID. */
  categories: Partial<Record<ConfigVersion, readonly string[]>>;
  /** Deprecated IDs are accepted in a config but listed only with --include-deprecated (buf's IMPORT_NO_WEAK). */
  deprecated?: boolean;
  check(ctx: LintContext): void;
}

const MINIMAL = ["MINIMAL", "BASIC", "STANDARD"];
const BASIC = ["BASIC", "STANDARD"];
const STANDARD = ["STANDARD"];

/** The same categories in both versions. */
export const both = (categories: readonly string[]) => ({ v1: categories, v2: categories });
export const cat = { MINIMAL, BASIC, STANDARD, COMMENTS: ["COMMENTS"], UNARY_RPC: ["UNARY_RPC"], NONE: [] as string[] };

/** The categories a config may name, per version (DEFAULT is buf's deprecated name for STANDARD in both). */
export const CATEGORIES = ["MINIMAL", "BASIC", "STANDARD", "DEFAULT", "COMMENTS", "UNARY_RPC"];
