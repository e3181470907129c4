import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

const cli = fileURLToPath(new URL("../../bin/tsgrpc.js", import.meta.url));

/** Runs `tsgrpc ARGS` as a subprocess with `stdin` (in `cwd` when given); `onSpawn` gets its pid (to signal it). */
export function runCli(args: string[], stdin = "", onSpawn?: (pid: number) => void, cwd?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], cwd === undefined ? {} : { cwd });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => resolve({ code, out, err }));
    child.stdin.end(stdin);
    onSpawn?.(child.pid!);
  });
}
