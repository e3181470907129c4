import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Compiler, CompileError, formatDiagnostic } from "../src/index.js";

/** Writes `files` (name -> text) into a fresh folder and returns it. */
export function protoDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-proto-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Compiles `main` among `files`; returns the error lines (empty when it compiled). */
export function compileErrors(files: Record<string, string>, main = Object.keys(files)[0]!): string[] {
  const compiler = new Compiler({ includePaths: [protoDir(files)] });
  try {
    compiler.compile([main]);
    return [];
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    return e.diagnostics.filter((d) => !d.warning).map(formatDiagnostic);
  }
}

export function compileOne(text: string, extra: Record<string, string> = {}) {
  const compiler = new Compiler({ includePaths: [protoDir({ "main.proto": text, ...extra })] });
  return compiler.compile(["main.proto"])[0]!;
}
