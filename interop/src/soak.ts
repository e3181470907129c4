import assert from "node:assert/strict";
import { createClient, type Channel } from "@tsgrpc/grpc";
import type { InteropSchemas } from "./test-service.js";

/**
 * The soak flags of the official interop clients (grpc/grpc doc/interop-test-descriptions.md, rpc_soak and
 * channel_soak), with grpc-go's defaults: 10 iterations, no failure allowed, 1000 ms per iteration at most, 10 s in
 * all, no wait between calls, large_unary's sizes.
 */
export interface SoakOptions {
  iterations: number;
  maxFailures: number;
  perIterationMaxAcceptableLatencyMs: number;
  overallTimeoutSeconds: number;
  minTimeMsBetweenRpcs: number;
  requestSize: number;
  responseSize: number;
}

export function soakOptions(flags: ReadonlyMap<string, string>): SoakOptions {
  const int = (name: string, fallback: number) => {
    const text = flags.get(name);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, not "${text}"`);
    return n;
  };
  return {
    iterations: int("soak_iterations", 10),
    maxFailures: int("soak_max_failures", 0),
    perIterationMaxAcceptableLatencyMs: int("soak_per_iteration_max_acceptable_latency_ms", 1000),
    overallTimeoutSeconds: int("soak_overall_timeout_seconds", 10),
    minTimeMsBetweenRpcs: int("soak_min_time_ms_between_rpcs", 0),
    requestSize: int("soak_request_size", 271828),
    responseSize: int("soak_response_size", 314159),
  };
}

/**
 * Runs a soak: large_unary-sized UnaryCalls in sequence, each on the channel `channelFor` gives (the same one for
 * rpc_soak, a new one for channel_soak, built inside the iteration's time as the C++ client does). An iteration fails
 * on a non-OK status or when it took longer than the acceptable latency (measured, as the official clients do, rather
 * than set as a deadline, so that a slow call is reported rather than cut; only the overall timeout cuts one). It stops at the overall timeout; the
 * soak fails when it ran fewer iterations than asked or had more failures than allowed. Returns the summary line.
 */
export async function soak(channelFor: () => { channel: Channel; done(): void }, schemas: InteropSchemas, o: SoakOptions, log: (line: string) => void = () => {}): Promise<string> {
  assert.ok(o.iterations > 0, "--soak_iterations must be at least 1");
  const overallDeadline = performance.now() + o.overallTimeoutSeconds * 1000;
  const latencies: number[] = [];
  let failures = 0;
  const request = { responseSize: o.responseSize, payload: { type: 0, body: new Uint8Array(o.requestSize) } };
  for (let i = 0; i < o.iterations && performance.now() < overallDeadline; i++) {
    const earliestNextStart = performance.now() + o.minTimeMsBetweenRpcs;
    const start = performance.now();
    const { channel, done } = channelFor();
    let error: string | undefined;
    try {
      // No per-call deadline (the latency is measured instead), but none outlives the soak's overall timeout.
      const res = (await createClient(schemas.TestService, channel).unaryCall(request, { deadline: Math.max(Date.now() + 1, Date.now() + overallDeadline - performance.now()) })) as { payload?: { body?: Uint8Array } };
      if (res.payload?.body?.length !== o.responseSize) error = `response payload is ${res.payload?.body?.length ?? 0} bytes, not ${o.responseSize}`;
    } catch (e) {
      error = (e as Error).message;
    } finally {
      done();
    }
    const elapsed = Math.round(performance.now() - start);
    if (!error && elapsed > o.perIterationMaxAcceptableLatencyMs) error = `${elapsed} ms exceeds max acceptable latency: ${o.perIterationMaxAcceptableLatencyMs} ms`;
    latencies.push(elapsed);
    if (error) failures++;
    log(`soak iteration: ${i} elapsed_ms: ${elapsed} ${error ? `failed: ${error}` : "succeeded"}`);
    const wait = earliestNextStart - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  const summary = `soak test ran: ${latencies.length} / ${o.iterations} iterations. total_failures: ${failures}. max_failures_threshold: ${o.maxFailures}. median_soak_iteration_latency: ${pct(50)} ms. 90th_soak_iteration_latency: ${pct(90)} ms. worst_soak_iteration_latency: ${sorted.at(-1) ?? 0} ms.`;
  assert.ok(latencies.length === o.iterations, `soak test consumed all ${o.overallTimeoutSeconds} seconds of time and quit early: ${summary}`);
  assert.ok(failures <= o.maxFailures, `soak test total_failures: ${failures} exceeds max_failures_threshold: ${o.maxFailures}: ${summary}`);
  return summary;
}
