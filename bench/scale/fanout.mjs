// WatchUsers fan-out on PostgreSQL: WATCHERS watchers spread over REPLICAS replicas, users created at a steady rate;
// for each user, the time from the create's acknowledgement to each watcher's receipt.
//   node bench/scale/fanout.mjs [--watchers 1000] [--replicas 3] [--rate 20] [--seconds 30] [--json FILE] [--cpu-prof DIR]
// Nothing pinned (replicas, PostgreSQL, the watchers' process and the creator's share both cores).
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { median, percentile } from "../lib/stats.mjs";
import { startPostgres } from "./postgres.mjs";
import { startService, treeCpu } from "./servers.mjs";

const { values } = parseArgs({ options: { watchers: { type: "string", default: "1000" }, replicas: { type: "string", default: "3" }, rate: { type: "string", default: "20" }, seconds: { type: "string", default: "30" }, json: { type: "string" }, "cpu-prof": { type: "string" } } });
const here = (f) => fileURLToPath(new URL(f, import.meta.url));

const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const loadBefore = loadavg();
const db = await startPostgres();
const servers = [];
let watchers;
const cleanup = async () => {
  if (watchers && watchers.exitCode === null) watchers.kill("SIGKILL");
  for (const s of servers) await s.stop().catch(() => {});
  db.destroy();
};
process.on("SIGINT", () => cleanup().then(() => process.exit(130)));

/** Runs a node script; resolves with its stdout once it exits 0. */
function output(child) {
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  return new Promise((resolve, reject) => child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${child.spawnargs.join(" ")} exited with ${code}`)))));
}

try {
  // --cpu-prof DIR: V8's CPU profile of every replica, written to DIR when it exits (where a delivery's CPU goes).
  const nodeArgs = values["cpu-prof"] ? ["--cpu-prof", "--cpu-prof-dir", values["cpu-prof"]] : [];
  for (let i = 0; i < Number(values.replicas); i++) servers.push(await startService(["--db", db.url], { nodeArgs }));
  const targets = servers.map((s) => `127.0.0.1:${s.port}`);

  watchers = spawn(process.execPath, [here("watchers.mjs"), "--targets", targets.join(","), "--watchers", values.watchers], { stdio: ["pipe", "pipe", "inherit"] });
  const watched = output(watchers);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("watchers not ready within 60 s")), 60_000);
    watchers.stdout.on("data", function ready(d) {
      if (String(d).includes("ready")) {
        clearTimeout(timer);
        watchers.stdout.off("data", ready);
        resolve();
      }
    });
  });

  const cpu0 = { replicas: treeCpu(servers.map((s) => s.pid)), db: treeCpu([db.postmasterPid]), watchers: treeCpu([watchers.pid]) };
  const creator = spawn(process.execPath, [here("creator.mjs"), "--target", `ipv4:${targets.join(",")}`, "--rate", values.rate, "--seconds", values.seconds], { stdio: ["ignore", "pipe", "inherit"] });
  const created = JSON.parse(await output(creator));
  await new Promise((r) => setTimeout(r, 2000)); // the last events' way to every watcher
  const cpu = { replicas: treeCpu(servers.map((s) => s.pid)) - cpu0.replicas, db: treeCpu([db.postmasterPid]) - cpu0.db, watchers: treeCpu([watchers.pid]) - cpu0.watchers };
  watchers.stdin.end();
  const { receipts, failed } = JSON.parse((await watched).trim().split("\n").pop());

  const perEvent = created.map(({ username, sent, ack }) => {
    const times = (receipts[username] ?? []).map((t) => t - ack).sort((a, b) => a - b);
    return { username, createMs: ack - sent, receivedBy: times.length, p50: percentile(times, 0.5), p99: percentile(times, 0.99), last: times[times.length - 1], first: times[0], spread: times[times.length - 1] - times[0] };
  });
  const complete = perEvent.filter((e) => e.receivedBy === Number(values.watchers)).length;
  const col = (k) => perEvent.map((e) => e[k]).filter(Number.isFinite);
  const row = (k) => `${median(col(k)).toFixed(1)} | ${percentile(col(k).sort((a, b) => a - b), 0.99).toFixed(1)} | ${Math.max(...col(k)).toFixed(1)}`;
  console.log(`| per event, ms after the create's acknowledgement | median over events | p99 over events | worst event |`);
  console.log("|---|---:|---:|---:|");
  console.log(`| first watcher | ${row("first")} |`);
  console.log(`| p50 of the ${values.watchers} watchers | ${row("p50")} |`);
  console.log(`| p99 of the watchers | ${row("p99")} |`);
  console.log(`| last watcher | ${row("last")} |`);
  console.log(`| spread: last watcher minus first | ${row("spread")} |`);
  console.log(`| (the CreateUser call itself, sent to ack) | ${row("createMs")} |`);
  const seconds = Number(values.seconds);
  console.log(`(load average before / after: ${loadBefore} / ${loadavg()})`);
  console.log(`\n${created.length} users created (${values.rate}/s for ${seconds} s) over ${servers.length} replicas; ${complete} of them reached all ${values.watchers} watchers; ${failed} watcher streams failed.`);
  console.log(`CPU over the run (cores): replicas ${(cpu.replicas / seconds).toFixed(2)}, PostgreSQL ${(cpu.db / seconds).toFixed(2)}, watchers' process ${(cpu.watchers / seconds).toFixed(2)}`);
  if (values.json) writeFileSync(values.json, JSON.stringify({ ...values, cpu, complete, failed, perEvent }, null, 2));
} finally {
  await cleanup();
}
