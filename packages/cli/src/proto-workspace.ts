/**
 * A workspace of .proto files as buf finds one: the buf.yaml at or above a directory (or given with --config), its
 * modules with their roots, excluded paths and lint/breaking sections, and each module's files compiled with the
 * other modules' roots as import paths. `tsgrpc lint` and `tsgrpc breaking` read their inputs through it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { BufConfigError, CompileError, Compiler, parseBufYaml, type BufConfig, type BufModuleConfig, type LintFileInput } from "@tsgrpc/compiler";
import { CliError, UsageError } from "./errors.js";

/** One module to check: its root, the files of it to check, and its buf.yaml sections. */
export interface ProtoModule {
  /** Absolute module root. */
  root: string;
  /** The files to check, relative to the root ("/"-separated, sorted). */
  targets: string[];
  config: Pick<BufModuleConfig, "lint" | "breaking">;
}

/** The default module of a directory without buf.yaml: its root is the directory, with buf's default sections. */
const DEFAULT_MODULE = () => parseBufYaml("version: v1\n").modules[0]!;

/** The directory holding buf.yaml at or above `dir` (up to `top`, when given), if any. */
export function findConfigDir(dir: string, top?: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, "buf.yaml"))) return d;
    if (dirname(d) === d || (top !== undefined && d === resolve(top))) return undefined;
  }
}

/**
 * The config `flag` gives (a buf.yaml path, or YAML/JSON text), else the buf.yaml in `configDir`; a malformed one is
 * a CliError naming the key or rule.
 */
export function readConfig(flag: string | undefined, configDir: string | undefined): BufConfig | undefined {
  try {
    if (flag !== undefined) {
      const isFile = !/[\n{:]/.test(flag) && existsSync(flag);
      return parseBufYaml(isFile ? readFileSync(flag, "utf8") : flag, isFile ? flag : "--config");
    }
    if (configDir) return parseBufYaml(readFileSync(join(configDir, "buf.yaml"), "utf8"), relative(process.cwd(), join(configDir, "buf.yaml")) || "buf.yaml");
    return undefined;
  } catch (e) {
    if (e instanceof BufConfigError) throw new CliError(e.message);
    throw e;
  }
}

/** Every .proto file under `root` (relative, "/"-separated, sorted), skipping the excluded directories. */
export function protoFiles(root: string, excludes: readonly string[]): string[] {
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

/**
 * The modules of the workspace holding `dir` (every module of its buf.yaml, found at or above `dir` up to `top`, or
 * `dir` alone), limited to files under `dir`.
 */
export function directoryModules(dir: string, configFlag: string | undefined, top?: string): ProtoModule[] {
  const abs = resolve(dir);
  const configDir = findConfigDir(abs, top);
  let config = readConfig(configFlag, configDir);
  // A buf.yaml above `dir` whose modules neither hold `dir` nor lie inside it is another workspace's: `dir` is then a
  // module of its own, as buf takes it.
  const inside = (a: string, b: string) => !relative(b, a).startsWith("..");
  if (config && configFlag === undefined && configDir !== abs && !config.modules.some((m) => inside(abs, resolve(configDir!, m.path)) || inside(resolve(configDir!, m.path), abs))) config = undefined;
  const workspace = config ? (configDir ?? abs) : abs;
  const modules = config?.modules ?? [DEFAULT_MODULE()];
  return modules.map((m) => {
    const root = resolve(workspace, m.path);
    const files = existsSync(root) ? protoFiles(root, m.excludes) : [];
    // Only the files under the directory asked for, when it is inside the module.
    return { root, targets: files.filter((f) => !relative(abs, join(root, f)).startsWith("..")), config: m };
  });
}

/** The modules of a directory (or of "." when `inputs` is empty), or of the .proto files named, as buf finds them. */
export function modulesFor(inputs: readonly string[], configFlag: string | undefined): ProtoModule[] {
  const single = inputs.length === 1 && existsSync(inputs[0]!) && statSync(inputs[0]!).isDirectory();
  if (single || inputs.length === 0) return directoryModules(inputs[0] ?? ".", configFlag);
  const out = new Map<string, ProtoModule>();
  for (const input of inputs) {
    if (!input.endsWith(".proto")) throw new UsageError(`"${input}" is neither a directory nor a .proto file`);
    if (!existsSync(input)) throw new UsageError(`${input}: no such file`);
    const abs = resolve(input);
    const configDir = findConfigDir(dirname(abs));
    const config = readConfig(configFlag, configDir);
    const module = config?.modules.find((m) => !relative(resolve(configDir!, m.path), abs).startsWith(".."));
    const root = module ? resolve(configDir!, module.path) : dirname(abs);
    const entry = out.get(root) ?? { root, targets: [], config: module ?? config?.modules[0] ?? DEFAULT_MODULE() };
    entry.targets.push(relative(root, abs).split(sep).join("/"));
    out.set(root, entry);
  }
  return [...out.values()];
}

/** Where a file of the modules is, from the current directory (its import name when no module root has it). */
function shownFile(roots: readonly string[], name: string): string {
  const root = roots.find((r) => existsSync(join(r, name)));
  return root ? relative(process.cwd(), join(root, name)).split(sep).join("/") : name;
}

/**
 * Compiles every module first (a file that does not compile throws the CompileError before anything is checked),
 * each with the other modules' roots as import paths: per module, its files and their imports, the imports marked.
 */
export function compileModules(modules: readonly ProtoModule[]): { module: ProtoModule; files: LintFileInput[] }[] {
  const roots = modules.map((m) => m.root);
  return modules.map((module) => {
    const compiler = new Compiler({ includePaths: [module.root, ...roots.filter((r) => r !== module.root)] });
    let compiled;
    try {
      compiled = compiler.compile(module.targets);
    } catch (e) {
      // Diagnostics name files as buf does: where they are, from the current directory.
      if (e instanceof CompileError) throw new CompileError(e.diagnostics.map((d) => ({ ...d, file: shownFile(roots, d.file) })));
      throw e;
    }
    const targets = new Set(compiled.map((f) => f.name!));
    const files = compiler.withImports(compiled).map((proto) => ({ proto, isImport: !targets.has(proto.name!), unusedDependency: compiler.unusedDependencies.get(proto.name!) ?? [] }));
    return { module, files };
  });
}
