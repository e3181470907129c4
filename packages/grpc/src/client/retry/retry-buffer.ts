/**
 * The memory a channel lets its calls keep for replaying requests to a new attempt (gRFC A6's
 * retry_buffer_size_in_bytes and per_rpc_buffer_limit_in_bytes; grpc-js's defaults: 16 MiB and 1 MiB). A call whose
 * requests no longer fit commits to the attempt it has, and retries no more.
 */
export class RetryBufferBudget {
  private used = 0;

  constructor(
    readonly channelLimit: number,
    readonly perCallLimit: number,
  ) {}

  /** Takes `bytes` more for a call that holds `held` already; false (nothing taken) when they do not fit. */
  take(held: number, bytes: number): boolean {
    if (held + bytes > this.perCallLimit || this.used + bytes > this.channelLimit) return false;
    this.used += bytes;
    return true;
  }

  release(bytes: number): void {
    this.used -= bytes;
  }
}
