import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { CallLogEntry } from "../src/call-log.js";

/** The server as `npm start` runs it (main.js), in a process of its own. */
export const MAIN = fileURLToPath(new URL("../src/main.js", import.meta.url));

export interface Started {
  child: ChildProcess;
  port: number;
  output: () => string;
}

/** Every server process started, for killStarted. */
const children = new Set<ChildProcess>();

/** Kills the server processes still running (for a test file's `after`: a failed assertion must not leave one). */
export function killStarted(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

/** killStarted, then waits until every one of them has exited. */
export async function stopStarted(): Promise<void> {
  killStarted();
  await Promise.all([...children].map(exited));
}

/** Runs a script of this package with node, collecting its output; killStarted kills it. */
export function spawnScript(script: string, args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  return { child, output: () => out };
}

/** Starts main.js on 127.0.0.1 and a free port with these arguments; resolves once its banner names the port. */
export function start(args: string[]): Promise<Started> {
  const { child, output } = spawnScript(MAIN, ["--port", "0", "--host", "127.0.0.1", ...args]);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 15 s:\n${output()}`)), 15_000);
    child.stdout!.on("data", () => {
      const m = /port (\d+)/.exec(output());
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), output });
      }
    });
    child.once("exit", (code) => reject(new Error(`exited with ${code}:\n${output()}`)));
  });
}

/** Resolves with the process's exit code (null when a signal ended it) once it has exited, or at once if it has. */
export const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))));

/** The `ipv4:` target that lists these servers, for a channel's round_robin. */
export const ipv4Target = (servers: readonly Started[]) => `ipv4:${servers.map((s) => `127.0.0.1:${s.port}`).join(",")}`;

/** The call log a server started without --quiet has written so far: one JSON line per call ended. */
export const callLog = (server: Started): CallLogEntry[] =>
  server
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{") && line.endsWith("}"))
    .map((line) => JSON.parse(line) as CallLogEntry);
