import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("./backend-process.js", import.meta.url));

/** A server process (backend-process.ts, retry-script-server.ts) this test started; `stop` and `exited` work by its own PID only. */
export interface BackendProcess {
  readonly id: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Settles when the process has exited (with its exit code, or the signal that ended it). */
  readonly exited: Promise<number | string>;
}

const started = new Set<ChildProcess>();

/** Starts a backend on `listen` ("host:port", port 0 for any) or on the unix socket `unix`; resolves once it listens. */
export function startBackend(id: string, where: { listen: string } | { unix: string }, grace = 2000): Promise<BackendProcess> {
  return startScript(SCRIPT, ["--id", id, "--grace", String(grace), ...("unix" in where ? ["--unix", where.unix] : ["--listen", where.listen])], id);
}

/** Starts a node script that prints {"port":N} as its first line once it listens; resolves then. */
export function startScript(script: string, args: string[], id = script): Promise<BackendProcess> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  started.add(child);
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => (started.delete(child), resolve(code ?? signal ?? -1))));
  return new Promise((resolve, reject) => {
    // An exit before the port line (a port in use) is a failure to start.
    createInterface({ input: child.stdout! }).once("line", (line) => resolve({ id, port: (JSON.parse(line) as { port: number }).port, child, exited }));
    void exited.then((how) => reject(new Error(`${id} exited before listening (${how})`)));
  });
}

/** Sends `signal` to one backend and waits for it to exit. */
export async function stopBackend(b: BackendProcess, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  if (b.child.exitCode === null && b.child.signalCode === null) b.child.kill(signal);
  await b.exited;
}

/** For `after`: SIGKILL every backend this process started and has not seen exit (each by its own PID). */
export async function stopAllBackends(): Promise<void> {
  const exits = [...started].map((child) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : (child.once("exit", () => resolve()), child.kill("SIGKILL")))));
  await Promise.all(exits);
}
