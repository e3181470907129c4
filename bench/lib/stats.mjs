// Small statistics helpers for the benchmark reports.

/** The p-quantile (0..1) of an ascending array, by nearest rank. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export function median(values) {
  return percentile([...values].sort((a, b) => a - b), 0.5);
}

/** Human-readable rate: 48.8k, 1.23M. */
export function formatRate(n) {
  if (!Number.isFinite(n)) return "–";
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(0);
}
