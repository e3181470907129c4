/**
 * Breaking-change detection as `buf breaking --against` does it (buf 1.75): the rules a `breaking:` config selects
 * compare the current schema with a previous one, findings carry buf's rule IDs, messages and locations (in the
 * current files; 1:1 of no file for a file or package that is gone), sorted as buf prints them.
 */
import type { BreakingConfig } from "../buf-config/buf-yaml.js";
import { closeNames } from "../close-names.js";
import { Locations, type LintFinding } from "../lint/context.js";
import { packageVersion } from "../lint/case.js";
import { pathUnder, sortFindings } from "../lint/index.js";
import type { ConfigVersion } from "../lint/rules.js";
import { BreakingContext, packageOf, Schema, type BreakingFileInput, type RawFinding } from "./context.js";
import { breakingCategoryRules, breakingRulesFor, BREAKING_RULES } from "./registry.js";
import { BREAKING_CATEGORIES, type BreakingRule } from "./rules.js";

export type { BreakingFileInput } from "./context.js";
export type { BreakingRule } from "./rules.js";
export { BREAKING_RULES, breakingRulesFor, breakingCategoryRules } from "./registry.js";
export { BREAKING_CATEGORIES } from "./rules.js";

/** buf's defaults: what `buf breaking` does without a `breaking:` section (the FILE category). */
export function defaultBreakingConfig(version: ConfigVersion = "v1"): BreakingConfig {
  return { version, use: ["FILE"], except: [], ignore: [], ignoreOnly: {}, ignoreUnstablePackages: false };
}

/** An unknown rule or category in a breaking config: the error names it and the closest known name. */
export class BreakingConfigError extends Error {
  override name = "BreakingConfigError";
}

/** The rule or category closest to `name` in a version, for an error message. */
export function closestBreakingName(name: string, version: ConfigVersion): string | undefined {
  return closeNames(name, [...breakingRulesFor(version).map((r) => r.id), ...BREAKING_CATEGORIES[version]])[0];
}

/** The rules a rule ID or category names, deprecated IDs replaced as buf replaces them; throws for an unknown name. */
export function expandBreakingName(name: string, version: ConfigVersion, key = "use"): BreakingRule[] {
  if (BREAKING_CATEGORIES[version].includes(name)) return breakingCategoryRules(version, name);
  const rule = breakingRulesFor(version).find((r) => r.id === name);
  if (!rule) {
    const close = closestBreakingName(name, version);
    throw new BreakingConfigError(`breaking.${key}: unknown rule or category "${name}" for config version ${version}${close ? `; did you mean "${close}"?` : ""}`);
  }
  if (!rule.replacedBy) return [rule];
  return rule.replacedBy.map((id) => breakingRulesFor(version).find((r) => r.id === id)!).filter(Boolean);
}

/** The rules a config runs: those `use` names, without those `except` names. */
export function configuredBreakingRules(config: BreakingConfig): BreakingRule[] {
  const used = new Set(config.use.flatMap((n) => expandBreakingName(n, config.version, "use")));
  for (const n of config.except) for (const r of expandBreakingName(n, config.version, "except")) used.delete(r);
  return BREAKING_RULES.filter((r) => used.has(r));
}

export interface BreakingOptions {
  /** Findings in imports (current or previous) are dropped: `buf breaking --exclude-imports`. */
  excludeImports?: boolean;
}

/**
 * Compares `current` with `previous` as `buf breaking` does: every file of both is compared, imports included
 * (buf reports changes in them unless `excludeImports`); findings in files `ignore` names, that `ignore_only` names
 * for their rule, or (with `ignore_unstable_packages`) in alpha, beta or test packages are dropped, whether the
 * current or the previous file is the one named.
 */
export function breaking(current: readonly BreakingFileInput[], previous: readonly BreakingFileInput[], config: BreakingConfig = defaultBreakingConfig(), options: BreakingOptions = {}): LintFinding[] {
  const rules = configuredBreakingRules(config);
  const ignoreOnly = new Map<string, string[]>();
  for (const [name, paths] of Object.entries(config.ignoreOnly))
    for (const r of expandBreakingName(name, config.version, "ignore_only")) ignoreOnly.set(r.id, [...(ignoreOnly.get(r.id) ?? []), ...paths]);
  const cache = new Map<BreakingFileInput["proto"], Locations>();
  const locations = (proto: BreakingFileInput["proto"]) => {
    let l = cache.get(proto);
    if (!l) cache.set(proto, (l = new Locations(proto)));
    return l;
  };
  const now = new Schema(current);
  const before = new Schema(previous);
  const ignored = (rule: string, file: BreakingFileInput | undefined) => {
    if (!file) return false;
    const path = file.proto.name!;
    if (options.excludeImports && file.isImport) return true;
    if (config.ignore.some((p) => pathUnder(path, p)) || ignoreOnly.get(rule)?.some((p) => pathUnder(path, p))) return true;
    const stability = config.ignoreUnstablePackages ? packageVersion(packageOf(file)) : undefined;
    return stability !== undefined && stability !== "stable";
  };
  const out: LintFinding[] = [];
  for (const rule of rules) {
    const found: RawFinding[] = [];
    rule.check(new BreakingContext(now, before, rule.id, found, locations));
    for (const { current: file, previous: was, ...finding } of found) if (!ignored(rule.id, file) && !ignored(rule.id, was)) out.push(finding);
  }
  return sortFindings(out);
}
