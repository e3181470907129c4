// The attack scripts against tsgrpc's server and the bare node:http2 server (bench/servers), on loopback, bounded:
//   node bench/attacks/run.mjs [--seconds 5] [--runs 3] [--servers tsgrpc,bare] [--attacks continuation,rapid-reset,settings,ping]
// Servers run on core 0, attackers and the normal client on core 1 (taskset). For each attack: the server's CPU
// (user+system, /proc) and bytes read (/proc/PID/io rchar) per attacking connection, and per reset stream for rapid
// reset; and a normal client's GetUser throughput alone, then during the rapid-reset attack, in the same run.
// Medians over --runs; a Markdown table on stdout, the raw runs as JSON in bench/results/attacks.json.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { cpuSeconds, startServer } from "../lib/process.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: { seconds: { type: "string", default: "5" }, runs: { type: "string", default: "3" }, servers: { type: "string", default: "tsgrpc,bare" }, attacks: { type: "string", default: "continuation,rapid-reset,settings,ping" }, port: { type: "string", default: "50461" }, out: { type: "string" }, "rr-connections-per-second": { type: "string", default: "100" } },
});
const seconds = Number(values.seconds);
const runs = Number(values.runs);
const servers = values.servers.split(",");
const attacks = values.attacks.split(",");

/** `niced`: at the lowest priority (nice 19), so that on the core it shares with the normal client it does not delay that client's wake-ups (an attacker elsewhere would not). */
function child(file, args, niced = false) {
  return new Promise((resolve, reject) => {
    const command = ["taskset", "-c", "1", process.execPath, join(here, file), ...args];
    const p = spawn(niced ? "nice" : command[0], niced ? ["-n", "19", ...command] : command.slice(1), { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    const timer = setTimeout(() => p.kill("SIGKILL"), (seconds + 60) * 1000);
    p.on("exit", (code) => {
      clearTimeout(timer);
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${file} ${args.join(" ")} exited with ${code}`));
    });
  });
}

const rchar = (pid) => Number(/rchar:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/io`, "utf8"))[1]);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

const results = []; // { run, server, attack, ... }
let port = Number(values.port);
for (let run = 1; run <= runs; run++) {
  for (const server of servers) {
    const srv = await startServer(server, ++port, 0);
    try {
      // Warm-up: the JIT sees ordinary calls first.
      await child("normal-client.mjs", ["--port", String(port), "--seconds", "1"]);
      for (const attack of attacks) {
        const args = [attack, "--port", String(port), "--seconds", String(seconds)];
        if (attack === "rapid-reset") {
          const alone = await child("normal-client.mjs", ["--port", String(port), "--seconds", String(seconds)]);
          const cpu0 = cpuSeconds(srv.pid), read0 = rchar(srv.pid);
          // Paced, so that the attacker does not starve the normal client of the core they share: what is measured is
          // what the attack costs the server.
          const [a, during] = await Promise.all([child("attacker.mjs", [...args, "--connections-per-second", values["rr-connections-per-second"]], true), child("normal-client.mjs", ["--port", String(port), "--seconds", String(seconds)])]);
          const cpu = cpuSeconds(srv.pid) - cpu0, read = rchar(srv.pid) - read0;
          results.push({ run, server, attack, cpu, read, ...a, normalAlone: alone.perSecond, normalDuring: during.perSecond, normalFailedDuring: during.failed });
        } else {
          const cpu0 = cpuSeconds(srv.pid), read0 = rchar(srv.pid);
          const a = await child("attacker.mjs", args);
          results.push({ run, server, attack, cpu: cpuSeconds(srv.pid) - cpu0, read: rchar(srv.pid) - read0, ...a });
        }
        // The server must still answer after each attack.
        const check = await child("normal-client.mjs", ["--port", String(port), "--seconds", "0.5", "--inflight", "1"]);
        if (check.ok === 0) throw new Error(`${server} stopped answering after ${attack}`);
      }
    } finally {
      await srv.stop();
    }
  }
}

const lines = [
  `Attacks, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${cpus().length} x ${cpus()[0]?.model}, node ${process.version}; ${runs} runs of ${seconds} s each, medians.`,
  "",
  "| attack | server | attacking connections | server CPU ms / connection | server bytes read / connection | server CPU µs / reset stream | streams taken / connection | normal client calls/s alone | during attack | during / alone | attacker's core use |",
  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
];
const summary = {};
for (const attack of attacks) {
  for (const server of servers) {
    const rs = results.filter((r) => r.attack === attack && r.server === server);
    const perConn = median(rs.map((r) => (1000 * r.cpu) / r.connections));
    const readPerConn = median(rs.map((r) => r.read / r.connections));
    const row = { connections: median(rs.map((r) => r.connections)), cpuMsPerConnection: perConn, bytesReadPerConnection: readPerConn };
    if (attack === "rapid-reset") {
      // How many streams the server took on a connection is in its GOAWAY (last stream id); connections whose GOAWAY
      // the attacker did not see (the server closed first) are assumed to have taken as many.
      row.streamsPerConnection = median(rs.map((r) => r.streamsAcceptedByServer / Math.max(1, r.goaways)));
      row.cpuUsPerResetStream = median(rs.map((r) => (1e6 * r.cpu) / Math.max(1, r.connections * (r.streamsAcceptedByServer / Math.max(1, r.goaways)))));
      row.attackerCpuShare = median(rs.map((r) => r.attackerCpu / r.seconds));
      row.normalAlone = median(rs.map((r) => r.normalAlone));
      row.normalDuring = median(rs.map((r) => r.normalDuring));
      row.ratio = median(rs.map((r) => r.normalDuring / r.normalAlone));
    }
    summary[`${attack}/${server}`] = row;
    const f = (x, d = 2) => (x === undefined ? "" : x.toLocaleString("en-US", { maximumFractionDigits: d }));
    lines.push(`| ${attack} | ${server} | ${f(row.connections, 0)} | ${f(row.cpuMsPerConnection, 3)} | ${f(row.bytesReadPerConnection, 0)} | ${f(row.cpuUsPerResetStream, 1)} | ${f(row.streamsPerConnection, 0)} | ${f(row.normalAlone, 0)} | ${f(row.normalDuring, 0)} | ${f(row.ratio)} | ${f(row.attackerCpuShare)} |`);
  }
}
console.log(lines.join("\n"));
writeFileSync(values.out ?? join(here, "../results/attacks.json"), JSON.stringify({ date: new Date().toISOString(), seconds, runs, summary, results }, null, 2) + "\n");
