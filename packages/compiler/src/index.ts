export { Compiler, type CompileOptions } from "./compiler.js";
export { CompileError, formatDiagnostic, type Diagnostic } from "./diagnostics.js";
export { encodeDescriptorSet } from "./descriptor-set.js";
export { SourceTree, BUNDLED_PROTO_DIR } from "./source-tree.js";
export { lint, defaultLintConfig, configuredRules, expandRuleName, closestRuleName, sortFindings, LintConfigError, LINT_RULES, CATEGORIES, type LintConfig, type LintFinding, type LintFileInput, type LintRule, type ConfigVersion } from "./lint/index.js";
export { parseBufYaml, BufConfigError, type BufConfig, type BufModuleConfig, type BreakingConfig } from "./buf-config/buf-yaml.js";
export { format, type FormatResult } from "./format/index.js";
export { closeNames, didYouMean } from "./close-names.js";
export { breaking, defaultBreakingConfig, configuredBreakingRules, expandBreakingName, closestBreakingName, BreakingConfigError, BREAKING_RULES, BREAKING_CATEGORIES, breakingRulesFor, type BreakingFileInput, type BreakingRule, type BreakingOptions } from "./breaking/index.js";
