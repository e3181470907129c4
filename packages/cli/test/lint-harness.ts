/**
 * What the lint tests compare with: buf itself (the root devDependency @bufbuild/buf ships its binary), run on
 * a workspace of .proto files, and tsgrpc's lint on the same workspace. Findings are compared as sets of
 * "path:line:column:RULE" (the message too, when asked).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Compiler, lint, parseBufYaml, type LintFileInput } from "@tsgrpc/compiler";

export const BUF = fileURLToPath(new URL("../../../../node_modules/.bin/buf", import.meta.url));
export const CLI = fileURLToPath(new URL("../../bin/tsgrpc.js", import.meta.url));
export const bufMissing = existsSync(BUF) ? false : `no buf binary at ${BUF} (npm ci installs @bufbuild/buf)`;

export interface BufFinding {
  path: string;
  start_line: number;
  start_column: number;
  type: string;
  message: string;
}

/** `buf lint DIR --config CONFIG --error-format json`, as findings; throws when buf fails for another reason. */
export function bufLint(dir: string, config: string): BufFinding[] {
  const run = spawnSync(BUF, ["lint", "--error-format", "json", "--config", config], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 26 });
  if (run.status !== 0 && run.status !== 100) throw new Error(`buf lint failed (${run.status}): ${run.stderr}${run.stdout}`);
  return run.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as BufFinding);
}

export const key = (path: string, line: number, column: number, rule: string, message?: string) => `${path}:${line}:${column}:${rule}${message === undefined ? "" : `:${message}`}`;

/** A workspace's modules compiled once, then linted by tsgrpc's library for any config of that workspace. */
export class Workspace {
  private readonly compiled: { root: string; inputs: LintFileInput[] }[] = [];
  constructor(
    readonly dir: string,
    readonly modules: { path: string; files: string[] }[],
  ) {
    const roots = modules.map((m) => join(dir, m.path));
    for (const m of modules) {
      const root = join(dir, m.path);
      const compiler = new Compiler({ includePaths: [root, ...roots.filter((r) => r !== root)] });
      const files = compiler.compile(m.files);
      const targets = new Set(m.files);
      const inputs = compiler.withImports(files).map((proto) => ({ proto, isImport: !targets.has(proto.name!), unusedDependency: compiler.unusedDependencies.get(proto.name!) ?? [] }));
      this.compiled.push({ root: m.path, inputs });
    }
  }

  /** tsgrpc's findings for a buf.yaml (text) of this workspace, with paths relative to the workspace. */
  lint(config: string): BufFinding[] {
    const parsed = parseBufYaml(config);
    const out: BufFinding[] = [];
    this.compiled.forEach(({ root, inputs }) => {
      const module = parsed.modules.find((m) => m.path === root) ?? parsed.modules[0]!;
      for (const f of lint(inputs, module.lint)) out.push({ path: root === "." ? f.file : `${root}/${f.file}`, start_line: f.line, start_column: f.column, type: f.rule, message: f.message });
    });
    return out;
  }
}

/** Writes `files` (path -> text) under `dir`. */
export function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** Links `target` at `path`, making the directories on the way. */
export function linkFile(path: string, target: string): void {
  mkdirSync(dirname(path), { recursive: true });
  if (!existsSync(path)) symlinkSync(target, path);
}

export const readJson = <T>(path: string) => JSON.parse(readFileSync(path, "utf8")) as T;
