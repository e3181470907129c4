/**
 * What `tsgrpc breaking --against REF` compares with, in buf's input syntax `PATH#key=value,...`: a directory (a
 * workspace, read as the current input is), a descriptor set file (`.binpb`, `.bin`, `.pb`, optionally gzipped:
 * protoc -o or buf build -o output), or a git repository at a branch, tag or commit (`.git#branch=main,subdir=proto`).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { decodeDescriptorSet, DescriptorSetError, type LintFileInput } from "@tsgrpc/compiler";
import { CliError } from "./errors.js";
import { compileModules, directoryModules } from "./proto-workspace.js";

/** The files of one module (an image, in buf's words), its imports marked. */
export type Image = LintFileInput[];

type Format = "dir" | "git" | "binpb";

/** The keys each format takes after "#", as buf names them. */
const KEYS: Record<Format, readonly string[]> = {
  dir: ["format"],
  git: ["format", "branch", "tag", "ref", "subdir", "depth"],
  binpb: ["format", "compression"],
};

export interface InputRef {
  path: string;
  format: Format;
  options: Map<string, string>;
}

/** Parses `PATH#key=value,...`: the format from `format=`, else from the path (.git, a descriptor set's extension, a directory). */
export function parseInputRef(ref: string): InputRef {
  const hash = ref.indexOf("#");
  const path = hash < 0 ? ref : ref.slice(0, hash);
  const options = new Map<string, string>();
  if (hash >= 0)
    for (const pair of ref.slice(hash + 1).split(",")) {
      const eq = pair.indexOf("=");
      if (eq <= 0) throw new CliError(`--against ${ref}: "${pair}" is not key=value`);
      options.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  const given = options.get("format");
  let format: Format;
  if (given !== undefined) {
    if (!(given in KEYS)) throw new CliError(`--against ${ref}: unknown format "${given}" (tsgrpc reads ${Object.keys(KEYS).join(", ")})`);
    format = given as Format;
  } else if (basename(path) === ".git" || path.endsWith(".git")) format = "git";
  else if (/\.(binpb|bin|pb)(\.gz)?$/.test(path)) format = "binpb";
  else if (existsSync(path) && statSync(path).isDirectory()) format = "dir";
  else if (!existsSync(path)) throw new CliError(`--against ${ref}: ${path} does not exist`);
  else throw new CliError(`--against ${ref}: cannot tell the format of ${path}; add #format=binpb for a descriptor set, #format=git for a repository`);
  for (const key of options.keys())
    if (!KEYS[format].includes(key)) throw new CliError(`--against ${ref}: invalid key "${key}" for a ${format} input (it takes ${KEYS[format].join(", ")})`);
  if (format === "git" && ["branch", "tag", "ref"].filter((k) => options.has(k)).length > 1) throw new CliError(`--against ${ref}: give one of branch, tag and ref`);
  return { path, format, options };
}

function readDescriptorSet(ref: InputRef): Image[] {
  if (!existsSync(ref.path)) throw new CliError(`--against: ${ref.path} does not exist`);
  const compression = ref.options.get("compression") ?? (ref.path.endsWith(".gz") ? "gzip" : "none");
  if (compression !== "gzip" && compression !== "none") throw new CliError(`--against: unknown compression "${compression}" (gzip or none)`);
  let bytes: Uint8Array = readFileSync(ref.path);
  if (compression === "gzip") {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new CliError(`--against: ${ref.path} is not gzip data (${(e as Error).message})`);
    }
  }
  try {
    return [decodeDescriptorSet(bytes)];
  } catch (e) {
    if (e instanceof DescriptorSetError) throw new CliError(`--against: ${ref.path} is ${e.message}`);
    throw e;
  }
}

/** `git ARGS` on the repository at `repo` (a work tree, or a .git or bare repository directory). */
function git(repo: string, args: string[], input?: string): { status: number | null; stdout: Buffer } {
  const where = existsSync(join(repo, ".git")) ? ["-C", repo] : ["--git-dir", repo];
  const run = spawnSync("git", [...where, ...args], { input, maxBuffer: 1 << 30 });
  if (run.error) throw new CliError(`--against: cannot run git: ${run.error.message}`);
  return { status: run.status, stdout: run.stdout };
}

/** The commit a git input names: its branch, tag or ref, else HEAD. */
function gitCommit(ref: InputRef): string {
  const branch = ref.options.get("branch");
  const tag = ref.options.get("tag");
  const [what, rev] = branch !== undefined ? [`branch "${branch}"`, `refs/heads/${branch}`] : tag !== undefined ? [`tag "${tag}"`, `refs/tags/${tag}`] : [`ref "${ref.options.get("ref") ?? "HEAD"}"`, ref.options.get("ref") ?? "HEAD"];
  const run = git(ref.path, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`]);
  if (run.status === 0) return run.stdout.toString().trim();
  if (git(ref.path, ["rev-parse", "--git-dir"]).status !== 0) throw new CliError(`--against: ${ref.path} is not a git repository`);
  throw new CliError(`--against: ${ref.path} has no ${what}`);
}

/** A .proto file under `subdir`, or a buf.yaml there or above it (where the workspace's config may be). */
function wanted(path: string, subdir: string): boolean {
  if (path.endsWith(".proto")) return subdir === "." || path.startsWith(subdir + "/");
  if (basename(path) !== "buf.yaml") return false;
  const dir = dirname(path);
  return dir === "." || subdir === dir || subdir.startsWith(dir + "/");
}

/** Writes the .proto and buf.yaml files of `commit` that `wanted` keeps into `dir`, as git has them. */
function extractTree(ref: InputRef, commit: string, subdir: string, dir: string): void {
  const entries = git(ref.path, ["ls-tree", "-r", "-z", commit])
    .stdout.toString("utf8")
    .split("\0")
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf("\t");
      const [mode, type, oid] = line.slice(0, tab).split(" ");
      return { mode, type, oid: oid!, path: line.slice(tab + 1) };
    })
    .filter((e) => e.type === "blob" && e.mode !== "120000" && wanted(e.path, subdir));
  if (!entries.length) return;
  const out = git(ref.path, ["cat-file", "--batch"], entries.map((e) => e.oid).join("\n") + "\n").stdout;
  let pos = 0;
  for (const e of entries) {
    const lineEnd = out.indexOf(10, pos);
    const size = Number(out.toString("latin1", pos, lineEnd).split(" ")[2]);
    pos = lineEnd + 1;
    const file = join(dir, e.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, out.subarray(pos, pos + size));
    pos += size + 1;
  }
}

/** A git input: the tree of its commit written to a temporary directory, read as a directory, then removed. */
function readGit(ref: InputRef, configFlag: string | undefined): Image[] {
  if (!existsSync(ref.path)) throw new CliError(`--against: ${ref.path} does not exist`);
  const commit = gitCommit(ref);
  const subdir = (ref.options.get("subdir") ?? ".").replace(/^\.\/|\/+$/g, "") || ".";
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-against-"));
  try {
    extractTree(ref, commit, subdir, dir);
    const root = join(dir, subdir);
    if (!existsSync(root)) throw new CliError(`--against: ${ref.path} has no directory "${subdir}" at ${commit.slice(0, 12)}`);
    return compileModules(directoryModules(root, configFlag, dir)).map((m) => m.files);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The images of the input `--against` names, one per module, compiled (or decoded) and ready to compare with. */
export function againstImages(against: string, configFlag: string | undefined): Image[] {
  const ref = parseInputRef(against);
  if (ref.format === "binpb") return readDescriptorSet(ref);
  if (ref.format === "git") return readGit(ref, configFlag);
  return compileModules(directoryModules(ref.path, configFlag)).map((m) => m.files);
}
