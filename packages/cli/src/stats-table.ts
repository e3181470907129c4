import { latencyQuantile, LATENCY_BUCKETS, type ServerStatsSnapshot } from "@tsgrpc/grpc";

// `tsgrpc stats`'s output: a table for people, one JSON object for machines.

type Stats = ServerStatsSnapshot & { readonly timestamp: Date | undefined };

const QUANTILES = [["p50", 0.5], ["p90", 0.9], ["p99", 0.99]] as const;

/** A bucket's upper bound, in the unit that reads best. */
function duration(seconds: number | undefined): string {
  if (seconds === undefined) return "-";
  if (seconds >= 1) return `${seconds} s`;
  const ms = seconds * 1000;
  return ms >= 1 ? `${+ms.toFixed(3)} ms` : `${+(ms * 1000).toFixed(1)} µs`;
}

const time = (d: Date | undefined) => (d ? d.toISOString() : "never");

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 || i === r.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ").trimEnd()).join("\n");
}

export function formatStatsTable(target: string, s: Stats): string {
  const { calls } = s;
  const header = [
    `${target} at ${time(s.timestamp)}: ${s.connectionsOpen} connection(s) open, ${s.streamsOpen} stream(s) open`,
    `calls: ${calls.started} started, ${calls.succeeded} succeeded, ${calls.failed} failed, ${calls.inFlight} in flight; last started ${time(calls.lastCallStarted)}`,
  ];
  const rows = [["METHOD", "STARTED", "OK", "FAILED", "IN FLIGHT", ...QUANTILES.map(([name]) => `${name} <=`), "STATUSES"]];
  for (const m of s.methods) {
    const statuses = Object.entries(m.byStatus).map(([name, n]) => `${name} ${n}`).join(", ") || "-";
    rows.push([m.method, String(m.started), String(m.succeeded), String(m.failed), String(m.inFlight), ...QUANTILES.map(([, q]) => duration(latencyQuantile(m.latencyBuckets, q))), statuses]);
  }
  return `${header.join("\n")}\n\n${table(rows)}\n`;
}

/** The snapshot as JSON (dates as ISO strings), each method with its latency quantiles in seconds, and the buckets' bounds. */
export function formatStatsJson(s: Stats): string {
  const methods = s.methods.map((m) => ({ ...m, latencySeconds: Object.fromEntries(QUANTILES.map(([name, q]) => [name, latencyQuantile(m.latencyBuckets, q) ?? null])) }));
  return JSON.stringify({ ...s, methods, latencyBucketBoundsSeconds: LATENCY_BUCKETS }, null, 2) + "\n";
}
