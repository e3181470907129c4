// The `channel` scenario (issue 17): what the channel (resolver -> balancer -> subchannels, every call through the
// retry layer) costs a client per call, side by side in one run, and calls/s through round_robin over 1, 2 and 3
// backend processes.
//
//   common case: GetUser on one server with 100 calls in flight, one client process per variant (bench/clients/
//     channel.mjs): the client before the channel rebuild (an older build, when given), today's pick_first (the
//     default), round_robin over the one backend, and a retry policy that never fires. Done against the `bare` server
//     (node:http2 replaying a fixed answer: the `clients` scenario's server) and against the `tsgrpc` server (its
//     engine answers several times faster than one client can call, so there the client alone sets the rate).
//   call layer: the same clients in one process (clients/channel-ab.mjs), their connections answering every call in
//     memory after the warm-up, so that what is left is the channel, its picker and the call and attempt objects;
//     batches of each in turn, round after round. What the channel adds shows there to a few hundredths of a µs,
//     without HTTP/2's and the network's cost and noise around it.
//   backends: round_robin over 1, 2 and 3 tsgrpc server processes.
//
// Each measured run is made by a fresh client process, warmed up first (processes of the same client differ by up to
// 20% in CPU per call, by what the JIT made of them); the runs go round-robin across the variants (A B C D, B C D A,
// ...: each round starts one further on) so that a slow stretch of a shared machine hurts all of them alike. Client
// CPU per call is user+system time over the run (getrusage in the client; /proc's count in 10 ms ticks is kept as a cross-check).
// This machine is shared: each run waits (up to a minute) for the two cores to be free of other processes' work
// (/proc/stat against our own processes' /proc/PID/stat), and a run during which others took more than 0.15 of a core
// is taken again, up to twice; the report says how much others took during the runs kept, and how many were redone.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cpuSeconds, startServer } from "./process.mjs";
import { formatRate, median } from "./stats.mjs";

const here = dirname(fileURLToPath(import.meta.url));

/** Other processes' CPU on the benchmark's cores (in cores) above which a run is not trusted. */
const FOREIGN_LIMIT = 0.15;

/**
 * Waits (up to a minute) until other processes leave the two cores alone: samples of 300 ms until one shows less than
 * FOREIGN_LIMIT cores used by processes other than `ours`.
 */
async function quietCores(cores, ours) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const oursBefore = ours.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
    const busyBefore = coresBusySeconds(cores);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 300));
    const seconds = (performance.now() - t0) / 1000;
    const foreign = (coresBusySeconds(cores) - busyBefore - (ours.reduce((sum, pid) => sum + cpuSeconds(pid), 0) - oursBefore)) / seconds;
    if (foreign < FOREIGN_LIMIT) return;
  }
}

/** Busy CPU seconds of the given cores so far, from /proc/stat (everything but idle and iowait). */
function coresBusySeconds(cores) {
  let busy = 0;
  for (const line of readFileSync("/proc/stat", "utf8").split("\n")) {
    const m = /^cpu(\d+) (.*)$/.exec(line);
    if (!m || !cores.includes(Number(m[1]))) continue;
    const [user, nice, system, , , irq, softirq, steal] = m[2].trim().split(/\s+/).map(Number);
    busy += user + nice + system + irq + softirq + steal;
  }
  return busy / 100;
}

/** Starts bench/clients/channel.mjs on `cpu`; resolves once it has warmed up. */
export async function startClient(variant, target, { cpu, n, inFlight, before, fakeStream, impl }) {
  const args = [join(here, "../clients/channel.mjs"), variant, "--target", target, "-n", String(n), "-c", String(inFlight)];
  if (impl) args.push("--impl", impl);
  if (before) args.push("--before", before);
  if (fakeStream) args.push("--fake-stream");
  const child = spawn("taskset", ["-c", String(cpu), process.execPath, ...args], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let exited;
  const exit = new Promise((resolve) => child.once("exit", (code) => resolve((exited = code))));
  const nextLine = async () => {
    const line = await Promise.race([lines.next(), exit.then((code) => ({ done: true, code }))]);
    if (line.done) throw new Error(`client ${variant} (${target}) exited with ${exited ?? line.code}`);
    return JSON.parse(line.value);
  };
  await nextLine(); // {"ready":true}: warmed up
  return {
    variant,
    pid: child.pid,
    async run() {
      child.stdin.write("run\n");
      return nextLine();
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.stdin.end("quit\n");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/**
 * One comparison: the servers are started (each pinned to `serverCpu`), then one client per row, warmed up one
 * after the other; then `rounds` rounds, each a measured run of every row in turn. A row is { id, variant, target }.
 */
export async function compare({ servers, rows, rounds, clientCpu, serverCpu, n, inFlight, before, port, log, fakeStream }) {
  const started = [];
  const clients = [];
  try {
    for (const [i, name] of servers.entries()) started.push(Object.assign(await startServer(name, port + i, serverCpu), { name, port: port + i }));
    const targetOf = (backends) => (backends === 1 ? `127.0.0.1:${port}` : `ipv4:${started.slice(0, backends).map((s) => `127.0.0.1:${s.port}`).join(",")}`);
    for (const row of rows) clients.push({ row, runs: [], redone: 0, proc: undefined });
    for (let r = 0; r < rounds; r++) {
      // Each round starts one row further on, so that no row is always the one after the same neighbour.
      for (const entry of clients.map((_, i) => clients[(i + r) % clients.length])) {
        // A fresh, warmed-up process per run: two processes of the same client differ by up to 20% in CPU per call
        // (what the JIT made of them), so a row's runs must come from several, or that luck would be the row's.
        const { row } = entry;
        const c = (entry.proc = await startClient(row.variant, targetOf(row.backends ?? 1), { cpu: clientCpu, n, inFlight, before, fakeStream, impl: row.impl }));
        for (let attempt = 0; ; attempt++) {
          await quietCores([clientCpu, serverCpu], [c.pid, ...started.map((s) => s.pid)]);
          const procBefore = cpuSeconds(c.pid);
          const serverBefore = started.map((s) => cpuSeconds(s.pid));
          const coresBefore = coresBusySeconds([clientCpu, serverCpu]);
          const t0 = performance.now();
          const result = await c.run();
          const seconds = (performance.now() - t0) / 1000;
          const serverUsed = started.map((s, i) => cpuSeconds(s.pid) - serverBefore[i]);
          const clientUsed = cpuSeconds(c.pid) - procBefore;
          // What else ran on the two cores meanwhile (other processes of a shared machine), as a share of the run's time.
          const foreign = Math.max(0, coresBusySeconds([clientCpu, serverCpu]) - coresBefore - clientUsed - serverUsed.reduce((a, b) => a + b, 0)) / seconds;
          log?.(`  ${row.id}: ${formatRate(result.rate)} calls/s, ${(result.cpuUs / n).toFixed(2)} µs CPU per call${foreign > FOREIGN_LIMIT ? `; other processes took ${foreign.toFixed(2)} cores` : ""}\n`);
          // A run that shared its cores with other processes is taken again (up to twice), with the others' runs left as they are.
          if (foreign > FOREIGN_LIMIT && attempt < 2) {
            entry.redone++;
            continue;
          }
          entry.runs.push({ ...result, procCpuUs: clientUsed * 1e6, serverCpu: serverUsed, seconds, foreign });
          break;
        }
        await c.stop();
        entry.proc = undefined;
      }
    }
  } finally {
    for (const c of clients) await c.proc?.stop();
    for (const s of started) await s.stop();
  }
  return clients.map(({ row, runs, redone }) => {
    const serverCpuTotals = runs[0].serverCpu.map((_, i) => runs.reduce((sum, x) => sum + x.serverCpu[i], 0));
    const serverTotal = serverCpuTotals.reduce((a, b) => a + b, 0);
    return {
      id: row.id,
      label: row.label,
      variant: row.variant,
      backends: row.backends ?? 1,
      rate: median(runs.map((x) => x.rate)),
      cpuUsPerCall: median(runs.map((x) => x.cpuUs / n)),
      procCpuUsPerCall: median(runs.map((x) => x.procCpuUs / n)),
      p50Ms: median(runs.map((x) => x.p50Ms)),
      p99Ms: median(runs.map((x) => x.p99Ms)),
      /** The server core's busy share over the runs (1 = saturated): all backends together. */
      serverBusy: serverTotal / runs.reduce((sum, x) => sum + x.seconds, 0),
      /** Each backend's share of the servers' CPU over this row's runs (how evenly round_robin spread the calls). */
      backendShares: serverCpuTotals.slice(0, row.backends ?? 1).map((x) => x / (serverTotal || 1)),
      /** Median CPU time (in cores) that other processes used on the two cores during this row's runs. */
      foreign: median(runs.map((x) => x.foreign)),
      /** Runs taken again because other processes used the cores meanwhile. */
      redone,
      runs: runs.map((x) => ({ rate: x.rate, cpuUsPerCall: x.cpuUs / n, procCpuUsPerCall: x.procCpuUs / n, foreign: x.foreign })),
    };
  });
}

/**
 * The call layer alone, every client in one process (clients/channel-ab.mjs): batches of calls answered in memory,
 * the clients in turn, round after round. Per row: the median CPU per call, and the medians of the round-by-round
 * ratio and difference to (a) and (b).
 */
async function callLayerAB({ quick, before, serverCpu, clientCpu, port, log }) {
  const rows = commonRows(before);
  const rounds = quick ? 3 : 25;
  const batch = quick ? 5000 : 20_000;
  log?.(`channel: the call layer alone, ${rows.length} clients in one process, ${rounds} rounds of ${batch} calls each\n`);
  const server = await startServer("tsgrpc", port, serverCpu);
  try {
    await quietCores([clientCpu, serverCpu], [server.pid]);
    const busyBefore = coresBusySeconds([clientCpu, serverCpu]);
    const serverBefore = cpuSeconds(server.pid);
    const t0 = performance.now();
    const args = [join(here, "../clients/channel-ab.mjs"), "--target", `127.0.0.1:${port}`, "--variants", rows.map((r) => r.variant).join(","), "--rounds", String(rounds), "--batch", String(batch)];
    if (before) args.push("--before", before);
    const { output, cpu: abCpu } = await runToEnd("taskset", ["-c", String(clientCpu), process.execPath, ...args]);
    const seconds = (performance.now() - t0) / 1000;
    const foreign = Math.max(0, coresBusySeconds([clientCpu, serverCpu]) - busyBefore - abCpu - (cpuSeconds(server.pid) - serverBefore)) / seconds;
    const { variants } = JSON.parse(output);
    const series = (id) => variants[rows.find((r) => r.id === id)?.variant]?.cpuUsPerCall;
    const paired = (a, b, f) => (a && b ? median(a.map((x, i) => f(x, b[i]))) : undefined);
    return {
      rounds,
      batch,
      foreign,
      rows: rows.map((row) => {
        const x = variants[row.variant].cpuUsPerCall;
        return {
          id: row.id,
          label: row.label,
          cpuUsPerCall: median(x),
          minCpuUsPerCall: Math.min(...x),
          toBefore: paired(x, series("before"), (a, b) => a / b),
          minusBefore: paired(x, series("before"), (a, b) => a - b),
          toPickFirst: paired(x, series("pick_first"), (a, b) => a / b),
          minusPickFirst: paired(x, series("pick_first"), (a, b) => a - b),
          runs: x,
        };
      }),
    };
  } finally {
    await server.stop();
  }
}

/** Runs a command to its end; its stdout, and the CPU seconds it used (its rusage, as the kernel counts children). */
function runToEnd(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    let cpu = 0;
    child.stdout.on("data", (d) => (output += d));
    const poll = setInterval(() => {
      try {
        cpu = cpuSeconds(child.pid);
      } catch {}
    }, 200);
    child.on("exit", (code) => {
      clearInterval(poll);
      if (code !== 0) reject(new Error(`${args.join(" ")} exited with ${code}`));
      else resolve({ output, cpu });
    });
  });
}

function renderCallLayer(c) {
  const signed = (v, digits = 2) => (v === undefined ? "–" : `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(digits)}`);
  const lines = [`### The call layer alone, every client in one process`, ""];
  lines.push(`\`clients/channel-ab.mjs\`: each client connects to a tsgrpc server and warms up, then its connection answers every call in memory (response headers, the GetUser response, trailers, close; the calls opened in one turn answered in the next), so what is measured is the channel, its picker and the call and attempt objects, without HTTP/2 and the network. ${c.rounds} rounds; in each, a batch of ${c.batch.toLocaleString("en")} calls (100 in flight) per client, in a rotated order. Ratios and differences are medians of the round-by-round ones. Other processes on the two cores meanwhile: ${c.foreign.toFixed(2)} cores.`, "");
  lines.push("| client | CPU µs/call (median) | lowest | / (a), paired | − (a), µs | / (b), paired | − (b), µs |", "|---|---:|---:|---:|---:|---:|---:|");
  for (const x of c.rows) {
    lines.push(`| ${x.label} | ${x.cpuUsPerCall.toFixed(3)} | ${x.minCpuUsPerCall.toFixed(3)} | ${x.toBefore ? `${x.toBefore.toFixed(3)}x` : "–"} | ${signed(x.minusBefore, 3)} | ${x.toPickFirst ? `${x.toPickFirst.toFixed(3)}x` : "–"} | ${signed(x.minusPickFirst, 3)} |`);
  }
  lines.push("");
  return lines;
}

/** The rows of the common-case comparison; the `before` ones only when an older build is given. */
function commonRows(before) {
  const rows = [
    { id: "before", variant: "before", label: "(a) before the channel rebuild (d2e0cba), direct connection (pick_first)" },
    { id: "before-round_robin", variant: "before-round_robin", label: "(a') before, loadBalancingPolicy round_robin, 1 backend" },
    { id: "pick_first", variant: "pick_first", label: "(b) today, pick_first (default)" },
    { id: "round_robin", variant: "round_robin", label: "(c) today, round_robin, 1 backend" },
    { id: "retry", variant: "retry", label: "(d) today, pick_first + retry policy that never fires" },
    { id: "round_robin+retry", variant: "round_robin+retry", label: "(e) today, round_robin + retry policy that never fires" },
  ];
  return before ? rows : rows.filter((r) => !r.variant.startsWith("before"));
}

/**
 * Runs the scenario. `before`: a directory holding a build of the client before the channel rebuild (optional).
 * Returns plain data for renderChannel and the JSON results.
 */
export async function runChannel({ quick, rounds, before, serverCpu, clientCpu, port, log }) {
  const n = quick ? 4000 : 30_000;
  const inFlight = 100;
  const common = { rounds, clientCpu, serverCpu, n, inFlight, before, port, log };
  const result = { n, inFlight, rounds, before: before ?? null, serverCpu, clientCpu, common: {}, backends: [] };
  for (const server of ["bare", "tsgrpc"]) {
    log?.(`channel: common case against the ${server} server\n`);
    result.common[server] = await compare({ ...common, servers: [server], rows: commonRows(before) });
  }
  log?.("channel: the call layer alone (--fake-stream)\n");
  result.callLayer = await callLayerAB({ quick, before, serverCpu, clientCpu, port, log });
  log?.("channel: round_robin over 1, 2, 3 tsgrpc backends\n");
  const backendRows = [1, 2, 3].map((b) => ({ id: `round_robin x${b}`, variant: "round_robin", backends: b, label: `round_robin over ${b} backend${b > 1 ? "s" : ""}` }));
  result.backends = await compare({ ...common, servers: ["tsgrpc", "tsgrpc", "tsgrpc"], rows: backendRows });
  return result;
}

function ratio(a, b) {
  return a && b ? `${(a / b).toFixed(3)}x` : "–";
}

/** Per-round ratios of a row's CPU per call to another row's (the runs of a round are taken one after the other). */
function roundRatios(rows, id, baseId) {
  const a = rows.find((r) => r.id === id);
  const b = rows.find((r) => r.id === baseId);
  if (!a || !b) return undefined;
  return a.runs.map((x, i) => x.cpuUsPerCall / b.runs[i].cpuUsPerCall);
}

/** The markdown section for bench/results/channel.md. */
export function renderChannel(r, { date, machine, command }) {
  const lines = [];
  const m = machine;
  lines.push(`## Channel (issue 17), ${date.slice(0, 16).replace("T", " ")} UTC`, "");
  lines.push(`Command: \`${command}\`${r.quick ? " (quick mode: 1 round, small counts; not for conclusions)" : ""}.`);
  lines.push(`Machine: ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}. Servers pinned to core ${r.serverCpu}, clients to core ${r.clientCpu} (\`taskset\`).`);
  lines.push(`${r.n.toLocaleString("en")} GetUser calls per run, ${r.inFlight} in flight, ${r.rounds} rounds, each a run of every row in turn (starting one row further on each round), each run by a fresh client process warmed up with ${Math.ceil(r.n / 5).toLocaleString("en")} calls first. Medians over the rounds.`);
  lines.push(`CPU per call: the client process's user+system time over the run (getrusage) / calls; in brackets /proc's count (10 ms ticks). Server busy: the server core's CPU time / wall time over the runs (1.00 = the server is the bound).`);
  if (!r.before) lines.push("", "No build before the channel rebuild was given (`--before DIR` or `TSGRPC_BEFORE`): rows (a) and (a') and the ratios to them are missing.");
  lines.push("");
  const sections = Object.entries(r.common).map(([server, rows]) => [`Common case against the \`${server}\` server`, rows]);
  for (const [title, rows] of sections) {
    const base = rows.find((x) => x.id === "pick_first");
    const before = rows.find((x) => x.id === "before");
    lines.push(`### ${title}`, "");
    lines.push("| client | calls/s | CPU µs/call | CPU / (b) | CPU / (a) | CPU − (a), µs | calls/s / (b) | calls/s / (a) | p50 / p99 ms | server busy |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const x of rows) {
      const delta = before ? `${x.cpuUsPerCall - before.cpuUsPerCall >= 0 ? "+" : "−"}${Math.abs(x.cpuUsPerCall - before.cpuUsPerCall).toFixed(2)}` : "–";
      lines.push(`| ${x.label} | ${formatRate(x.rate)} | ${x.cpuUsPerCall.toFixed(2)} (${x.procCpuUsPerCall.toFixed(1)}) | ${ratio(x.cpuUsPerCall, base?.cpuUsPerCall)} | ${ratio(x.cpuUsPerCall, before?.cpuUsPerCall)} | ${delta} | ${ratio(x.rate, base?.rate)} | ${ratio(x.rate, before?.rate)} | ${x.p50Ms.toFixed(2)} / ${x.p99Ms.toFixed(2)} | ${x.serverBusy.toFixed(2)} |`);
    }
    const perRound = (id, baseId) => {
      const rs = roundRatios(rows, id, baseId);
      return rs ? `median ${median(rs).toFixed(3)}x (${rs.map((v) => v.toFixed(2)).join(", ")})` : "–";
    };
    lines.push("");
    if (before) lines.push(`Target (round_robin over 1 backend ≤ 1.05x the CPU per call of the direct connection before the rebuild): **${ratio(rows.find((x) => x.id === "round_robin")?.cpuUsPerCall, before.cpuUsPerCall)}** (ratio of medians); round by round, ${perRound("round_robin", "before")}.`);
    const layerRR = r.callLayer?.rows.find((x) => x.id === "round_robin");
    if (before && layerRR?.minusBefore !== undefined) {
      lines.push(`From the call layer alone (below): round_robin adds ${layerRR.minusBefore.toFixed(3)} µs per call to (a)'s, that is **${((layerRR.minusBefore / before.cpuUsPerCall) * 100).toFixed(1)}%** of (a)'s ${before.cpuUsPerCall.toFixed(2)} µs per call here (the end-to-end ratios above move by more than that from round to round).`);
    }
    lines.push(`Round by round: round_robin / pick_first ${perRound("round_robin", "pick_first")}; retry / pick_first ${perRound("retry", "pick_first")}${before ? `; pick_first / (a) ${perRound("pick_first", "before")}` : ""}.`);
    lines.push(`Other processes on the two cores during the kept runs: ${rows.map((x) => x.foreign).sort((a, b) => a - b).map((f) => f.toFixed(2)).join(", ")} cores (median per row; 0 = a quiet machine); runs taken again because of them: ${rows.reduce((sum, x) => sum + x.redone, 0)}.`, "");
  }
  if (r.callLayer) lines.push(...renderCallLayer(r.callLayer));
  lines.push("### round_robin over 1, 2 and 3 backends (tsgrpc servers)", "");
  lines.push(`All backends pinned to core ${r.serverCpu} (a 2-core machine: the client has the other one), so together they never have more than one core: the rows show what spreading calls over more connections and processes costs the client, not how a service scales with backends.`, "");
  lines.push("| backends | calls/s | CPU µs/call | calls/s / 1 backend | CPU / 1 backend | p50 / p99 ms | server core busy | each backend's share of server CPU | other processes (cores) |", "|---|---:|---:|---:|---:|---:|---:|---|---:|");
  const one = r.backends.find((x) => x.backends === 1);
  for (const x of r.backends) {
    lines.push(`| ${x.backends} | ${formatRate(x.rate)} | ${x.cpuUsPerCall.toFixed(2)} (${x.procCpuUsPerCall.toFixed(1)}) | ${ratio(x.rate, one?.rate)} | ${ratio(x.cpuUsPerCall, one?.cpuUsPerCall)} | ${x.p50Ms.toFixed(2)} / ${x.p99Ms.toFixed(2)} | ${x.serverBusy.toFixed(2)} | ${x.backendShares.map((s) => `${(s * 100).toFixed(0)}%`).join(" / ")} | ${x.foreign.toFixed(2)} |`);
  }
  lines.push("");
  return lines.join("\n");
}
