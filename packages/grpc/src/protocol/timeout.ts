/**
 * grpc-timeout: at most 8 digits and a unit (H M S m u n). Parsed strictly; a client picks the finest unit that fits.
 */
const UNITS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1_000, m: 1, u: 0.001, n: 0.000001 };
const TIMEOUT = /^(\d{1,8})([HMSmun])$/;

/** Milliseconds, or undefined when the header is malformed. */
export function parseTimeout(header: string): number | undefined {
  const m = TIMEOUT.exec(header);
  if (!m) return undefined;
  return Number(m[1]) * UNITS[m[2]!]!;
}

export function encodeTimeout(ms: number): string {
  const value = Math.max(0, ms);
  for (const [unit, factor] of [["n", 0.000001], ["u", 0.001], ["m", 1], ["S", 1000], ["M", 60_000], ["H", 3_600_000]] as const) {
    const n = Math.ceil(value / factor);
    if (n < 1e8) return `${n}${unit}`;
  }
  return "99999999H";
}
