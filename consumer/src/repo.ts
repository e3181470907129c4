// Where the monorepo's pieces are, seen from consumer/dist/src: the packages to pack and the tools the consumer
// project borrows (typescript, esbuild, @types/node) so that it installs nothing but the tarballs.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const fixtureDir = join(repoRoot, "consumer", "fixture");
const require = createRequire(join(repoRoot, "package.json"));

interface PackageJson {
  name: string;
  private?: boolean;
  workspaces?: string[];
  bin?: string | Record<string, string>;
}

const readJson = (path: string): PackageJson => JSON.parse(readFileSync(path, "utf8")) as PackageJson;

/** The workspaces that are published: every one not marked private, so a new package is packed without a change here. */
export function publishableWorkspaces(): string[] {
  const workspaces = readJson(join(repoRoot, "package.json")).workspaces ?? [];
  return workspaces.filter((w) => readJson(join(repoRoot, w, "package.json")).private !== true);
}

/** The file a package's `bin` entry points to, in the monorepo's node_modules. */
export function binOf(pkg: string, name: string): string {
  const manifest = require.resolve(`${pkg}/package.json`);
  const bin = readJson(manifest).bin;
  const file = typeof bin === "string" ? bin : bin?.[name];
  if (file === undefined) throw new Error(`${pkg} has no bin "${name}"`);
  return join(dirname(manifest), file);
}

/** The monorepo's @types folder (for --typeRoots): the consumer project gets Node's types without installing them. */
export const typeRoots = join(repoRoot, "node_modules", "@types");
