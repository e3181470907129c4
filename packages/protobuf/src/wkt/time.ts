import type { Duration } from "./gen/google/protobuf/duration_pb.js";
import { Duration as DurationType } from "./gen/google/protobuf/duration_pb.js";
import type { Timestamp } from "./gen/google/protobuf/timestamp_pb.js";
import { Timestamp as TimestampType } from "./gen/google/protobuf/timestamp_pb.js";

/** Splits a count of milliseconds into whole seconds and nanoseconds, with nanos carrying the sign of the total
 * (as google.protobuf.Duration requires) or, for timestamps, always within [0, 1e9). */
function split(ms: number, nanosNonNegative: boolean): { seconds: bigint; nanos: number } {
  if (!Number.isFinite(ms)) throw new RangeError(`${ms} ms is not a finite time`);
  let seconds = Math.trunc(ms / 1000);
  let nanos = Math.round((ms - seconds * 1000) * 1_000_000);
  if (nanosNonNegative && nanos < 0) {
    seconds -= 1;
    nanos += 1_000_000_000;
  }
  if (nanos === 1_000_000_000 || nanos === -1_000_000_000) {
    seconds += Math.sign(nanos);
    nanos = 0;
  }
  return { seconds: BigInt(seconds), nanos: nanos === 0 ? 0 : nanos };
}

/** The time now as a google.protobuf.Timestamp. */
export function timestampNow(): Timestamp {
  return timestampFromMs(Date.now());
}

/** A Timestamp for a Date. */
export function timestampFromDate(date: Date): Timestamp {
  return timestampFromMs(date.getTime());
}

/** Timestamps cover 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z (google/protobuf/timestamp.proto). */
const MIN_MS = -62135596800000;
const MAX_MS = 253402300800000;

/** A Timestamp for milliseconds since the Unix epoch (fractions of a millisecond become nanos). */
export function timestampFromMs(ms: number): Timestamp {
  if (ms < MIN_MS || ms >= MAX_MS) throw new RangeError(`${ms} ms is outside the years 0001 to 9999 that a Timestamp covers`);
  return TimestampType.create(split(ms, true));
}

/** Milliseconds since the Unix epoch (nanos below a millisecond are dropped, toward negative infinity). */
export function timestampMs(timestamp: { seconds?: bigint | undefined; nanos?: number | undefined }): number {
  return Number(timestamp.seconds ?? 0n) * 1000 + Math.floor((timestamp.nanos ?? 0) / 1_000_000);
}

/** The Timestamp as a Date (millisecond precision, like Date itself). */
export function timestampDate(timestamp: { seconds?: bigint | undefined; nanos?: number | undefined }): Date {
  return new Date(timestampMs(timestamp));
}

/** A google.protobuf.Duration of `ms` milliseconds (negative durations have negative seconds and nanos). */
export function durationFromMs(ms: number): Duration {
  return DurationType.create(split(ms, false));
}

/** The Duration in milliseconds (a fraction, when nanos are not whole milliseconds). */
export function durationMs(duration: { seconds?: bigint | undefined; nanos?: number | undefined }): number {
  return Number(duration.seconds ?? 0n) * 1000 + (duration.nanos ?? 0) / 1_000_000;
}
