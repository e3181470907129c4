// A self-contained SVG bar chart: one group of horizontal bars per row, one bar per contender.

const COLORS = ["#888888", "#2b6cb0", "#c05621", "#dd6b20", "#6b46c1", "#2f855a"];
const escape = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;");

/**
 * rows: [{ label, values: { contender: number | undefined } }]; each row is scaled to its own largest value.
 * `format` prints a value next to its bar.
 */
export function barChart({ title, rows, contenders, format }) {
  const barH = 14, gap = 4, labelW = 270, chartW = 420, valueW = 70, groupGap = 14;
  let y = 40;
  const parts = [];
  for (const row of rows) {
    const present = contenders.filter((c) => Number.isFinite(row.values[c]));
    const max = Math.max(...present.map((c) => row.values[c]));
    parts.push(`<text x="8" y="${y + barH - 2}" font-weight="bold">${escape(row.label)}</text>`);
    for (const c of present) {
      const w = Math.max(1, (row.values[c] / max) * chartW);
      const color = COLORS[contenders.indexOf(c) % COLORS.length];
      parts.push(`<text x="${labelW - 8}" y="${y + barH - 3}" text-anchor="end">${escape(c)}</text>`);
      parts.push(`<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${color}"/>`);
      parts.push(`<text x="${labelW + w + 6}" y="${y + barH - 3}">${escape(format(row.values[c]))}</text>`);
      y += barH + gap;
    }
    y += groupGap;
  }
  const width = labelW + chartW + valueW + 20;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 10}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="8" y="22" font-size="15" font-weight="bold">${escape(title)}</text>
${parts.join("\n")}
</svg>
`;
}
