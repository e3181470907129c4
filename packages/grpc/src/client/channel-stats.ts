import { CallCounts, type CallCountsSnapshot } from "../stats/call-counts.js";
import type { ConnectivityState } from "./balancer/load-balancer.js";

/**
 * A channel's call counts (channelz's CallCounts for a channel): its calls, in all and per method. Each subchannel
 * counts the attempts it carried on its own CallCounts. Counters only: a call looks its method up and counts.
 */
export class ChannelStats {
  readonly calls = new CallCounts();
  private readonly methods = new Map<string, CallCounts>();

  /** A call of the method at `path` starts; what it returns is the method's counts, for `callEnded`. */
  callStarted(path: string): CallCounts {
    const now = Date.now();
    let method = this.methods.get(path);
    if (!method) this.methods.set(path, (method = new CallCounts()));
    this.calls.callStarted(now);
    method.callStarted(now);
    return method;
  }

  callEnded(method: CallCounts, ok: boolean): void {
    this.calls.callEnded(ok);
    method.callEnded(ok);
  }

  methodSnapshots(): ChannelMethodStats[] {
    return [...this.methods].map(([method, counts]) => ({ method, ...counts.snapshot() }));
  }
}

/** What `channel.stats()` returns: a copy of the counts at one moment. */
export interface ChannelStatsSnapshot {
  /** The target in gRPC's canonical form. */
  readonly target: string;
  readonly state: ConnectivityState;
  /** Every call made on the channel (a call with retries counts once). */
  readonly calls: CallCountsSnapshot;
  readonly methods: readonly ChannelMethodStats[];
  /** The balancer's subchannels now, each with the attempts it carried (an attempt dropped for another counts as failed). */
  readonly subchannels: readonly SubchannelStats[];
}

export interface ChannelMethodStats extends CallCountsSnapshot {
  /** `/package.Service/Method`. */
  readonly method: string;
}

export interface SubchannelStats {
  /** The subchannel's address (`127.0.0.1:50051`). */
  readonly address: string;
  readonly state: ConnectivityState;
  readonly calls: CallCountsSnapshot;
}
