/**
 * What the lint tests compare with: buf itself (the root devDependency @bufbuild/buf ships its binary), run on
 * a workspace of .proto files, and tsgrpc's lint on the same workspace. Findings are compared as sets of
 * "path:line:column:RULE" (the message too, when asked).
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Compiler, lint, parseBufYaml, type BreakingFileInput, type LintFileInput } from "@tsgrpc/compiler";

export const BUF = fileURLToPath(new URL("../../../../node_modules/.bin/buf", import.meta.url));
export const CLI = fileURLToPath(new URL("../../bin/tsgrpc.js", import.meta.url));
export const bufMissing = existsSync(BUF) ? false : `no buf binary at ${BUF} (npm ci installs @bufbuild/buf)`;

export interface BufFinding {
  path: string;
  start_line: number;
  start_column: number;
  type: string;
  message: string;
  end_line?: number;
  end_column?: number;
}

/** Every .proto file under `dir` (links followed) with its text: what buf's output depends on, with the config. */
function contentHash(dir: string, config: string): string {
  const hash = createHash("sha256").update(config);
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full, `${rel}${name}/`);
      else if (name.endsWith(".proto") || name.endsWith(".binpb") || name === "buf.yaml") hash.update(`${rel}${name}\0`).update(readFileSync(full)).update("\0");
    }
  };
  walk(dir, "");
  return hash.digest("hex");
}

/** Where a run of buf is cached: buf, its arguments, and the content of `dir` and of the `also` dirs it reads. */
const cacheFile = (dir: string, args: string[], also: string[] = []) => {
  const hash = createHash("sha256").update(BUF).update(JSON.stringify(args)).update(contentHash(dir, ""));
  for (const d of also) hash.update(contentHash(d, ""));
  return join(CACHE, hash.digest("hex"));
};

/** `buf ARGS` in `dir` (a lint or breaking: exit 0 or 100), its output cached as bufLint's is; `also`: other dirs it reads. */
export function bufRun(dir: string, args: string[], also: string[] = []): { status: number; stdout: string } {
  const cached = cacheFile(dir, args, also);
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, "utf8")) as { status: number; stdout: string };
  const run = spawnSync(BUF, args, { cwd: dir, encoding: "utf8", maxBuffer: 1 << 26 });
  if (run.status !== 0 && run.status !== 100) throw new Error(`buf ${args[0]} failed (${run.status}): ${run.stderr}${run.stdout}`);
  const out = { status: run.status, stdout: run.stdout };
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(cached, JSON.stringify(out));
  return out;
}

/**
 * Runs `buf ARGS` for many (dir, args) at once, `concurrency` at a time, filling the cache bufRun reads: buf spends
 * most of a run waiting, so a handful in parallel take the time of one or two.
 */
export async function prefetchBuf(jobs: { dir: string; args: string[]; also?: string[] }[], concurrency = 4): Promise<void> {
  const queue = jobs.map((j) => ({ ...j, cached: cacheFile(j.dir, j.args, j.also) })).filter((j) => !existsSync(j.cached));
  mkdirSync(CACHE, { recursive: true });
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const { dir, args, cached } = job;
      const out = await new Promise<{ status: number; stdout: string; stderr: string }>((done) => {
        const child = spawn(BUF, args, { cwd: dir });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("close", (status) => done({ status: status ?? -1, stdout, stderr }));
      });
      // Failures are left uncached: bufRun runs them again and reports them.
      if (out.status === 0 || out.status === 100) writeFileSync(cached, JSON.stringify({ status: out.status, stdout: out.stdout }));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Where buf's outputs are kept between runs (buf is the slow side: seconds per run over the corpus). */
const CACHE = join(tmpdir(), "tsgrpc-lint-buf-cache");

/**
 * `buf lint DIR --config CONFIG --error-format json`, as findings; throws when buf fails for another reason. Outputs
 * are cached in the temp dir by buf's path, the config and the content of every .proto file, so reruns skip buf.
 */
export function bufLint(dir: string, config: string): BufFinding[] {
  return bufRun(dir, ["lint", "--error-format", "json", "--config", config]).stdout
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

/**
 * `buf breaking` of `pair/current` against `pair/previous` (run in `current` with `--against ../previous`, so that
 * the arguments, and the cache key, do not depend on where the pair is), as findings; a finding about a file that is
 * gone has no path in buf's output: "" here. `config`: buf.yaml text for --config (none: buf's defaults).
 */
export function breakingArgs(config?: string, extra: string[] = []): string[] {
  return ["breaking", "--against", "../previous", "--error-format", "json", ...(config === undefined ? [] : ["--config", config]), ...extra];
}
export function bufBreaking(pair: string, config?: string, extra: string[] = []): BufFinding[] {
  return bufRun(join(pair, "current"), breakingArgs(config, extra), [join(pair, "previous")])
    .stdout.split("\n")
    .filter(Boolean)
    .map((l) => {
      const f = JSON.parse(l) as Partial<BufFinding>;
      return { ...f, path: f.path ?? "" } as BufFinding;
    });
}

/** The files of a module root compiled by tsgrpc, with their imports (marked), as breaking takes them. */
export function compileTree(root: string, files: string[]): BreakingFileInput[] {
  const compiler = new Compiler({ includePaths: [root] });
  const targets = new Set(files);
  return compiler.withImports(compiler.compile(files)).map((proto) => ({ proto, isImport: !targets.has(proto.name!) }));
}

/** A breaking finding as compared: where it starts and ends, its rule and message. */
export const breakingKey = (path: string, line: number, column: number, endLine: number, endColumn: number, rule: string, message: string) =>
  `${path}:${line}:${column}-${endLine}:${endColumn}:${rule}:${message}`;

/** `buf build ARGS -o FILE` of `dir` (a module), cached as buf's outputs are; returns the image file's path. */
export function bufImage(dir: string, args: string[] = []): string {
  const image = `${cacheFile(dir, ["build", ...args])}.binpb`;
  if (existsSync(image)) return image;
  mkdirSync(CACHE, { recursive: true });
  const run = spawnSync(BUF, ["build", ...args, "-o", `${image}.tmp#format=binpb`], { cwd: dir, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`buf build failed (${run.status}): ${run.stderr}`);
  renameSync(`${image}.tmp`, image);
  return image;
}
