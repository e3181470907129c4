/**
 * A google.protobuf.Duration in its JSON form ("1.5s", "0.100s", "3s": decimal seconds with an "s", at most nine
 * fractional digits), in milliseconds; undefined when the text is not one.
 */
export function parseDuration(text: string): number | undefined {
  const m = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(text) ?? /^(-)?()\.(\d{1,9})s$/.exec(text);
  if (!m) return undefined;
  const seconds = Number(m[2] || "0");
  if (seconds > 315_576_000_000) return undefined; // Duration's range: ±10,000 years
  const nanos = Number((m[3] ?? "").padEnd(9, "0"));
  return (m[1] ? -1 : 1) * (seconds * 1000 + nanos / 1e6);
}
