// What an installed @tsgrpc package must hold for a user: its README and LICENSE, every file its exports, main,
// types and bin name, no tests, and source maps whose sources are shipped. Returns the problems found, as lines.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

interface Manifest {
  name: string;
  main?: string;
  types?: string;
  bin?: string | Record<string, string>;
  exports?: Record<string, string | Record<string, string>>;
}

/** Every file under `dir`, as paths relative to it. */
function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? listFiles(path, base) : [relative(base, path)];
  });
}

/** The files a manifest names: export targets (every condition), main, types and bins. */
function namedFiles(m: Manifest): string[] {
  const exportTargets = Object.values(m.exports ?? {}).flatMap((t) => (typeof t === "string" ? [t] : Object.values(t)));
  const bins = typeof m.bin === "string" ? [m.bin] : Object.values(m.bin ?? {});
  return [...exportTargets, ...bins, ...(m.main ? [m.main] : []), ...(m.types ? [m.types] : [])];
}

/** A source map's sources that are not in the package (the map would send a debugger to nothing). */
function danglingSources(dir: string, mapFile: string): string[] {
  const map = JSON.parse(readFileSync(join(dir, mapFile), "utf8")) as { sources?: string[]; sourceRoot?: string };
  const base = resolve(dir, dirname(mapFile), map.sourceRoot ?? "");
  return (map.sources ?? []).filter((s) => !existsSync(resolve(base, s))).map((s) => `${mapFile} -> ${s}`);
}

export function checkInstalledPackage(dir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
  const files = listFiles(dir);
  const problems: string[] = [];
  for (const required of ["README.md", "LICENSE"]) if (!files.includes(required)) problems.push(`no ${required}`);
  for (const named of namedFiles(manifest)) if (!existsSync(join(dir, named))) problems.push(`package.json names ${named}, which is not in the package`);
  for (const test of files.filter((f) => /(^|\/)test\//.test(f))) problems.push(`ships a test file: ${test}`);
  for (const mapFile of files.filter((f) => f.endsWith(".map"))) problems.push(...danglingSources(dir, mapFile).map((d) => `source map points to a missing file: ${d}`));
  return problems.map((p) => `${manifest.name}: ${p}`);
}

/** The specifiers a user can import from a package: its name and each exported subpath except package.json. */
export function importSpecifiers(dir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
  return Object.keys(manifest.exports ?? { ".": "" })
    .filter((k) => k !== "./package.json")
    .map((k) => (k === "." ? manifest.name : `${manifest.name}/${k.slice(2)}`));
}
