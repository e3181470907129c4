// The attack scripts against tsgrpc's server, the bare node:http2 server and grpc-go's (bench/servers), on loopback,
// bounded:
//   node bench/attacks/run.mjs [--seconds 5] [--runs 3] [--servers tsgrpc,bare,grpc-go] [--attacks continuation,rapid-reset,settings,ping]
// grpc-go is built on demand (servers/grpc-go.mjs) and skipped, with the reason on stderr, where it cannot be.
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
import { buildGrpcGo, grpcGoVersion } from "../servers/grpc-go.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: { seconds: { type: "string", default: "5" }, runs: { type: "string", default: "3" }, servers: { type: "string", default: "tsgrpc,bare" }, attacks: { type: "string", default: "continuation,rapid-reset,settings,ping" }, port: { type: "string", default: "50461" }, out: { type: "string" }, "rr-connections-per-second": { type: "string", default: "100" } },
});
const seconds = Number(values.seconds);
const runs = Number(values.runs);
let servers = values.servers.split(",");
if (servers.includes("grpc-go")) {
  const built = buildGrpcGo();
  if (built.skipped) {
    console.error(`grpc-go skipped: ${built.skipped}`);
    servers = servers.filter((s) => s !== "grpc-go");
  }
}
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

/**
 * Waits until the server has caught up: its CPU time still for 200 ms (at most 10 s). A server that keeps reading what
 * the attacker wrote before it stopped (data in the socket buffers) is charged for it too.
 */
async function settled(pid) {
  let last = cpuSeconds(pid);
  for (let still = 0, i = 0; still < 2 && i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = cpuSeconds(pid);
    still = now === last ? still + 1 : 0;
    last = now;
  }
}
const rchar = (pid) => Number(/rchar:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/io`, "utf8"))[1]);
const H2_ERRORS = ["NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM"];
/** Over all runs: the connections the server closed (or reset) before the attacker was done with them, and the GOAWAYs it saw. */
const answer = (row) => [`closed by server ${row.closedByServer} of ${row.totalConnections}`, ...Object.entries(row.goawayCodes).map(([code, n]) => `GOAWAY ${H2_ERRORS[code] ?? code} x${n}`)].join(", ");
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
          await settled(srv.pid);
          const cpu = cpuSeconds(srv.pid) - cpu0, read = rchar(srv.pid) - read0;
          results.push({ run, server, attack, cpu, read, ...a, normalAlone: alone.perSecond, normalDuring: during.perSecond, normalFailedDuring: during.failed });
        } else {
          const cpu0 = cpuSeconds(srv.pid), read0 = rchar(srv.pid);
          const a = await child("attacker.mjs", args);
          await settled(srv.pid);
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
  `Attacks, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${cpus().length} x ${cpus()[0]?.model}, node ${process.version}${servers.includes("grpc-go") ? `, grpc-go ${grpcGoVersion() ?? "(version unknown)"}` : ""}; ${runs} runs of ${seconds} s each, medians.`,
  "",
  "| attack | server | attacking connections | server CPU ms / connection | server core use | server bytes read / connection | server CPU µs / reset stream | streams taken / connection | normal client calls/s alone | during attack | during / alone | attacker's core use | attacker bytes sent / connection | server's answer (all runs) |",
  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
];
const summary = {};
for (const attack of attacks) {
  for (const server of servers) {
    const rs = results.filter((r) => r.attack === attack && r.server === server);
    const perConn = median(rs.map((r) => (1000 * r.cpu) / r.connections));
    const readPerConn = median(rs.map((r) => r.read / r.connections));
    // What the server did: the GOAWAY codes the attacker saw and the connections the server closed (over all runs;
    // a server that closes with unread bytes in its socket sends RST, and the GOAWAY before it is often lost), and
    // the bytes the attacker wrote (what the server read is bytesReadPerConnection).
    const goawayCodes = {};
    for (const r of rs) for (const [code, n] of Object.entries(r.goawayCodes)) goawayCodes[code] = (goawayCodes[code] ?? 0) + n;
    // Server core use: its CPU seconds over the attack's seconds (a server that keeps the attacking connections open,
    // instead of closing them, has few connections and a high cost per connection: this compares them too).
    const row = { connections: median(rs.map((r) => r.connections)), cpuMsPerConnection: perConn, serverCpuShare: median(rs.map((r) => r.cpu / r.seconds)), bytesReadPerConnection: readPerConn, bytesSentPerConnection: median(rs.map((r) => r.bytesSent / r.connections)), framesSentPerConnection: median(rs.map((r) => r.framesSent / r.connections)), goawayCodes, withoutGoaway: rs.reduce((n, r) => n + (r.withoutGoaway ?? 0), 0), closedByServer: rs.reduce((n, r) => n + (r.closedByServer ?? 0), 0), totalConnections: rs.reduce((n, r) => n + r.connections, 0) };
    if (attack === "rapid-reset") {
      // How many streams the server took on a connection is in its GOAWAY (last stream id); connections whose GOAWAY
      // the attacker did not see (the server closed first) are assumed to have taken as many. A server that sends no
      // GOAWAY at all (grpc-go 1.33 has no rapid-reset limit) took every stream it was sent.
      const streams = (r) => (r.goaways ? r.streamsAcceptedByServer / r.goaways : r.resetsSentWithoutGoaway / Math.max(1, r.connections));
      row.streamsPerConnection = median(rs.map(streams));
      row.cpuUsPerResetStream = median(rs.map((r) => (1e6 * r.cpu) / Math.max(1, r.connections * streams(r))));
      row.attackerCpuShare = median(rs.map((r) => r.attackerCpu / r.seconds));
      row.normalAlone = median(rs.map((r) => r.normalAlone));
      row.normalDuring = median(rs.map((r) => r.normalDuring));
      row.ratio = median(rs.map((r) => r.normalDuring / r.normalAlone));
    }
    summary[`${attack}/${server}`] = row;
    const f = (x, d = 2) => (x === undefined ? "" : x.toLocaleString("en-US", { maximumFractionDigits: d }));
    lines.push(`| ${attack} | ${server} | ${f(row.connections, 0)} | ${f(row.cpuMsPerConnection, 3)} | ${f(row.serverCpuShare)} | ${f(row.bytesReadPerConnection, 0)} | ${f(row.cpuUsPerResetStream, 1)} | ${f(row.streamsPerConnection, 0)} | ${f(row.normalAlone, 0)} | ${f(row.normalDuring, 0)} | ${f(row.ratio)} | ${f(row.attackerCpuShare)} | ${f(row.bytesSentPerConnection, 0)} | ${answer(row)} |`);
  }
}
console.log(lines.join("\n"));
writeFileSync(values.out ?? join(here, "../results/attacks.json"), JSON.stringify({ date: new Date().toISOString(), seconds, runs, summary, results }, null, 2) + "\n");
