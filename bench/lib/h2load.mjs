// Runs h2load (nghttp2's load generator) pinned to a core and reads its summary and per-request log.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { percentile } from "./stats.mjs";

/**
 * One h2load run. `load` = { url, n, clients, streams, body (file path, POSTs it), headers, h1 }.
 * Returns { rate (requests/s), seconds, succeeded, data (response body bytes), p50Ms, p99Ms, statuses }.
 * Rejects when h2load fails or any request did not succeed.
 */
export async function h2load(load, { cpu, timeoutMs = 120_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-h2load-"));
  const log = join(dir, "requests.log");
  const args = ["-n", String(load.n), "-c", String(load.clients), "-m", String(load.streams), `--log-file=${log}`];
  if (load.h1) args.push("--h1");
  if (load.body) args.push("-d", load.body);
  for (const h of load.headers ?? []) args.push("-H", h);
  args.push(load.url);
  const [command, argv] = cpu === undefined ? ["h2load", args] : ["taskset", ["-c", String(cpu), "h2load", ...args]];
  try {
    const out = await new Promise((resolve, reject) =>
      execFile(command, argv, { timeout: timeoutMs, maxBuffer: 1 << 24 }, (e, stdout, stderr) => (e ? reject(new Error(`h2load failed: ${e.message}\n${stderr}`)) : resolve(stdout))),
    );
    const num = (re) => {
      const m = re.exec(out);
      if (!m) throw new Error(`unexpected h2load output (no ${re}):\n${out}`);
      return Number(m[1]);
    };
    const seconds = num(/finished in ([\d.]+)m?s/) * (/finished in [\d.]+ms/.test(out) ? 0.001 : 1);
    const succeeded = num(/(\d+) succeeded/);
    const result = {
      rate: num(/finished in [\d.]+m?s, ([\d.]+) req\/s/),
      seconds,
      succeeded,
      failed: load.n - succeeded,
      data: num(/\((\d+)\) data/),
      statuses: /status codes: (.*)/.exec(out)?.[1] ?? "",
    };
    const durations = readFileSync(log, "utf8").trim().split("\n").map((line) => Number(line.split("\t")[2]) / 1000);
    durations.sort((a, b) => a - b);
    return { ...result, p50Ms: percentile(durations, 0.5), p99Ms: percentile(durations, 0.99) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
