import type { BenchSummary } from "./bench-stats.js";

const ms = (x: number) => (x >= 100 ? `${x.toFixed(0)} ms` : x >= 10 ? `${x.toFixed(1)} ms` : `${x.toFixed(2)} ms`);

/** The summary for a terminal, in the spirit of ghz's. */
export function formatText(s: BenchSummary): string {
  const lines = [
    "",
    `Summary${s.interrupted ? " (interrupted: partial results)" : ""}:`,
    `  Target:       ${s.target} ${s.method} (${s.kind})`,
    `  Count:        ${s.count}`,
    `  Total:        ${ms(s.totalMs)}`,
    `  Requests/s:   ${s.requestsPerSecond.toFixed(1)}`,
    `  Concurrency:  ${s.options.concurrency} over ${s.options.connections} connection(s)${s.options.rps ? `, limited to ${s.options.rps} req/s` : ""}`,
    "",
    "Latency:",
    ...(["min", "mean", "p50", "p90", "p95", "p99", "max"] as const).map((k) => `  ${k.padEnd(6)} ${ms(s.latencyMs[k])}`),
    "",
    "Latency histogram:",
  ];
  const most = Math.max(1, ...s.histogram.map((b) => b.count));
  for (const b of s.histogram) lines.push(`  ${ms(b.upToMs).padStart(10)} [${String(b.count).padStart(String(s.count).length)}] |${"■".repeat(Math.round((b.count / most) * 40))}`);
  lines.push("", "Status codes:");
  for (const [name, count] of Object.entries(s.statuses).sort((a, b) => b[1] - a[1])) lines.push(`  [${name}]  ${count} calls`);
  if (s.errors.length) {
    lines.push("", "Error distribution:");
    for (const e of s.errors) lines.push(`  [${e.count}]  ${e.message}`);
  }
  return lines.join("\n") + "\n";
}

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** An SVG bar chart: bars[i] over labels[i], scaled to the tallest. */
function bars(title: string, labels: string[], values: number[], color: string): string {
  const w = 640, h = 220, pad = 40, n = Math.max(1, values.length);
  const top = Math.max(1, ...values);
  const bw = (w - pad * 2) / n;
  const rects = values
    .map((v, i) => {
      const bh = (v / top) * (h - pad * 2);
      const x = pad + i * bw;
      return `<rect x="${x.toFixed(1)}" y="${(h - pad - bh).toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${bh.toFixed(1)}" fill="${color}"><title>${escape(labels[i]!)}: ${v}</title></rect>`;
    })
    .join("");
  const step = Math.max(1, Math.ceil(n / 10));
  const ticks = labels.map((l, i) => (i % step === 0 ? `<text x="${(pad + i * bw + bw / 2).toFixed(1)}" y="${h - pad + 14}" text-anchor="middle">${escape(l)}</text>` : "")).join("");
  return `<figure><figcaption>${escape(title)}</figcaption><svg role="img" aria-label="${escape(title)}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" font-size="10" font-family="sans-serif"><line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="#999"/><text x="${pad}" y="${pad - 8}">max ${top}</text>${rects}${ticks}</svg></figure>`;
}

/**
 * A self-contained HTML page: the summary, the latency distribution and throughput over time as inline SVG, and the
 * run's JSON summary embedded (<script type="application/json" id="bench-data">) for anyone who wants the numbers.
 */
export function formatHtml(s: BenchSummary): string {
  const rows = (Object.entries(s.latencyMs) as [string, number][]).map(([k, v]) => `<tr><th>${k}</th><td>${ms(v)}</td></tr>`).join("");
  const statuses = Object.entries(s.statuses).map(([k, v]) => `<tr><th>${escape(k)}</th><td>${v}</td></tr>`).join("");
  const json = JSON.stringify(s).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tsgrpc bench: ${escape(s.method)}</title>
<style>body{font-family:sans-serif;margin:2em;max-width:720px}table{border-collapse:collapse}th,td{padding:2px 10px;text-align:left}figure{margin:1.5em 0}figcaption{font-weight:bold}</style>
</head><body>
<h1>tsgrpc bench</h1>
<p>${escape(s.target)} <code>${escape(s.method)}</code> (${escape(s.kind)})${s.interrupted ? " — interrupted, partial results" : ""}</p>
<p><strong>${s.count}</strong> calls in ${ms(s.totalMs)}: <strong>${s.requestsPerSecond.toFixed(1)}</strong> requests/s, concurrency ${s.options.concurrency} over ${s.options.connections} connection(s).</p>
<h2>Latency</h2><table>${rows}</table>
${bars("Latency distribution (calls per bucket, upper bound in ms)", s.histogram.map((b) => String(b.upToMs)), s.histogram.map((b) => b.count), "#2b6cb0")}
${bars("Throughput over time (calls completed per second)", s.timeline.map((t) => `${t.second}s`), s.timeline.map((t) => t.count), "#2f855a")}
<h2>Status codes</h2><table>${statuses}</table>
<script type="application/json" id="bench-data">${json}</script>
</body></html>
`;
}
