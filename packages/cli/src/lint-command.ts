import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { BufConfigError, Compiler, defaultLintConfig, lint, parseBufYaml, type BufConfig, type LintFileInput, type LintFinding } from "@tsgrpc/compiler";
import type { FlagSpec } from "./cli-args.js";
import { CliError, UsageError } from "./errors.js";
import { runCommand } from "./run-command.js";

export const LINT_USAGE = `usage: tsgrpc lint [DIR | FILE.proto...] [--config BUF_YAML] [--error-format text|json|github-actions]
  Checks .proto files with buf's lint rules (buf's rule IDs, categories and messages), configured by the lint
  section of buf.yaml (v1 or v2) found in DIR or above it, or given with --config as a path or as YAML/JSON text.
  DIR defaults to "."; every .proto file under its module roots is linted. Prints file:line:col:message per
  finding, exits 100 when there are findings (as buf lint), 1 when the files do not compile.`;

const LINT_FLAGS: readonly FlagSpec[] = [{ names: ["--config"], value: "BUF_YAML" }, { names: ["--error-format"], value: "FORMAT" }];

const FORMATS = ["text", "json", "github-actions"];

/** The directory holding buf.yaml at or above `dir`, if any. */
function findConfigDir(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, "buf.yaml"))) return d;
    if (dirname(d) === d) return undefined;
  }
}

function readConfig(flag: string | undefined, configDir: string | undefined): BufConfig | undefined {
  if (flag !== undefined) {
    const isFile = !/[\n{:]/.test(flag) && existsSync(flag);
    return parseBufYaml(isFile ? readFileSync(flag, "utf8") : flag, isFile ? flag : "--config");
  }
  if (configDir) return parseBufYaml(readFileSync(join(configDir, "buf.yaml"), "utf8"), relative(process.cwd(), join(configDir, "buf.yaml")) || "buf.yaml");
  return undefined;
}

/** Every .proto file under `root` (relative, "/"-separated, sorted), skipping the excluded directories. */
function protoFiles(root: string, excludes: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      const full = join(dir, entry.name);
      const isDir = entry.isDirectory() || (entry.isSymbolicLink() && statSync(full).isDirectory());
      if (isDir) {
        if (!excludes.includes(r)) walk(full, r);
      } else if (entry.name.endsWith(".proto")) out.push(r);
    }
  };
  walk(root, "");
  return out;
}

interface Module {
  /** Absolute module root. */
  root: string;
  /** Files to lint, relative to the root. */
  targets: string[];
  config: ReturnType<typeof defaultLintConfig>;
}

/** The modules to lint and their files, for a directory or for .proto files, as buf finds them. */
function modulesFor(inputs: string[], configFlag: string | undefined): Module[] {
  const single = inputs.length === 1 && existsSync(inputs[0]!) && statSync(inputs[0]!).isDirectory();
  if (single || inputs.length === 0) {
    const dir = resolve(inputs[0] ?? ".");
    const configDir = findConfigDir(dir);
    const config = readConfig(configFlag, configDir);
    const workspace = configDir ?? dir;
    const modules = config?.modules ?? [{ path: ".", excludes: [], lint: defaultLintConfig() }];
    return modules.map((m) => {
      const root = resolve(workspace, m.path);
      const files = existsSync(root) ? protoFiles(root, m.excludes) : [];
      // Only the files under the directory asked for, when it is inside the module.
      return { root, targets: files.filter((f) => !relative(dir, join(root, f)).startsWith("..")), config: m.lint };
    });
  }
  const out = new Map<string, Module>();
  for (const input of inputs) {
    if (!input.endsWith(".proto")) throw new UsageError(`"${input}" is neither a directory nor a .proto file`);
    if (!existsSync(input)) throw new UsageError(`${input}: no such file`);
    const abs = resolve(input);
    const configDir = findConfigDir(dirname(abs));
    const config = readConfig(configFlag, configDir);
    const module = config?.modules.find((m) => !relative(resolve(configDir!, m.path), abs).startsWith(".."));
    const root = module ? resolve(configDir!, module.path) : dirname(abs);
    const entry = out.get(root) ?? { root, targets: [], config: module?.lint ?? config?.modules[0]?.lint ?? defaultLintConfig() };
    entry.targets.push(relative(root, abs).split(sep).join("/"));
    out.set(root, entry);
  }
  return [...out.values()];
}

/** buf's external path of a finding: where the file is, relative to the current directory (absolute when asked so). */
function shown(root: string, file: string, absolute: boolean): string {
  const abs = join(root, file);
  return absolute ? abs : relative(process.cwd(), abs).split(sep).join("/");
}

function format(f: LintFinding & { shown: string }, how: string): string {
  if (how === "json")
    return JSON.stringify({ path: f.shown, start_line: f.line, start_column: f.column, end_line: f.endLine, end_column: f.endColumn, type: f.rule, message: f.message });
  if (how === "github-actions") return `::error file=${f.shown},line=${f.line},col=${f.column},endLine=${f.endLine},endColumn=${f.endColumn}::${f.message}`;
  return `${f.shown}:${f.line}:${f.column}:${f.message}`;
}

export function runLint(argv: string[]): Promise<number> {
  return runCommand("lint", LINT_USAGE, LINT_FLAGS, argv, (args) => {
    const how = args.value("--error-format") ?? "text";
    if (!FORMATS.includes(how)) throw new UsageError(`--error-format must be one of ${FORMATS.join(", ")}, not "${how}"`);
    let modules: Module[];
    try {
      modules = modulesFor([...args.positional], args.value("--config"));
    } catch (e) {
      if (e instanceof BufConfigError) throw new CliError(e.message);
      throw e;
    }
    const absolute = args.positional.some((p) => isAbsolute(p));
    const roots = modules.map((m) => m.root);
    // Compile everything first: a file that does not compile stops the command before any finding is printed.
    const compiled = modules.map((m) => {
      const compiler = new Compiler({ includePaths: [m.root, ...roots.filter((r) => r !== m.root)] });
      const files = compiler.compile(m.targets);
      return { m, compiler, files };
    });
    const out: (LintFinding & { shown: string })[] = [];
    for (const { m, compiler, files } of compiled) {
      const targets = new Set(files.map((f) => f.name!));
      const inputs: LintFileInput[] = compiler.withImports(files).map((proto) => ({ proto, isImport: !targets.has(proto.name!), unusedDependency: compiler.unusedDependencies.get(proto.name!) ?? [] }));
      for (const f of lint(inputs, m.config)) out.push({ ...f, shown: shown(m.root, f.file, absolute) });
    }
    out.sort((a, b) => (a.shown < b.shown ? -1 : a.shown > b.shown ? 1 : 0));
    for (const f of out) process.stdout.write(format(f, how) + "\n");
    return out.length ? 100 : 0;
  });
}

