// The metrics page's numbers: from consecutive answers of Admin.GetServerStats (whose counts only grow), the calls per
// second by method and by status, and the latency percentiles of the calls that ended in between.
import { latencyQuantile, type ServerStatsSnapshot } from "@tsgrpc/grpc/web";

export type StatsAnswer = ServerStatsSnapshot & { readonly timestamp: Date | undefined };

export const QUANTILES = [["p50", 0.5], ["p90", 0.9], ["p99", 0.99]] as const;
export type Quantile = (typeof QUANTILES)[number][0];

/** One interval between two answers. */
export interface Interval {
  /** When it ended (the server's clock), in ms since the epoch. */
  readonly at: number;
  /** Calls ended per second, by method path and by status name. */
  readonly perMethod: ReadonlyMap<string, number>;
  readonly perStatus: ReadonlyMap<string, number>;
  /** Latency quantiles in seconds of the calls that ended in the interval, in all and by method (absent: none ended). */
  readonly latency: Partial<Record<Quantile, number>>;
  readonly latencyPerMethod: ReadonlyMap<string, Partial<Record<Quantile, number>>>;
}

function quantiles(buckets: readonly number[]): Partial<Record<Quantile, number>> {
  const out: Partial<Record<Quantile, number>> = {};
  for (const [name, q] of QUANTILES) {
    const v = latencyQuantile(buckets, q);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

const ended = (m: { succeeded: number; failed: number }) => m.succeeded + m.failed;

/** The last `capacity` intervals; methods `ignored` (the page's own polling) are left out. */
export class MetricsHistory {
  readonly intervals: Interval[] = [];
  private previous: StatsAnswer | undefined;

  constructor(
    readonly capacity: number,
    private readonly ignored: (method: string) => boolean,
  ) {}

  /** The latest answer; from the second one on, each adds an interval. */
  add(answer: StatsAnswer): void {
    const before = this.previous;
    this.previous = answer;
    const now = answer.timestamp?.getTime() ?? Date.now();
    const then = before?.timestamp?.getTime();
    // The first answer, or counts that went back (the server restarted): a new baseline, no interval.
    if (!before || then === undefined || now <= then || answer.calls.started < before.calls.started) return;
    const seconds = (now - then) / 1000;
    const perMethod = new Map<string, number>();
    const perStatus = new Map<string, number>();
    const latencyPerMethod = new Map<string, Partial<Record<Quantile, number>>>();
    const allBuckets: number[] = [];
    for (const m of answer.methods) {
      if (this.ignored(m.method)) continue;
      const old = before.methods.find((o) => o.method === m.method);
      perMethod.set(m.method, (ended(m) - (old ? ended(old) : 0)) / seconds);
      for (const [status, n] of Object.entries(m.byStatus)) {
        const delta = n! - (old?.byStatus[status as keyof typeof m.byStatus] ?? 0);
        if (delta > 0) perStatus.set(status, (perStatus.get(status) ?? 0) + delta / seconds);
      }
      const buckets = m.latencyBuckets.map((n, i) => n - (old?.latencyBuckets[i] ?? 0));
      buckets.forEach((n, i) => (allBuckets[i] = (allBuckets[i] ?? 0) + n));
      latencyPerMethod.set(m.method, quantiles(buckets));
    }
    this.intervals.push({ at: now, perMethod, perStatus, latency: quantiles(allBuckets), latencyPerMethod });
    if (this.intervals.length > this.capacity) this.intervals.shift();
  }

  /** Every name in `pick` over the intervals kept, each with its values (undefined where an interval has none). */
  series(pick: (i: Interval) => ReadonlyMap<string, number>): { name: string; values: (number | undefined)[] }[] {
    const names = new Set<string>();
    for (const i of this.intervals) for (const [name, v] of pick(i)) if (v > 0) names.add(name);
    return [...names].sort().map((name) => ({ name, values: this.intervals.map((i) => pick(i).get(name) ?? 0) }));
  }

  latencySeries(): { name: string; values: (number | undefined)[] }[] {
    return QUANTILES.map(([name]) => ({ name, values: this.intervals.map((i) => i.latency[name]) }));
  }
}
