import { isAbsolute } from "node:path";
import { lint } from "@tsgrpc/compiler";
import type { FlagSpec } from "./cli-args.js";
import { ERROR_FORMAT_FLAG, errorFormat, printFindings, shownPath, type ShownFinding } from "./finding-output.js";
import { compileModules, modulesFor } from "./proto-workspace.js";
import { runCommand } from "./run-command.js";

export const LINT_USAGE = `usage: tsgrpc lint [DIR | FILE.proto...] [--config BUF_YAML] [--error-format text|json|github-actions]
  Checks .proto files with buf's lint rules (buf's rule IDs, categories and messages), configured by the lint
  section of buf.yaml (v1 or v2) found in DIR or above it, or given with --config as a path or as YAML/JSON text.
  DIR defaults to "."; every .proto file under its module roots is linted. Prints file:line:col:message per
  finding, exits 100 when there are findings (as buf lint), 1 when the files do not compile.`;

const LINT_FLAGS: readonly FlagSpec[] = [{ names: ["--config"], value: "BUF_YAML" }, ERROR_FORMAT_FLAG];

export function runLint(argv: string[]): Promise<number> {
  return runCommand("lint", LINT_USAGE, LINT_FLAGS, argv, (args) => {
    const how = errorFormat(args);
    const modules = modulesFor([...args.positional], args.value("--config"));
    const absolute = args.positional.some((p) => isAbsolute(p));
    const out: ShownFinding[] = [];
    for (const { module, files } of compileModules(modules))
      for (const f of lint(files, module.config.lint)) out.push({ ...f, shown: shownPath(module.root, f.file, absolute) });
    return printFindings(out, how);
  });
}

