import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { generateFile } from "@tsgrpc/codegen";
import { getDescriptorRegistry } from "@tsgrpc/protobuf/codegen-support";
import { registry } from "./user-service-fixture.js";

// The API a user writes, with generated code, must type-check under --strict (handlers and stubs typed from the
// ServiceDefinition) and run.
const dir = fileURLToPath(new URL("../typed-example", import.meta.url));
const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");

test("a server and client written against generated code type-check under --strict and run", { timeout: 120_000 }, async () => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = [...registry.files.values()].find((f) => f.name === "user_service.proto")!;
  const generated = generateFile(file, registry, getDescriptorRegistry());
  writeFileSync(join(dir, generated.name), generated.content);
  copyFileSync(fileURLToPath(new URL("../../test/typed/example.ts.txt", import.meta.url)), join(dir, "example.ts"));
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, module: "nodenext", target: "es2022", outDir: "js", skipLibCheck: true, types: ["node"] }, include: ["*.ts"] }));
  try {
    execFileSync(process.execPath, [tsc, "-p", dir], { stdio: "pipe" });
  } catch (e) {
    assert.fail(String((e as { stdout?: Buffer }).stdout ?? e));
  }
  const example = await import(pathToFileURL(join(dir, "js", "example.js")).href);
  const port = await example.server.listen("127.0.0.1:0");
  try {
    assert.deepEqual(await example.run(port), ["ada", "admin", "2", "s:t"]);
  } finally {
    await example.server.shutdown(100);
  }
});
