import { timestampDate, timestampFromMs } from "@tsgrpc/protobuf/wkt";
import type { CallCounts as CallCountsMessage, ServerStats } from "../gen/tsgrpc/admin/v1/admin_pb.js";
import type { MessageInit } from "@tsgrpc/protobuf";
import { Status } from "../status.js";
import type { CallCountsSnapshot } from "../stats/call-counts.js";
import { LATENCY_BUCKETS } from "../stats/latency-histogram.js";
import type { ServerStatsSnapshot } from "../server/server-stats.js";

// `server.stats()` as tsgrpc.admin.v1's ServerStats message, and back: the admin service sends the one, `tsgrpc stats`
// and the web console read the other.

function countsMessage(c: CallCountsSnapshot): MessageInit<CallCountsMessage> {
  return {
    callsStarted: BigInt(c.started),
    callsSucceeded: BigInt(c.succeeded),
    callsFailed: BigInt(c.failed),
    callsInFlight: BigInt(c.inFlight),
    lastCallStartedTimestamp: c.lastCallStarted && timestampFromMs(c.lastCallStarted.getTime()),
  };
}

function countsSnapshot(c: CallCountsMessage | undefined): CallCountsSnapshot {
  return {
    started: Number(c?.callsStarted ?? 0),
    succeeded: Number(c?.callsSucceeded ?? 0),
    failed: Number(c?.callsFailed ?? 0),
    inFlight: Number(c?.callsInFlight ?? 0),
    lastCallStarted: c?.lastCallStartedTimestamp && timestampDate(c.lastCallStartedTimestamp),
  };
}

export function serverStatsMessage(stats: ServerStatsSnapshot, now = Date.now()): MessageInit<ServerStats> {
  return {
    calls: countsMessage(stats.calls),
    methods: stats.methods.map((m) => ({
      method: m.method,
      calls: countsMessage(m),
      statuses: Object.entries(m.byStatus).map(([name, count]) => ({ code: Status[name as keyof typeof Status], count: BigInt(count!) })),
      latencyBucketCounts: m.latencyBuckets.map(BigInt),
    })),
    connectionsOpen: stats.connectionsOpen,
    streamsOpen: stats.streamsOpen,
    latencyBucketBoundsSeconds: [...LATENCY_BUCKETS],
    timestamp: timestampFromMs(now),
  };
}

/** A ServerStats message as `server.stats()` gives it (latency buckets as the server counted them), and when it was read. */
export function serverStatsSnapshot(message: ServerStats): ServerStatsSnapshot & { readonly timestamp: Date | undefined } {
  return {
    calls: countsSnapshot(message.calls),
    methods: message.methods.map((m) => ({
      method: m.method,
      ...countsSnapshot(m.calls),
      byStatus: Object.fromEntries(m.statuses.map((s) => [Status[s.code] ?? String(s.code), Number(s.count)])),
      latencyBuckets: m.latencyBucketCounts.map(Number),
    })),
    connectionsOpen: message.connectionsOpen,
    streamsOpen: message.streamsOpen,
    timestamp: message.timestamp && timestampDate(message.timestamp),
  };
}
