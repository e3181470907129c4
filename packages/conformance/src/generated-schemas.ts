import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { generateFile, isProvided } from "@tsgrpc/codegen";
import type { MessageType } from "@tsgrpc/protobuf";
import { getDescriptorRegistry } from "@tsgrpc/protobuf/codegen-support";
import { loadTestSchemas } from "./test-schemas.js";

const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");

/**
 * Generates TypeScript for the conformance schemas into `dist/<name>` (each test file its own folder: test files run
 * in parallel), compiles it with `tsc --strict`, and imports it: the generated message types by full name. tsc's
 * complaints are thrown as they are.
 */
export async function generatedTypes(name: string): Promise<Map<string, MessageType>> {
  const { files, registry } = loadTestSchemas();
  const outDir = fileURLToPath(new URL(`../${name}`, import.meta.url));
  rmSync(outDir, { recursive: true, force: true });
  const modules: string[] = [];
  for (const file of files.filter((f) => !isProvided(f.name!))) {
    const g = generateFile(file, registry, getDescriptorRegistry());
    mkdirSync(dirname(join(outDir, g.name)), { recursive: true });
    writeFileSync(join(outDir, g.name), g.content);
    modules.push(g.name.replace(/\.ts$/, ".js"));
  }
  const options = { strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, module: "nodenext", target: "es2022", outDir: "js", skipLibCheck: true, types: [] };
  writeFileSync(join(outDir, "tsconfig.json"), JSON.stringify({ compilerOptions: options, include: ["**/*.ts"] }));
  try {
    execFileSync(process.execPath, [tsc, "-p", outDir], { stdio: "pipe" });
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`tsc rejected generated code:\n${err.stdout?.toString() ?? ""}${err.stderr?.toString() ?? ""}`);
  }
  const types = new Map<string, MessageType>();
  for (const m of modules) {
    const exports = (await import(pathToFileURL(join(outDir, "js", m)).href)) as Record<string, unknown>;
    for (const value of Object.values(exports)) {
      if (typeof value === "object" && value !== null && "typeName" in value && "encodeTo" in value) types.set((value as MessageType).typeName, value as MessageType);
    }
  }
  return types;
}
