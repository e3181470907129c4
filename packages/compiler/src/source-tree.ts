import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/**
 * The well-known types that ship with tsgrpc: the last place an import is looked for. Found through the package's own
 * name, not this file's place, so that a bundle of this code (the CLI's) finds them too.
 */
export const BUNDLED_PROTO_DIR = join(dirname(createRequire(import.meta.url).resolve("@tsgrpc/compiler/package.json")), "proto");

/**
 * Maps import names ("google/api/http.proto") to files through the -I paths in order, like protoc, with the bundled
 * well-known types as the fallback.
 */
export class SourceTree {
  private readonly roots: string[];

  constructor(includePaths: string[]) {
    this.roots = [...includePaths.map((p) => resolve(p)), BUNDLED_PROTO_DIR];
  }

  /** The file's text, or undefined when no root has it. */
  read(name: string): { text: string; diskPath: string } | undefined {
    for (const root of this.roots) {
      const diskPath = join(root, name);
      if (existsSync(diskPath)) return { text: readFileSync(diskPath, "utf8"), diskPath };
    }
    return undefined;
  }

  /**
   * The import name of a file given on the command line: used as it is when a root has it under that name,
   * otherwise its path relative to the first include path that contains it.
   */
  virtualName(arg: string): string | undefined {
    if (!isAbsolute(arg) && this.read(arg)) return arg.split(sep).join("/");
    const abs = resolve(arg);
    for (const root of this.roots) {
      const rel = relative(root, abs);
      if (!rel.startsWith("..") && !isAbsolute(rel)) return rel.split(sep).join("/");
    }
    return undefined;
  }
}
