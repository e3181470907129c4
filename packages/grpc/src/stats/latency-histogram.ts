/**
 * gRFC A66's bucket boundaries for call and attempt durations, in seconds (also the advice of @tsgrpc/opentelemetry's
 * histograms).
 */
export const LATENCY_BUCKETS: readonly number[] = [
  0, 0.00001, 0.00005, 0.0001, 0.0003, 0.0006, 0.0008, 0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.008, 0.01, 0.013, 0.016, 0.02, 0.025, 0.03, 0.04,
  0.05, 0.065, 0.08, 0.1, 0.13, 0.16, 0.2, 0.25, 0.3, 0.4, 0.5, 0.65, 0.8, 1, 2, 5, 10, 20, 50, 100,
];

/**
 * Call durations counted in LATENCY_BUCKETS' fixed buckets, as OpenTelemetry's explicit-bucket histograms count them:
 * bucket i holds durations in (bounds[i-1], bounds[i]], the last one everything above 100 s.
 */
export class LatencyHistogram {
  /** One count per bucket: LATENCY_BUCKETS.length + 1 of them. */
  readonly counts = new Array<number>(LATENCY_BUCKETS.length + 1).fill(0);

  record(seconds: number): void {
    // Binary search for the first bound >= seconds.
    let lo = 0;
    let hi = LATENCY_BUCKETS.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (LATENCY_BUCKETS[mid]! < seconds) lo = mid + 1;
      else hi = mid;
    }
    this.counts[lo]!++;
  }
}

/**
 * The q-quantile (0 < q <= 1) of durations counted in LATENCY_BUCKETS' buckets, in seconds: the upper bound of the
 * bucket the quantile falls in (an upper estimate, as bucketed data allows); undefined with no counts. Durations past
 * the last bound report that bound.
 */
export function latencyQuantile(counts: readonly number[], q: number): number | undefined {
  let total = 0;
  for (const c of counts) total += c;
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i]!;
    if (seen >= rank) return LATENCY_BUCKETS[Math.min(i, LATENCY_BUCKETS.length - 1)]!;
  }
  return LATENCY_BUCKETS.at(-1)!;
}
