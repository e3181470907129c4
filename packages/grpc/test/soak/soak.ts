import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ProcessStats } from "./soak-server.js";
import { runLoad, type LoadCounts } from "./soak-load.js";

export interface Sample {
  /** Since the load started. */
  atMs: number;
  server: ProcessStats;
  /** Calls made so far, every kind together. */
  calls: number;
}

export interface SoakResult {
  samples: Sample[];
  counts: LoadCounts;
}

/** How much the server grew from the first sample after warm-up to the last (heap after a full GC, RSS, handles). */
export interface Growth {
  heapMiB: number;
  rssMiB: number;
  handles: number;
}

const MIB = 1024 * 1024;

/**
 * Runs the mixed load (soak-load.ts) against a server process of its own (soak-server.ts) for `durationMs`, sampling
 * the server every `sampleEveryMs` (its heap measured after a full GC).
 */
export async function soak({ durationMs, sampleEveryMs, concurrency = 16 }: { durationMs: number; sampleEveryMs: number; concurrency?: number }): Promise<SoakResult> {
  const script = fileURLToPath(new URL("./soak-server.js", import.meta.url));
  const server = spawn(process.execPath, ["--expose-gc", script], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      server.stdout.once("data", (d) => resolve(Number(String(d).trim())));
      server.once("exit", (code) => reject(new Error(`the soak server exited (${code}) before listening`)));
    });
    const stats = async (): Promise<ProcessStats> => (await fetch(`http://127.0.0.1:${port}/stats`)).json() as Promise<ProcessStats>;
    const started = Date.now();
    let stopped = false;
    const load = runLoad(port, concurrency, () => stopped);
    const samples: Sample[] = [];
    let calls = 0;
    const counting = setInterval(() => void 0, 1 << 30); // the process stays up while samples are due
    try {
      while (Date.now() - started < durationMs) {
        await new Promise((r) => setTimeout(r, Math.min(sampleEveryMs, durationMs - (Date.now() - started))));
        samples.push({ atMs: Date.now() - started, server: await stats(), calls });
      }
    } finally {
      stopped = true;
      clearInterval(counting);
    }
    const counts = await load;
    calls = Object.values(counts.calls).reduce((a, b) => a + b, 0);
    samples.at(-1)!.calls = calls;
    return { samples, counts };
  } finally {
    server.kill("SIGTERM");
    await exited;
  }
}

/** Growth from the first sample after warm-up (the second; the first, when there are only two) to the last. */
export function growth(samples: readonly Sample[]): Growth {
  const from = samples[samples.length >= 3 ? 1 : 0]!.server;
  const to = samples.at(-1)!.server;
  return { heapMiB: (to.heapUsedBytes - from.heapUsedBytes) / MIB, rssMiB: (to.rssBytes - from.rssBytes) / MIB, handles: to.handles - from.handles };
}

/** The samples as a markdown table. */
export function table(samples: readonly Sample[]): string {
  const rows = samples.map((s) => `| ${(s.atMs / 1000).toFixed(0)} | ${(s.server.rssBytes / MIB).toFixed(1)} | ${(s.server.heapUsedBytes / MIB).toFixed(1)} | ${s.server.handles} | ${s.server.loopDelayP99Ms.toFixed(1)} | ${s.server.loopDelayMaxMs.toFixed(1)} |`);
  return ["| s | RSS MiB | heap after GC MiB | handles | loop delay p99 ms | loop delay max ms |", "|---:|---:|---:|---:|---:|---:|", ...rows].join("\n");
}
