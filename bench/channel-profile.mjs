// Where a client's CPU goes per GetUser call, variant by variant (bench/clients/channel.mjs), from V8's sampling
// profiler over the measured runs only: the companion of the `channel` scenario for finding what the channel adds.
//   node bench/channel-profile.mjs [--before DIR] [--server tsgrpc|bare] [-n 30000] [--runs 3] [--top 40]
//     [--variants before,pick_first,round_robin,retry] [--out DIR] [--fake-stream]
// Prints, per variant, the CPU per call the profile saw (ticks outside "(idle)"), then the functions with the most
// self time per call side by side (µs per call; a function is matched across builds by name and file, the file
// relative to its build's root), and the same by file. Profiles are kept in --out (default: a temporary directory)
// for Chrome DevTools or speedscope. --fake-stream: the call layer alone (see clients/channel.mjs).
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { startServer } from "./lib/process.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const { values: flags } = parseArgs({
  options: {
    before: { type: "string", default: process.env.TSGRPC_BEFORE },
    server: { type: "string", default: "tsgrpc" },
    n: { type: "string", default: "30000" },
    runs: { type: "string", default: "3" },
    top: { type: "string", default: "40" },
    variants: { type: "string" },
    out: { type: "string" },
    "fake-stream": { type: "boolean" },
  },
});
const variants = (flags.variants ?? (flags.before ? "before,pick_first,round_robin,retry" : "pick_first,round_robin,retry")).split(",");
const n = Number(flags.n);
const runs = Number(flags.runs);
const out = flags.out ?? mkdtempSync(join(tmpdir(), "tsgrpc-channel-prof-"));
mkdirSync(out, { recursive: true });
const PORT = 50760;

/** Runs one client variant with the profiler on, `runs` measured runs; returns its results and profile file. */
async function profileVariant(variant) {
  const file = join(out, `${variant.replace(/[^\w+-]+/g, "_")}.cpuprofile`);
  const args = [join(here, "clients/channel.mjs"), variant, "--target", `127.0.0.1:${PORT}`, "-n", String(n), "--cpu-prof", file];
  if (flags.before) args.push("--before", flags.before);
  if (flags["fake-stream"]) args.push("--fake-stream");
  const child = spawn("taskset", ["-c", "1", process.execPath, ...args], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse((await lines.next()).value);
  await next();
  const results = [];
  for (let r = 0; r < runs; r++) {
    child.stdin.write("run\n");
    results.push(await next());
  }
  child.stdin.end("quit\n");
  const code = await new Promise((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`client ${variant} exited with ${code}`);
  return { variant, file, results };
}

/** The build a script belongs to: paths relative to its root, so that both builds' functions line up. */
function shortPath(url) {
  if (!url) return "";
  const path = url.startsWith("file://") ? fileURLToPath(url) : url;
  const impls = variants.map((v) => v.split("@")[1]);
  for (const base of [flags.before, ...impls, root].filter(Boolean)) if (path.startsWith(base + "/")) return relative(base, path).replace(/^packages\//, "");
  return path.startsWith("node:") ? path : path.replace(/^.*\/node_modules\//, "");
}

/** Self time (µs) by function and by file, from a .cpuprofile. */
function summarize(file) {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const functions = new Map();
  const files = new Map();
  let busy = 0;
  for (const [id, us] of self) {
    const { functionName, url } = byId.get(id).callFrame;
    if (functionName === "(idle)") continue;
    busy += us;
    const path = shortPath(url);
    const key = `${functionName || "(anonymous)"} ${path}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
    const fileKey = path || functionName;
    files.set(fileKey, (files.get(fileKey) ?? 0) + us);
  }
  return { busy, functions, files };
}

function table(title, rows, keys, calls, top) {
  const totals = new Map();
  for (const row of rows) for (const [k, v] of row.map) totals.set(k, Math.max(totals.get(k) ?? 0, v / calls));
  const ordered = [...totals.keys()].sort((a, b) => totals.get(b) - totals.get(a)).slice(0, top);
  const lines = [`### ${title} (µs of self time per call)`, "", `| ${keys.join(" | ")} | ${rows.map((r) => r.variant).join(" | ")} |`, `|${keys.map(() => "---").join("|")}|${rows.map(() => "---:").join("|")}|`];
  for (const k of ordered) lines.push(`| ${k.replace(/\|/g, "\\|")} | ${rows.map((r) => ((r.map.get(k) ?? 0) / calls).toFixed(3)).join(" | ")} |`);
  return lines.join("\n");
}

const server = await startServer(flags.server, PORT, 0);
const profiled = [];
try {
  for (const v of variants) {
    process.stderr.write(`profiling ${v} ... `);
    profiled.push(await profileVariant(v));
    process.stderr.write("done\n");
  }
} finally {
  await server.stop();
}
const calls = n * runs;
const summaries = profiled.map((p) => ({ ...p, ...summarize(p.file) }));
console.log(`Profiles in ${out}; ${runs} runs of ${n} GetUser calls (100 in flight) per variant against the ${flags.server} server${flags["fake-stream"] ? " (--fake-stream: answered in memory after the warm-up)" : ""}, client on core 1.\n`);
console.log("| variant | calls/s (median) | CPU µs/call (getrusage) | profiled busy µs/call |\n|---|---:|---:|---:|");
for (const s of summaries) {
  const sorted = (f) => s.results.map(f).sort((a, b) => a - b)[Math.floor(s.results.length / 2)];
  console.log(`| ${s.variant} | ${sorted((r) => r.rate).toFixed(0)} | ${sorted((r) => r.cpuUs / n).toFixed(2)} | ${(s.busy / calls).toFixed(2)} |`);
}
console.log("");
console.log(table("By function", summaries.map((s) => ({ variant: s.variant, map: s.functions })), ["function file"], calls, Number(flags.top)) + "\n");
console.log(table("By file", summaries.map((s) => ({ variant: s.variant, map: s.files })), ["file"], calls, 25));
