/** RFC 3339 text for google.protobuf.Timestamp and the "1.5s" text of google.protobuf.Duration (proto3 JSON). */

const MIN_SECONDS = -62135596800n; // 0001-01-01T00:00:00Z
const MAX_SECONDS = 253402300799n; // 9999-12-31T23:59:59Z
const MAX_DURATION_SECONDS = 315576000000n;

/** Nanoseconds as the 0, 3, 6 or 9 fraction digits proto3 JSON writes (with the leading dot). */
function fraction(nanos: number): string {
  if (nanos === 0) return "";
  const s = String(nanos).padStart(9, "0");
  if (s.endsWith("000000")) return "." + s.slice(0, 3);
  if (s.endsWith("000")) return "." + s.slice(0, 6);
  return "." + s;
}

export function timestampToJson(seconds: bigint, nanos: number): string {
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) throw new Error(`Timestamp seconds ${seconds} is out of range`);
  if (nanos < 0 || nanos > 999_999_999) throw new Error(`Timestamp nanos ${nanos} is out of range`);
  const date = new Date(Number(seconds) * 1000);
  const iso = date.toISOString(); // 0001..9999 years print as YYYY-MM-DDTHH:MM:SS.000Z
  return iso.slice(0, 19) + fraction(nanos) + "Z";
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

export function timestampFromJson(text: string): { seconds: bigint; nanos: number } {
  const m = TIMESTAMP.exec(text);
  if (!m) throw new Error(`"${text}" is not an RFC 3339 timestamp`);
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d)); // unlike Date.UTC, keeps years 0-99 as they are
  date.setUTCHours(Number(h), Number(mi), Number(s), 0);
  if (date.getUTCDate() !== Number(d) || date.getUTCMonth() !== Number(mo) - 1 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    throw new Error(`"${text}" is not a valid date and time`);
  }
  let seconds = BigInt(date.getTime() / 1000);
  if (zone !== "Z") {
    const sign = zone![0] === "-" ? -1n : 1n;
    const offset = BigInt(Number(zone!.slice(1, 3)) * 3600 + Number(zone!.slice(4, 6)) * 60);
    seconds -= sign * offset;
  }
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) throw new Error(`"${text}" is out of the Timestamp range`);
  const nanos = frac ? Number(frac.padEnd(9, "0")) : 0;
  return { seconds, nanos };
}

export function durationToJson(seconds: bigint, nanos: number): string {
  if (seconds < -MAX_DURATION_SECONDS || seconds > MAX_DURATION_SECONDS) throw new Error(`Duration seconds ${seconds} is out of range`);
  if (nanos < -999_999_999 || nanos > 999_999_999 || (seconds > 0n && nanos < 0) || (seconds < 0n && nanos > 0)) {
    throw new Error(`Duration nanos ${nanos} is out of range or has the wrong sign`);
  }
  const negative = seconds < 0n || nanos < 0;
  const abs = seconds < 0n ? -seconds : seconds;
  return (negative ? "-" : "") + abs.toString() + fraction(Math.abs(nanos)) + "s";
}

const DURATION = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/;

export function durationFromJson(text: string): { seconds: bigint; nanos: number } {
  const m = DURATION.exec(text);
  if (!m) throw new Error(`"${text}" is not a Duration ("1.5s")`);
  const sign = m[1] ? -1 : 1;
  const seconds = BigInt(m[2]!) * BigInt(sign);
  if (seconds < -MAX_DURATION_SECONDS || seconds > MAX_DURATION_SECONDS) throw new Error(`"${text}" is out of the Duration range`);
  const nanos = m[3] ? Number(m[3].padEnd(9, "0")) * sign : 0;
  return { seconds, nanos: nanos === 0 ? 0 : nanos };
}
