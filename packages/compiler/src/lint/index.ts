import { LintContext, Locations, type LintFileInput, type LintFinding, type LintRuleOptions } from "./context.js";
import { categoryRules, LINT_RULES, rulesFor } from "./registry.js";
import { CATEGORIES, type ConfigVersion, type LintRule } from "./rules.js";
import { closeNames } from "../close-names.js";

export type { LintFileInput, LintFinding, LintRuleOptions } from "./context.js";
export type { ConfigVersion, LintRule } from "./rules.js";
export { LINT_RULES, rulesFor, categoryRules } from "./registry.js";
export { CATEGORIES } from "./rules.js";

/** buf.yaml's `lint:` section, resolved: paths are relative to the module root (the files' import names). */
export interface LintConfig {
  version: ConfigVersion;
  /** Rule IDs and categories to run (buf's default: STANDARD). */
  use: string[];
  except: string[];
  /** Files or directories no rule reports on. */
  ignore: string[];
  /** Per rule ID or category: files or directories it does not report on. */
  ignoreOnly: Record<string, string[]>;
  /** `// buf:lint:ignore RULE_ID` in a leading comment silences that rule there (v1 allow_comment_ignores; v2 default). */
  allowCommentIgnores: boolean;
  enumZeroValueSuffix?: string;
  serviceSuffix?: string;
  rpcAllowSameRequestResponse?: boolean;
  rpcAllowGoogleProtobufEmptyRequests?: boolean;
  rpcAllowGoogleProtobufEmptyResponses?: boolean;
}

/** buf's defaults: what `buf lint` does with no buf.yaml (a v1 config with STANDARD). */
export function defaultLintConfig(version: ConfigVersion = "v1"): LintConfig {
  return { version, use: ["STANDARD"], except: [], ignore: [], ignoreOnly: {}, allowCommentIgnores: version === "v2" };
}

/** An unknown rule or category: the error names it and the closest known names. */
export class LintConfigError extends Error {
  override name = "LintConfigError";
}

/** The known rule or category closest to `name`, for an error message. */
export function closestRuleName(name: string, version: ConfigVersion): string | undefined {
  return closestName(name, [...rulesFor(version).map((r) => r.id), ...CATEGORIES]);
}

/** The candidate closest to `name` (case-insensitive edit distance), when close enough to be what was meant. */
export function closestName(name: string, names: readonly string[]): string | undefined {
  return closeNames(name, names)[0];
}

/** The rules an ID or category names; throws a LintConfigError for a name buf would not know. */
export function expandRuleName(name: string, version: ConfigVersion, key = "use"): LintRule[] {
  if (CATEGORIES.includes(name)) return categoryRules(version, name);
  const rule = rulesFor(version).find((r) => r.id === name);
  if (rule) return [rule];
  const close = closestRuleName(name, version);
  throw new LintConfigError(`lint.${key}: unknown rule or category "${name}" for config version ${version}${close ? `; did you mean "${close}"?` : ""}`);
}

/** The rules a config runs: those `use` names, without those `except` names. */
export function configuredRules(config: LintConfig): LintRule[] {
  const used = new Set<LintRule>(config.use.flatMap((n) => expandRuleName(n, config.version, "use")));
  for (const n of config.except) for (const r of expandRuleName(n, config.version, "except")) used.delete(r);
  for (const n of Object.keys(config.ignoreOnly)) expandRuleName(n, config.version, "ignore_only");
  return LINT_RULES.filter((r) => used.has(r));
}

/** `path` is `root` or inside it (paths relative to the module root, "/"-separated; "." is the whole module). */
export function pathUnder(path: string, root: string): boolean {
  const r = root.replace(/\/+$/, "").replace(/^\.\//, "");
  return r === "." || r === "" || path === r || path.startsWith(r + "/");
}

/**
 * The parents of a source path where a `buf:lint:ignore` comment may be: every enclosing declaration (message, enum,
 * value, field, oneof, service, method, import), and the path itself (an option, the package).
 */
function commentPaths(path: readonly number[]): number[][] {
  const out: number[][] = [];
  for (let i = 2; i <= path.length; i += 2) out.push(path.slice(0, i));
  if (path.length % 2 === 1) out.push([...path]);
  return out;
}

function commentIgnored(finding: LintFinding, locations: Locations): boolean {
  if (!finding.path || finding.path.length === 0) return false;
  const marker = `buf:lint:ignore ${finding.rule}`;
  for (const p of commentPaths(finding.path)) {
    const comment = locations.get(p)?.leadingComments;
    if (!comment) continue;
    for (const line of comment.split("\n")) if (line.trim().startsWith(marker)) return true;
  }
  return false;
}

/**
 * Lints compiled files (with source code info) as `buf lint` does: the rules `config` selects, buf's rule IDs and
 * messages, findings sorted as buf prints them (file, line, column, rule, message). Files marked `isImport` are
 * context (for package import cycles) and are never reported on.
 */
export function lint(files: readonly LintFileInput[], config: LintConfig = defaultLintConfig()): LintFinding[] {
  const rules = configuredRules(config);
  const options: LintRuleOptions = {
    enumZeroValueSuffix: config.enumZeroValueSuffix || "_UNSPECIFIED",
    serviceSuffix: config.serviceSuffix || "Service",
    rpcAllowSameRequestResponse: config.rpcAllowSameRequestResponse ?? false,
    rpcAllowGoogleProtobufEmptyRequests: config.rpcAllowGoogleProtobufEmptyRequests ?? false,
    rpcAllowGoogleProtobufEmptyResponses: config.rpcAllowGoogleProtobufEmptyResponses ?? false,
    commentExcludes: ["buf:lint:ignore"],
  };
  const cache = new Map<string, Locations>();
  const locations = (proto: LintFileInput["proto"]) => {
    let l = cache.get(proto.name!);
    if (!l) cache.set(proto.name!, (l = new Locations(proto)));
    return l;
  };
  const targets = files.filter((f) => !f.isImport);
  const byName = new Map(files.map((f) => [f.proto.name!, f]));
  const ignoreOnly = new Map<string, string[]>();
  for (const [name, paths] of Object.entries(config.ignoreOnly))
    for (const r of expandRuleName(name, config.version, "ignore_only")) ignoreOnly.set(r.id, [...(ignoreOnly.get(r.id) ?? []), ...paths]);
  const out: LintFinding[] = [];
  for (const rule of rules) {
    const found: LintFinding[] = [];
    rule.check(new LintContext(files, targets, options, rule.id, found, locations));
    for (const f of found) {
      if (config.ignore.some((p) => pathUnder(f.file, p))) continue;
      if (ignoreOnly.get(rule.id)?.some((p) => pathUnder(f.file, p))) continue;
      if (config.allowCommentIgnores && commentIgnored(f, locations(byName.get(f.file)!.proto))) continue;
      out.push(f);
    }
  }
  return sortFindings(out);
}

/** buf's order, duplicates dropped: file, line, column, rule, message, end line, end column. */
export function sortFindings(findings: LintFinding[]): LintFinding[] {
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  const seen = new Set<string>();
  return findings
    .filter((f) => {
      const key = JSON.stringify([f.file, f.line, f.column, f.endLine, f.endColumn, f.rule, f.message]);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => cmp(a.file, b.file) || a.line - b.line || a.column - b.column || cmp(a.rule, b.rule) || cmp(a.message, b.message) || a.endLine - b.endLine || a.endColumn - b.endColumn);
}
