import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../../../../", import.meta.url));
const tsc = join(repo, "node_modules/typescript/bin/tsc");

/** The strictest settings a consumer of generated code may use (the bar), over Node's module resolution. */
export const STRICT = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  noEmit: true,
  skipLibCheck: true,
  target: "es2022",
  module: "nodenext",
  moduleResolution: "nodenext",
  lib: ["es2023", "dom"],
  types: ["node"],
};

/** A fresh folder outside the repository that resolves packages (ours included) through the repository's
 * node_modules, as an installed project would. */
export function scratchProject(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  symlinkSync(join(repo, "node_modules"), join(dir, "node_modules"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
}

/** Runs tsc over `dir` with `options`; the diagnostics it printed, and whether it passed. */
export function typecheck(dir: string, options: Record<string, unknown>): { ok: boolean; output: string } {
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: options, include: ["**/*.ts"], exclude: ["node_modules"] }));
  const run = spawnSync(process.execPath, [tsc, "-p", dir], { encoding: "utf8", maxBuffer: 1 << 26 });
  return { ok: run.status === 0, output: (run.stdout + run.stderr).trim() };
}
