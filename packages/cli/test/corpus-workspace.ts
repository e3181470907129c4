/**
 * The shared corpus (../shared/corpus) as a buf workspace: one module per include root (protobuf, googleapis, grpc)
 * holding links to the corpus's root files and their imports, less what buf cannot build. The differential lint
 * tests and bench/schema-cli.mjs run tsgrpc and buf on it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BUF, linkFile, readJson } from "./lint-harness.js";

export const CORPUS = fileURLToPath(new URL("../../../../../shared/corpus", import.meta.url));
/** Why the corpus cannot be used here (it comes with the shared workspace folder), or false. */
export const corpusMissing: string | false = existsSync(join(CORPUS, "corpus.json")) ? false : `no corpus at ${CORPUS} (it comes with the shared workspace folder)`;

export const ROOTS = ["protobuf", "googleapis", "grpc"] as const;

export interface CorpusWorkspace {
  /** The workspace directory (a temporary one: remove it when done). */
  dir: string;
  /** Per module (its path is its root's name), its files, sorted. */
  modules: { path: string; files: string[] }[];
  /** Files left out: message sets buf refuses, and what buf cannot build, as root/path. */
  excluded: string[];
}

/** buf.yaml (v2, as JSON) naming the workspace's modules, with a lint section when given. */
export const corpusConfig = (lint?: object) => JSON.stringify({ version: "v2", modules: ROOTS.map((path) => ({ path })), ...(lint && { lint }) });

/** Builds the workspace (buf build runs until it succeeds, dropping the files it names). */
export function corpusWorkspace(): CorpusWorkspace {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-corpus-ws-"));
  const excluded: string[] = [];
  const entries = readJson<{ file: string; include: string[] }[]>(join(CORPUS, "corpus.json"));
  const files = new Map<string, Set<string>>(ROOTS.map((r) => [r, new Set()]));
  for (const e of entries) files.get(e.include[0]!.split("/")[1]!)!.add(e.file);
  // Their imports too, from whichever root has them.
  addCorpusImports(files);
  // buf refuses message sets (a proto1 feature protoc still compiles): those files stay out.
  for (const [root, set] of files)
    for (const f of [...set])
      if (/^\s*option\s+message_set_wire_format\s*=\s*true/m.test(readFileSync(join(CORPUS, "protos", root, f), "utf8"))) {
        set.delete(f);
        excluded.push(`${root}/${f}`);
      }
  // Drop what buf cannot build, and what imports it, until it builds.
  for (;;) {
    for (const [root, set] of files) for (const f of set) linkFile(join(dir, root, f), join(CORPUS, "protos", root, f));
    writeFileSync(join(dir, "buf.yaml"), corpusConfig());
    const run = spawnSync(BUF, ["build", "--error-format", "json", "-o", "-#format=binpb"], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 28 });
    if (run.status === 0) break;
    const bad = new Set((run.stdout + run.stderr).split("\n").filter((l) => l.startsWith("{")).map((l) => (JSON.parse(l) as { path: string }).path));
    if (!bad.size) throw new Error(`buf build failed without file errors: ${run.stderr}`);
    for (const path of bad) {
      const [root, ...rest] = path.split("/");
      files.get(root!)!.delete(rest.join("/"));
      excluded.push(path);
      rmSync(join(dir, path));
    }
    // Files importing a dropped one would fail next: drop them in the next round through buf's own errors.
  }
  return { dir, modules: ROOTS.map((path) => ({ path, files: [...files.get(path)!].sort() })), excluded };
}

/**
 * Adds to `files` (corpus root -> files in it) every file they import, transitively, from whichever of those roots
 * has it (imports no root has, such as buf's own well-known types, are left to the compilers).
 */
export function addCorpusImports(files: Map<string, Set<string>>): void {
  const roots = [...files.keys()];
  for (;;) {
    let added = false;
    for (const [root, set] of files)
      for (const f of [...set]) {
        const text = readFileSync(join(CORPUS, "protos", root, f), "utf8");
        for (const m of text.matchAll(/^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"/gm)) {
          const dep = m[1]!;
          const owner = roots.find((r) => existsSync(join(CORPUS, "protos", r, dep)));
          if (owner && !files.get(owner)!.has(dep)) {
            files.get(owner)!.add(dep);
            added = true;
          }
        }
      }
    if (!added) return;
  }
}
