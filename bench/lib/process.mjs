// Benchmark servers and clients as child processes pinned to a core, and what /proc says about them.
import { spawn } from "node:child_process";
import { createServer as createNetServer } from "node:net";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildGrpcGo } from "../servers/grpc-go.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/**
 * Spawns `node [nodeArgs] bench/server.mjs NAME --port PORT` on core `cpu`; resolves once it listens. `onOutput` sees
 * everything the server prints (V8's GC traces, with `--trace-gc-nvp` among `nodeArgs`). NAME "grpc-go" is the Go
 * program of servers/grpc-go.mjs instead (built on demand; throws if it cannot be: check buildGrpcGo() first).
 */
export async function startServer(name, port, cpu, { nodeArgs = [], onOutput, benchDir = join(here, "..") } = {}) {
  let command = [process.execPath, ...nodeArgs, join(benchDir, "server.mjs"), name, "--port", String(port)];
  if (name === "grpc-go") {
    const built = buildGrpcGo();
    if (!built.binary) throw new Error(`grpc-go: ${built.skipped}`);
    command = [built.binary, "-port", String(port)];
  }
  const child = spawn("taskset", ["-c", String(cpu), ...command], { stdio: ["ignore", "pipe", "inherit"] });
  if (onOutput) child.stdout.on("data", (d) => onOutput(String(d)));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} server did not start within 30 s`)), 30_000);
    child.once("exit", (code) => reject(new Error(`${name} server exited with ${code}`)));
    child.stdout.on("data", (d) => {
      if (String(d).includes("listening")) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  // taskset execs the server, so the child's pid is the server's.
  return {
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** CPU seconds (user + system) a process has used. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime (fields 14 and 15)
}

/** Resident set size now and at its peak, in MiB. */
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rssMiB: kib("VmRSS") / 1024, peakMiB: kib("VmHWM") / 1024 };
}

/** Runs `node bench/clients/FILE args` on core `cpu` and returns the JSON it prints. */
export function runClient(file, args, cpu, timeoutMs = 180_000) {
  return new Promise((resolve, reject) => {
    const child = spawn("taskset", ["-c", String(cpu), process.execPath, join(here, "../clients", file), ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`client ${file} ${args.join(" ")} exited with ${code}`));
      else resolve(JSON.parse(out));
    });
  });
}

/** A loopback port no one listens on or connects from now (a fixed one can collide with a client's ephemeral port). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
