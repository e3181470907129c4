// The real UserService (examples/user-service, main.js) started for the scale benchmarks, and the CPU of process trees.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cpuSeconds as processCpu } from "../lib/process.mjs";

/** CPU seconds of a process, or (with `tid`) of one of its threads alone (/proc/PID/task/TID/stat). */
export function cpuSeconds(pid, tid) {
  if (tid === undefined) return processCpu(pid);
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
}

export const MAIN = fileURLToPath(new URL("../../examples/user-service/dist/src/main.js", import.meta.url));

/** Every started server, so that an interrupted run still stops them (by their own pids). */
const started = new Set();
process.on("exit", () => { for (const child of started) if (child.exitCode === null) child.kill("SIGKILL"); });

/**
 * Starts `node [nodeArgs] main.js --port 0 --host 127.0.0.1 --quiet ...args` (or `script` with those arguments; on
 * cores `cpu` with taskset, when given); resolves
 * { pid, port, stop() } once its banner names the port.
 */
export function startService(args, { cpu, script = MAIN, nodeArgs = [] } = {}) {
  const argv = [process.execPath, ...nodeArgs, script, "--port", "0", "--host", "127.0.0.1", "--quiet", ...args];
  const child = cpu === undefined ? spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] }) : spawn("taskset", ["-c", String(cpu), ...argv], { stdio: ["ignore", "pipe", "pipe"] });
  started.add(child);
  // Made now, not at stop(): a child that has exited by then would never emit "exit" again.
  const exited = new Promise((r) => child.once("exit", r));
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 30 s:\n${out}`)), 30_000);
    const onExit = (code) => reject(new Error(`server exited with ${code}:\n${out}`));
    child.once("exit", onExit);
    child.stdout.on("data", function onData() {
      const m = /port (\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout.off("data", onData);
      child.off("exit", onExit);
      resolve({
        pid: child.pid, // taskset execs node
        port: Number(m[1]),
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill("SIGTERM");
          const kill = setTimeout(() => child.kill("SIGKILL"), 12_000);
          await exited;
          clearTimeout(kill);
          started.delete(child);
        },
      });
    });
  });
}

/** A process and its descendants (node:cluster's workers, PostgreSQL's backends). */
export function tree(pid) {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    try {
      const children = readFileSync(`/proc/${pids[i]}/task/${pids[i]}/children`, "utf8").trim();
      if (children) pids.push(...children.split(/\s+/).map(Number));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** CPU seconds used so far by these processes and their descendants (those alive now). */
export function treeCpu(rootPids) {
  let total = 0;
  for (const root of rootPids) for (const pid of tree(root)) {
    try {
      total += processCpu(pid);
    } catch {
      // exited meanwhile
    }
  }
  return total;
}
