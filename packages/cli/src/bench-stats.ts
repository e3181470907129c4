/** What one load run measured, in the shape `--format json` prints and the HTML report embeds. */
export interface BenchSummary {
  target: string;
  method: string;
  kind: string;
  options: { concurrency: number; connections: number; total?: number; durationMs?: number; rps?: number; warmup: number };
  /** True when the run was stopped early (Ctrl-C); the figures cover what completed. */
  interrupted: boolean;
  count: number;
  totalMs: number;
  requestsPerSecond: number;
  latencyMs: { min: number; mean: number; p50: number; p90: number; p95: number; p99: number; max: number };
  /** Linear buckets between the fastest and the slowest call: each bucket's upper bound (ms) and how many fell in it. */
  histogram: { upToMs: number; count: number }[];
  /** Calls per status name (OK, UNAVAILABLE, ...). */
  statuses: Record<string, number>;
  /** The most frequent error messages, with their counts. */
  errors: { message: string; count: number }[];
  /** Calls completed in each second of the run. */
  timeline: { second: number; count: number; errors: number }[];
}

/** Records calls as they end: start offset, latency and status, in growable typed arrays. */
export class CallRecorder {
  private latency = new Float64Array(1024);
  private startedAt = new Float64Array(1024);
  private statusCode = new Uint8Array(1024);
  readonly errorMessages = new Map<string, number>();
  count = 0;

  add(startMs: number, latencyMs: number, status: number, message?: string): void {
    if (this.count === this.latency.length) {
      const grow = <T extends Float64Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.latency = grow(this.latency);
      this.startedAt = grow(this.startedAt);
      this.statusCode = grow(this.statusCode);
    }
    this.latency[this.count] = latencyMs;
    this.startedAt[this.count] = startMs;
    this.statusCode[this.count] = status;
    this.count++;
    if (message !== undefined) this.errorMessages.set(message, (this.errorMessages.get(message) ?? 0) + 1);
  }

  summarize(base: Omit<BenchSummary, "count" | "requestsPerSecond" | "latencyMs" | "histogram" | "statuses" | "errors" | "timeline">, statusName: (code: number) => string): BenchSummary {
    const n = this.count;
    const sorted = this.latency.slice(0, n).sort();
    const at = (p: number) => (n ? sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]! : 0);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += sorted[i]!;
    const min = at(0);
    const max = n ? sorted[n - 1]! : 0;
    const BUCKETS = 10;
    const width = (max - min) / BUCKETS || 1;
    const histogram = Array.from({ length: BUCKETS }, (_, i) => ({ upToMs: round(min + width * (i + 1)), count: 0 }));
    for (let i = 0; i < n; i++) histogram[Math.min(BUCKETS - 1, Math.floor((sorted[i]! - min) / width))]!.count++;
    const statuses: Record<string, number> = {};
    const timeline: BenchSummary["timeline"] = [];
    for (let i = 0; i < n; i++) {
      const name = statusName(this.statusCode[i]!);
      statuses[name] = (statuses[name] ?? 0) + 1;
      const second = Math.floor((this.startedAt[i]! + this.latency[i]!) / 1000);
      while (timeline.length <= second) timeline.push({ second: timeline.length, count: 0, errors: 0 });
      timeline[second]!.count++;
      if (this.statusCode[i] !== 0) timeline[second]!.errors++;
    }
    const errors = [...this.errorMessages].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([message, count]) => ({ message, count }));
    return {
      ...base,
      count: n,
      requestsPerSecond: base.totalMs > 0 ? round((n * 1000) / base.totalMs) : 0,
      latencyMs: { min: round(min), mean: round(n ? sum / n : 0), p50: round(at(0.5)), p90: round(at(0.9)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(max) },
      histogram,
      statuses,
      errors,
      timeline,
    };
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;
