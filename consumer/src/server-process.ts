// A long-running process of the consumer test (the fixture's server): started, waited for until it prints the line
// that says it is ready (bounded by a timeout, no fixed sleep), and stopped by its own PID.
import { spawn, type ChildProcess } from "node:child_process";
import { StepError } from "./run.js";

export interface Started {
  match: RegExpExecArray;
  output: () => { stdout: string; stderr: string };
  stop: () => Promise<void>;
}

export function startUntil(step: string, command: string[], ready: RegExp, options: { cwd: string; timeoutMs: number; env: NodeJS.ProcessEnv }): Promise<Started> {
  const [file, ...args] = command as [string, ...string[]];
  const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8");
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const output = () => ({ stdout, stderr });
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new StepError(step, command, why, output()));
    };
    const timer = setTimeout(() => fail(`did not print ${ready} within ${options.timeoutMs} ms`), options.timeoutMs);
    child.on("error", (e) => fail(`could not start: ${e.message}`));
    child.on("exit", (code, signal) => fail(`exited (${code ?? signal}) before printing ${ready}`));
    child.stdout!.on("data", (d: string) => {
      stdout += d;
      const match = ready.exec(stdout);
      if (match === null) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve({ match, output, stop: () => stop(child) });
    });
  });
}

/** SIGTERM, then SIGKILL if it has not exited within 5 s; resolves once it has exited. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
