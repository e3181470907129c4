// Runs one command of the consumer test to completion, bounded by a timeout, and fails with the step's name, the
// command and its whole output, so that a CI log says which step broke and why.
import { spawn } from "node:child_process";

export interface RunOptions {
  cwd: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** An error whose message is the step, the command and what it printed. */
export class StepError extends Error {
  constructor(step: string, command: string[], why: string, result: Pick<RunResult, "stdout" | "stderr">) {
    super(`${step}: ${why}\n$ ${command.join(" ")}\n${section("stdout", result.stdout)}${section("stderr", result.stderr)}`);
    this.name = "StepError";
  }
}

function section(name: string, text: string): string {
  if (text.trim() === "") return `--- ${name}: (empty)\n`;
  const limit = 30_000; // the end of a long log is where the failure is
  const shown = text.length > limit ? `[... ${text.length - limit} characters cut ...]\n${text.slice(-limit)}` : text;
  return `--- ${name}:\n${shown.trimEnd()}\n`;
}

/**
 * The environment for the consumer project's commands: without the npm_* variables of the `npm test` that runs us
 * (its workspace and config settings must not leak into another project), and with npm held offline so that an
 * install that would need the registry fails instead of downloading.
 */
export function consumerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  return { ...env, npm_config_offline: "true", npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };
}

/** Runs `command` and resolves with its output whatever its exit status; rejects only on a timeout or spawn error. */
export function run(step: string, command: string[], options: RunOptions): Promise<RunResult> {
  const [file, ...args] = command as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env ?? consumerEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new StepError(step, command, `no exit within ${options.timeoutMs} ms (killed)`, { stdout, stderr }));
    }, options.timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new StepError(step, command, `could not start: ${e.message}`, { stdout, stderr }));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs `command` and rejects unless it exits 0. */
export async function runOk(step: string, command: string[], options: RunOptions): Promise<RunResult> {
  const result = await run(step, command, options);
  if (result.code !== 0) throw new StepError(step, command, `exit ${result.code ?? result.signal}`, result);
  return result;
}
