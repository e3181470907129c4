import type { ConfigVersion } from "../lint/rules.js";
import type { BreakingContext } from "./context.js";

/** One breaking rule: buf's ID, its categories per config version (absent: not a rule there), its check. */
export interface BreakingRule {
  id: string;
  purpose: string;
  categories: Partial<Record<ConfigVersion, readonly string[]>>;
  /** A deprecated ID names the rules that replace it (none: it checks nothing), as buf expands it in a config. */
  replacedBy?: readonly string[];
  check(ctx: BreakingContext): void;
}

/** The categories a breaking config may name, per version. */
export const BREAKING_CATEGORIES: Record<ConfigVersion, readonly string[]> = {
  v1: ["FILE", "PACKAGE", "WIRE_JSON", "WIRE"],
  v2: ["FILE", "PACKAGE", "WIRE_JSON", "WIRE", "CSR"],
};

/**
 * Categories from buf's listing: `list` in both versions, and in v2 also CSR when `csr` (v2 only puts some rules
 * there). WIRE_JSON rules are in FILE and PACKAGE, WIRE ones in WIRE_JSON too, as buf nests them.
 */
export function categories(list: string, csr: boolean): Record<ConfigVersion, readonly string[]> {
  const v1 = list.split(" ").filter(Boolean);
  return { v1, v2: csr ? ["CSR", ...v1] : v1 };
}

/** A rule of v2 configs only. */
export const v2Only = (list: string) => ({ v2: list.split(" ").filter(Boolean) });
