import type { RetryPolicy } from "../service-config/service-config.js";

/**
 * What the server's `grpc-retry-pushback-ms` says (gRFC A6): a delay in ms before the next attempt; "stop" (a
 * negative or unparseable value: do not retry at all); undefined when it says nothing.
 */
export function parsePushback(value: string | string[] | number | undefined): number | "stop" | undefined {
  if (value === undefined) return undefined;
  const text = String(Array.isArray(value) ? value[0] : value);
  // A signed 32-bit integer with no unnecessary leading zeros.
  if (!/^(0|[1-9]\d{0,9})$/.test(text) || Number(text) > 2 ** 31 - 1) return "stop";
  return Number(text);
}

/**
 * The exponential backoff of a retry policy: the n-th retry waits random(0, min(initialBackoff * multiplier^(n-1),
 * maxBackoff)); a retry that follows a server's pushback starts the sequence again.
 */
export class RetryBackoff {
  private nextMaxMs: number;

  constructor(private readonly policy: RetryPolicy) {
    this.nextMaxMs = policy.initialBackoffMs;
  }

  /** The wait before the next retry: the pushback's when the server gave one, otherwise the jittered backoff. */
  next(pushbackMs: number | undefined): number {
    if (pushbackMs !== undefined) {
      this.nextMaxMs = this.policy.initialBackoffMs;
      return pushbackMs;
    }
    const wait = Math.random() * this.nextMaxMs;
    this.nextMaxMs = Math.min(this.nextMaxMs * this.policy.backoffMultiplier, this.policy.maxBackoffMs);
    return wait;
  }
}
