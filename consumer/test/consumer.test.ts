import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkInstalledPackage, importSpecifiers } from "../src/package-checks.js";
import { binOf, fixtureDir, publishableWorkspaces, repoRoot, typeRoots } from "../src/repo.js";
import { consumerEnv, run, runOk, StepError } from "../src/run.js";
import { startUntil } from "../src/server-process.js";
import { summarizeTscErrors } from "../src/tsc-summary.js";

// A user's project, as issue 16 asks: every publishable package packed, the tarballs alone installed into a fresh
// project outside the repo (npm held offline: nothing from the registry), code generated there with the installed
// CLI, compiled under strict settings with both module resolutions, run as a server and a client in processes of their
// own, and the browser client bundled. Each step is a subtest named for what it checks; a step whose inputs an earlier
// step failed to make is skipped, saying which. typescript, esbuild and @types/node are the monorepo's own, by path.

/** The strictness a careful user compiles with; generated code and the packages' .d.ts must pass it. */
const STRICT = ["--strict", "--exactOptionalPropertyTypes", "--noUncheckedIndexedAccess"];

/** What the fixture's client prints when every call got the answer the fixture's server gives (see fixture/src). */
const EXPECTED_CLIENT_OUTPUT = [
  'GetItem: {"id":"a1","name":"Lamp","condition":"CONDITION_NEW","stockByWarehouse":{"east":"3","west":"0"},"tags":{"color":{"label":"red"}},"fixedPriceCents":"1999","listedAt":"2026-01-02T03:04:05Z","warranty":"3600.500s","attributes":{"lit":true}}',
  "GetItem zz: NOT_FOUND",
  "ListItems: a1=Lamp:fixedPriceCents c3=Desk:priceRule",
  "AddItems: 2 d4:oak e5:pine+new",
  "CheckPrices: a1=1999 b2=0 c3=45000",
];

test("consumer: the packed tarballs alone, in a fresh project outside the repo", { timeout: 300_000 }, async (t) => {
  const project = mkdtempSync(join(tmpdir(), "tsgrpc-consumer-"));
  t.after(() => rmSync(project, { recursive: true, force: true }));
  const env = consumerEnv();
  const facts = new Set<string>();
  const step = (name: string, needs: string[], fn: () => Promise<void>) => {
    const missing = needs.filter((f) => !facts.has(f));
    return t.test(name, missing.length > 0 ? { skip: `an earlier step did not produce: ${missing.join(", ")}` } : {}, fn);
  };
  const tscCheck = async (name: string, tsconfig: string) => {
    const command = [process.execPath, binOf("typescript", "tsc"), "-p", tsconfig, ...STRICT, "--typeRoots", typeRoots, "--pretty", "false"];
    const result = await run(name, command, { cwd: project, timeoutMs: 120_000, env });
    return { command, result, fail: () => new StepError(name, command, `exit ${result.code}: ${summarizeTscErrors(result.stdout)}`, result) };
  };

  await step("npm pack: every publishable package, prepack building it and adding LICENSE", [], async () => {
    const workspaces = publishableWorkspaces();
    const command = ["npm", "pack", "--pack-destination", project, ...workspaces.flatMap((w) => ["-w", w])];
    await runOk("npm pack", command, { cwd: repoRoot, timeoutMs: 180_000, env });
    const tarballs = readdirSync(project).filter((f) => f.endsWith(".tgz"));
    assert.equal(tarballs.length, workspaces.length, `one tarball per package (${workspaces.join(", ")}), got ${tarballs.join(", ")}`);
    facts.add("tarballs");
  });

  await step("npm install ./*.tgz, offline: the sibling ranges resolve to the packed set", ["tarballs"], async () => {
    cpSync(fixtureDir, project, { recursive: true });
    const tarballs = readdirSync(project).filter((f) => f.endsWith(".tgz")).sort().map((f) => `./${f}`);
    await runOk("npm install", ["npm", "install", ...tarballs], { cwd: project, timeoutMs: 120_000, env });
    await runOk("npm ls (every dependency present and in range)", ["npm", "ls", "--all"], { cwd: project, timeoutMs: 60_000, env });
    const nested = readdirSync(join(project, "node_modules", "@tsgrpc")).filter((p) => existsSync(join(project, "node_modules", "@tsgrpc", p, "node_modules")));
    assert.deepEqual(nested, [], "no package got a second copy of a sibling");
    facts.add("installed");
  });

  const installed = () => readdirSync(join(project, "node_modules", "@tsgrpc")).map((p) => join(project, "node_modules", "@tsgrpc", p));

  await step("installed packages hold README, LICENSE, every file package.json names, and their source maps' sources", ["installed"], async () => {
    const problems = installed().flatMap(checkInstalledPackage);
    if (problems.length > 0) throw new Error(`${problems.length} problems:\n${problems.join("\n")}`);
  });

  await step("every export of every package loads in Node from the project", ["installed"], async () => {
    const specifiers = installed().flatMap(importSpecifiers);
    const script = `const failed = [];
for (const s of ${JSON.stringify(specifiers)}) { try { await import(s); } catch (e) { failed.push(s + ": " + e.message); } }
if (failed.length > 0) { console.error(failed.join("\\n")); process.exit(1); }`;
    await runOk(`import ${specifiers.join(", ")}`, [process.execPath, "--input-type=module", "-e", script], { cwd: project, timeoutMs: 30_000, env });
  });

  await step("npx tsgrpc --help", ["installed"], async () => {
    const { stdout } = await runOk("npx tsgrpc --help", ["npx", "tsgrpc", "--help"], { cwd: project, timeoutMs: 30_000, env });
    assert.match(stdout, /usage: tsgrpc gen/);
  });

  await step("npx tsgrpc gen: TypeScript for the fixture's schema and its imports", ["installed"], async () => {
    const command = ["npx", "tsgrpc", "gen", "-I", "proto", "--out", "src/gen", "proto/shop/v1/shop.proto"];
    await runOk("npx tsgrpc gen", command, { cwd: project, timeoutMs: 30_000, env });
    assert.ok(existsSync(join(project, "src/gen/shop/v1/shop_pb.ts")), "src/gen/shop/v1/shop_pb.ts written");
    facts.add("generated code");
  });

  await step(`tsc ${STRICT.join(" ")}, module nodenext (emits dist/)`, ["generated code"], async () => {
    const { result, fail } = await tscCheck("tsc (nodenext)", "tsconfig.nodenext.json");
    // tsc emits despite type errors, so the run step below still shows whether the code works at run time.
    if (["server.js", "client.js"].every((f) => existsSync(join(project, "dist", f)))) facts.add("compiled server and client");
    if (result.code !== 0) throw fail();
  });

  await step(`tsc ${STRICT.join(" ")}, moduleResolution bundler`, ["generated code"], async () => {
    const { result, fail } = await tscCheck("tsc (bundler)", "tsconfig.bundler.json");
    if (result.code !== 0) throw fail();
  });

  await step("server and client run as processes: all four RPC kinds answer as expected", ["compiled server and client"], async () => {
    const server = await startUntil("server", [process.execPath, "dist/server.js"], /listening on (\d+)/, { cwd: project, timeoutMs: 15_000, env });
    try {
      const port = server.match[1]!;
      const client = await run("client", [process.execPath, "dist/client.js", port], { cwd: project, timeoutMs: 30_000, env });
      const why = client.code !== 0 ? `exit ${client.code ?? client.signal}` : "unexpected output";
      const lines = client.stdout.trimEnd().split("\n");
      if (client.code !== 0 || JSON.stringify(lines) !== JSON.stringify(EXPECTED_CLIENT_OUTPUT)) {
        const { stdout, stderr } = server.output();
        const expected = `--- expected client stdout:\n${EXPECTED_CLIENT_OUTPUT.join("\n")}\n--- server stdout:\n${stdout}--- server stderr:\n${stderr}`;
        throw new StepError("client", [process.execPath, "dist/client.js", port], `${why}\n${expected}`, client);
      }
    } finally {
      await server.stop();
    }
  });

  await step("esbuild --bundle --platform=browser: the browser client pulls in no node: module", ["generated code"], async () => {
    const command = [binOf("esbuild", "esbuild"), "src/browser.ts", "--bundle", "--platform=browser", "--format=esm", "--outfile=out/browser.js", "--metafile=out/meta.json", "--log-level=warning"];
    await runOk("esbuild", command, { cwd: project, timeoutMs: 30_000, env });
    const meta = JSON.parse(readFileSync(join(project, "out/meta.json"), "utf8")) as { inputs: Record<string, { imports: { path: string }[] }> };
    const nodeImports = Object.entries(meta.inputs).flatMap(([file, i]) => i.imports.filter((m) => m.path.startsWith("node:")).map((m) => `${file} -> ${m.path}`));
    assert.deepEqual(nodeImports, [], "node: imports in the browser bundle");
    const engine = Object.keys(meta.inputs).filter((f) => f.includes("@tsgrpc/http2/"));
    assert.deepEqual(engine, [], "the HTTP/2 engine (Node only) in the browser bundle");
  });
});
