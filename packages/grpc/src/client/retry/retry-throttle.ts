import type { RetryThrottling } from "../service-config/service-config.js";

/**
 * gRFC A6's throttling, per channel: tokens start at maxTokens; each attempt that fails with a retryable (or
 * non-fatal) status, or whose pushback says not to retry, takes one; each that succeeds gives back tokenRatio. While
 * the tokens are at or below half of maxTokens, calls are not retried and no more hedges are sent. Kept in
 * thousandths of a token, as gRPC does, so that ratios such as 0.1 add up exactly.
 */
export class RetryThrottle {
  private milliTokens: number;
  private readonly maxMilliTokens: number;
  private readonly milliRatio: number;

  constructor(readonly config: RetryThrottling) {
    this.maxMilliTokens = Math.round(config.maxTokens * 1000);
    this.milliRatio = Math.round(config.tokenRatio * 1000);
    this.milliTokens = this.maxMilliTokens;
  }

  /** Whether a retry or a hedge may go out now. */
  get allowsRetry(): boolean {
    return this.milliTokens > this.maxMilliTokens / 2;
  }

  failed(): void {
    this.milliTokens = Math.max(0, this.milliTokens - 1000);
  }

  succeeded(): void {
    this.milliTokens = Math.min(this.maxMilliTokens, this.milliTokens + this.milliRatio);
  }
}
