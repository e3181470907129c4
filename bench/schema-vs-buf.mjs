// tsgrpc's schema tools against buf's (issue 20's performance section), as whole processes, side by side in one run:
//   node bench/schema-vs-buf.mjs [--runs 5]
// On the shared corpus as a buf workspace (../shared/corpus: 3 modules, ~120 files with their imports), medians of
// --runs, the commands taking turns: `lint` (STANDARD and COMMENTS), `format` (every file, to stdout), and `breaking`
// against the workspace itself (every rule compared, no finding: what a CI run without breaking changes costs).
// Wall and CPU seconds and peak RSS from GNU time; the ratio is tsgrpc / buf. Needs the corpus, GNU time and the
// @bufbuild/buf devDependency; `npm run build` first (the corpus workspace builder is the lint tests').
import { spawnSync } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { median } from "./lib/stats.mjs";

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const runs = Number(values.runs);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsgrpc = join(root, "packages/cli/bin/tsgrpc.js");
const buf = join(root, "node_modules/.bin/buf");
const TIME = "/usr/bin/time";
const { corpusMissing, corpusWorkspace, corpusConfig } = await import(join(root, "packages/cli/dist/test/corpus-workspace.js"));
if (corpusMissing) throw new Error(corpusMissing);
if (!existsSync(TIME)) throw new Error("GNU time is not installed (Debian: time)");
if (!existsSync(buf)) throw new Error("buf is not installed: npm ci installs the @bufbuild/buf devDependency");

/** Runs a command under GNU time (exit 0 or 100, buf's "findings"): wall and CPU seconds, peak RSS in MiB, stdout. */
function measure(command, args, cwd) {
  const run = spawnSync(TIME, ["-f", "%e %U %S %M", command, ...args], { cwd, encoding: "utf8", maxBuffer: 1 << 28 });
  if (run.status !== 0 && run.status !== 100) throw new Error(`${command} ${args.join(" ")} failed (${run.status}): ${run.stderr.slice(-2000)}`);
  const [wall, user, sys, rssKb] = run.stderr.trim().split("\n").pop().split(" ").map(Number);
  return { wall, cpu: user + sys, rssMib: rssKb / 1024, stdout: run.stdout };
}

const ws = corpusWorkspace();
try {
  writeFileSync(join(ws.dir, "buf.yaml"), corpusConfig({ use: ["STANDARD", "COMMENTS"] }));
  const pairs = [
    ["lint", [tsgrpc, "lint"], [buf, "lint"]],
    ["format", [tsgrpc, "format"], [buf, "format"]],
    ["breaking --against itself", [tsgrpc, "breaking", "--against", "."], [buf, "breaking", "--against", "."]],
  ].filter(([name]) => !name.startsWith("breaking") || spawnSync(process.execPath, [tsgrpc, "breaking", "--help"]).status === 0);
  const samples = new Map();
  const run = (who, [command, ...args]) => measure(command === tsgrpc ? process.execPath : command, command === tsgrpc ? [tsgrpc, ...args] : args, ws.dir);
  // Warm-up (the file cache, buf's module cache), and a check that both sides agree on the output's size.
  for (const [name, ours, theirs] of pairs) {
    const a = run("tsgrpc", ours);
    const b = run("buf", theirs);
    console.error(`${name}: tsgrpc printed ${a.stdout.split("\n").length - 1} lines, buf ${b.stdout.split("\n").length - 1}`);
  }
  for (let i = 0; i < runs; i++)
    for (const [name, ours, theirs] of pairs)
      for (const [who, argv] of [["tsgrpc", ours], ["buf", theirs]]) {
        const key = `${name}|${who}`;
        samples.set(key, [...(samples.get(key) ?? []), run(who, argv)]);
      }
  const med = (name, who, field) => median(samples.get(`${name}|${who}`).map((s) => s[field]));
  console.log(`# tsgrpc vs buf ${spawnSync(buf, ["--version"], { encoding: "utf8" }).stdout.trim()} on the corpus workspace: ${new Date().toISOString()}, ${cpus().length} x ${cpus()[0]?.model}, Node ${process.version}, load ${loadavg()[0].toFixed(1)}\n`);
  console.log(`${ws.modules.reduce((n, m) => n + m.files.length, 0)} files in ${ws.modules.length} modules; medians of ${runs} runs\n`);
  console.log("| command | tsgrpc wall s | buf wall s | wall ratio | tsgrpc CPU s | buf CPU s | CPU ratio | tsgrpc RSS MiB | buf RSS MiB |\n|---|---|---|---|---|---|---|---|---|");
  for (const [name] of pairs) {
    const [tw, bw, tc, bc] = [med(name, "tsgrpc", "wall"), med(name, "buf", "wall"), med(name, "tsgrpc", "cpu"), med(name, "buf", "cpu")];
    console.log(`| ${name} | ${tw.toFixed(2)} | ${bw.toFixed(2)} | ${(tw / bw).toFixed(2)}x | ${tc.toFixed(2)} | ${bc.toFixed(2)} | ${(tc / bc).toFixed(2)}x | ${med(name, "tsgrpc", "rssMib").toFixed(0)} | ${med(name, "buf", "rssMib").toFixed(0)} |`);
  }
} finally {
  rmSync(ws.dir, { recursive: true, force: true });
}
