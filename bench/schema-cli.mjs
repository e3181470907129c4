// The schema commands as whole processes against protoc, side by side in one run (issue 20's performance section):
//   node bench/schema-cli.mjs [--runs 7] [--big-mb 20]
// 1. Start-up: `tsgrpc compile` of a one-message file vs `protoc --descriptor_set_out` of it, and `node -e 0` (Node's
//    own start, the floor under any Node CLI): wall and CPU seconds, medians of --runs, A B C in turn.
// 2. A large schema (--big-mb MB of generated messages; 0 skips it): peak RSS and wall time of `tsgrpc gen` vs
//    `protoc --python_out` (protoc's own code generator; no TypeScript one ships with Debian) and of `tsgrpc compile`
//    vs `protoc --descriptor_set_out`, both with source info. Needs GNU time (/usr/bin/time) for the peak RSS.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { median } from "./lib/stats.mjs";

const { values } = parseArgs({ options: { runs: { type: "string", default: "7" }, "big-mb": { type: "string", default: "20" } } });
const runs = Number(values.runs);
const bigMb = Number(values["big-mb"]);
const tsgrpc = join(dirname(fileURLToPath(import.meta.url)), "../packages/cli/bin/tsgrpc.js");
const TIME = "/usr/bin/time";
if (spawnSync("protoc", ["--version"]).status !== 0) throw new Error("protoc is not installed (Debian: protobuf-compiler)");
if (!existsSync(TIME)) throw new Error("GNU time is not installed (Debian: time)");

/** Runs a command under GNU time: wall and CPU seconds, peak RSS in MiB. */
function measure(command, args, cwd) {
  const run = spawnSync(TIME, ["-f", "%e %U %S %M", command, ...args], { cwd, encoding: "utf8", maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${run.stderr}`);
  const [wall, user, sys, rssKb] = run.stderr.trim().split("\n").pop().split(" ").map(Number);
  return { wall, cpu: user + sys, rssMib: rssKb / 1024 };
}

const dir = mkdtempSync(join(tmpdir(), "tsgrpc-schema-bench-"));
try {
  writeFileSync(join(dir, "small.proto"), 'syntax = "proto3";\npackage bench.v1;\nmessage Small { string name = 1; int32 id = 2; }\n');
  const startup = {
    "tsgrpc compile": () => measure(process.execPath, [tsgrpc, "compile", "-I", ".", "--descriptor_set_out=t.pb", "small.proto"], dir),
    "protoc": () => measure("protoc", ["-I.", "--descriptor_set_out=p.pb", "small.proto"], dir),
    "node -e 0": () => measure(process.execPath, ["-e", "0"], dir),
  };
  const samples = Object.fromEntries(Object.keys(startup).map((k) => [k, []]));
  for (const f of Object.values(startup)) f(); // warm-up: the file cache
  for (let i = 0; i < runs; i++) for (const [k, f] of Object.entries(startup)) samples[k].push(f());
  const med = (k, key) => median(samples[k].map((s) => s[key]));
  console.log(`# Schema CLI: ${new Date().toISOString()}, ${cpus().length} x ${cpus()[0]?.model}, Node ${process.version}\n`);
  console.log(`## Start-up: compile of a one-message file, medians of ${runs}\n`);
  console.log("| command | wall s | CPU s | wall / protoc | CPU above node -e 0 |\n|---|---|---|---|---|");
  for (const k of Object.keys(startup)) {
    console.log(`| ${k} | ${med(k, "wall").toFixed(3)} | ${med(k, "cpu").toFixed(3)} | ${(med(k, "wall") / Math.max(med("protoc", "wall"), 0.001)).toFixed(1)}x | ${(med(k, "cpu") - med("node -e 0", "cpu")).toFixed(3)} s |`);
  }

  if (bigMb > 0) {
    const lines = ['syntax = "proto3";', "package big.v1;"];
    let size = 0;
    for (let i = 0; size < bigMb * 1e6; i++) {
      const fields = Array.from({ length: 20 }, (_, f) => `  string field_number_${f + 1}_of_message_${i} = ${f + 1};`);
      const m = `// Message ${i}\nmessage Message${i} {\n${fields.join("\n")}\n  Message${Math.max(0, i - 1)} previous = 21;\n  repeated int64 values = 22;\n}`;
      lines.push(m);
      size += m.length;
    }
    writeFileSync(join(dir, "big.proto"), lines.join("\n") + "\n");
    for (const out of ["out-ts", "out-py"]) mkdirSync(join(dir, out));
    const big = [
      ["tsgrpc gen", () => measure(process.execPath, [tsgrpc, "gen", "-I", ".", "--out", "out-ts", "big.proto"], dir)],
      ["protoc --python_out", () => measure("protoc", ["-I.", "--python_out=out-py", "big.proto"], dir)],
      ["tsgrpc compile (source info)", () => measure(process.execPath, [tsgrpc, "compile", "-I", ".", "--include_source_info", "--descriptor_set_out=big-t.pb", "big.proto"], dir)],
      ["protoc (source info)", () => measure("protoc", ["-I.", "--include_source_info", "--descriptor_set_out=big-p.pb", "big.proto"], dir)],
    ];
    console.log(`\n## A ${bigMb} MB schema (${lines.length - 2} messages), one run each\n`);
    console.log("| command | wall s | peak RSS MiB |\n|---|---|---|");
    const results = big.map(([name, f]) => [name, f()]);
    for (const [name, r] of results) console.log(`| ${name} | ${r.wall.toFixed(1)} | ${r.rssMib.toFixed(0)} |`);
    const rss = Object.fromEntries(results.map(([n, r]) => [n, r.rssMib]));
    console.log(`\ngen / protoc peak RSS: ${(rss["tsgrpc gen"] / rss["protoc --python_out"]).toFixed(2)}x; compile / protoc: ${(rss["tsgrpc compile (source info)"] / rss["protoc (source info)"]).toFixed(2)}x`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
