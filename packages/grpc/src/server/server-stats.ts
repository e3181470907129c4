import { Status } from "../status.js";
import { CallCounts, type CallCountsSnapshot } from "../stats/call-counts.js";
import { LatencyHistogram } from "../stats/latency-histogram.js";

/** A66's name for the calls to methods a server does not serve. */
export const OTHER_METHOD = "other";

/** One method's calls: channelz's counts, plus how many ended with each status and how long they took. */
export class MethodStats extends CallCounts {
  /** Calls ended, by status code (index: the code, 0 to 16). */
  readonly byStatus = new Array<number>(17).fill(0);
  readonly latency = new LatencyHistogram();

  constructor(readonly method: string) {
    super();
  }

  ended(status: Status, seconds: number): void {
    this.callEnded(status === Status.OK);
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    this.latency.record(seconds);
  }
}

/**
 * A server's call counts, for `server.stats()` and the admin service: every call the router takes (gRPC, gRPC-Web,
 * Connect), the server's and each method's, with those to unknown methods under "other". Counters only: a call
 * costs two clock reads and a few increments.
 */
export class ServerStats {
  readonly calls = new CallCounts();
  private readonly methods = new Map<string, MethodStats>();
  readonly other = new MethodStats(OTHER_METHOD);

  /** The stats of a method the server serves (made when the method is added). */
  forMethod(path: string): MethodStats {
    let stats = this.methods.get(path);
    if (!stats) this.methods.set(path, (stats = new MethodStats(path)));
    return stats;
  }

  /** A call starts now (`startedAt`: performance.now()). */
  started(method: MethodStats, startedAt: number): void {
    const nowMs = performance.timeOrigin + startedAt;
    this.calls.callStarted(nowMs);
    method.callStarted(nowMs);
  }

  /** The call that started at `startedAt` ends with `status`. */
  ended(method: MethodStats, status: Status, startedAt: number): void {
    this.calls.callEnded(status === Status.OK);
    method.ended(status, (performance.now() - startedAt) / 1000);
  }

  /** A call refused before it ran (an unknown method, a kind its protocol cannot carry): it starts and ends at once. */
  refused(method: MethodStats | undefined, status: Status): void {
    const m = method ?? this.other;
    const now = performance.now();
    this.started(m, now);
    this.ended(m, status, now);
  }

  snapshot(open: { connections: number; streams: number }): ServerStatsSnapshot {
    const methods = [...this.methods.values()];
    if (this.other.started > 0) methods.push(this.other);
    return {
      calls: this.calls.snapshot(),
      connectionsOpen: open.connections,
      streamsOpen: open.streams,
      methods: methods.map((m) => ({ method: m.method, ...m.snapshot(), byStatus: statusCounts(m.byStatus), latencyBuckets: [...m.latency.counts] })),
    };
  }
}

function statusCounts(byStatus: readonly number[]): Partial<Record<keyof typeof Status, number>> {
  const out: Partial<Record<keyof typeof Status, number>> = {};
  byStatus.forEach((n, code) => {
    if (n > 0) out[Status[code] as keyof typeof Status] = n;
  });
  return out;
}

/** What `server.stats()` returns: a copy of the counts at one moment. */
export interface ServerStatsSnapshot {
  /** Every call the server took. */
  readonly calls: CallCountsSnapshot;
  /** HTTP/2 and HTTP/1.1 connections open now. */
  readonly connectionsOpen: number;
  /** Calls being served now, each on its HTTP/2 stream (or HTTP/1.1 request). */
  readonly streamsOpen: number;
  /** Each method the server serves (and "other" once a call named an unknown one). */
  readonly methods: readonly MethodStatsSnapshot[];
}

export interface MethodStatsSnapshot extends CallCountsSnapshot {
  /** The method's path, `/package.Service/Method`, or "other". */
  readonly method: string;
  /** Calls ended, by status name (`OK`, `CANCELLED`...); statuses with none are left out. */
  readonly byStatus: Partial<Record<keyof typeof Status, number>>;
  /** Call durations: one count per bucket of LATENCY_BUCKETS, and one above its last bound. */
  readonly latencyBuckets: readonly number[];
}
