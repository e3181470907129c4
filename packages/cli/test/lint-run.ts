import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { CliResult } from "./run-cli.js";

const cli = fileURLToPath(new URL("../../bin/tsgrpc.js", import.meta.url));

/** Runs `tsgrpc ARGS` in `cwd`. */
export function runCliIn(cwd: string, args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => resolve({ code, out, err }));
  });
}
