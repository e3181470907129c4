export { parseArgs, ParsedArgs, type FlagSpec } from "./cli-args.js";
export { UsageError, CliError } from "./errors.js";
export { compileFiles } from "./compile-command.js";
