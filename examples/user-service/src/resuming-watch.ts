import { setTimeout as sleep } from "node:timers/promises";
import { GrpcError, Status, type CallOptions, type Client } from "@tsgrpc/grpc";
import type { User, UserService } from "./gen/user_service_pb.js";

export interface ResumingWatchOptions {
  /** Only users with this role (all when empty). */
  roleFilter?: string;
  /** The id of the last user the caller already has: the watch starts after it. 0 (default): a new watch, listing first. */
  resumeAfterId?: number;
  /** Ends the watch: the iteration returns, whether a stream is open or a reconnection is waiting. */
  signal?: AbortSignal;
  /** Waits before reconnecting: `initialMs` (default 100), doubling up to `maxMs` (default 5000), with jitter. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Told of each stream that ended UNAVAILABLE (its replica went away or shut down) and the cursor it resumes from. */
  onResume?: (error: GrpcError, resumeAfterId: number) => void;
  /** Other options for each WatchUsers call (metadata for auth, say); a deadline would end the watch. */
  callOptions?: Omit<CallOptions, "signal">;
}

/**
 * WatchUsers that outlives its server: the users of the watch, as one stream, across reconnections. A stream that ends
 * UNAVAILABLE (the replica was killed, is shutting down, or cannot be reached) is called again, after a backoff, with
 * `resume_after_id` = the last user received; the service then sends exactly the users committed after that one (users
 * commit in id order), so the caller gets every user once, in commit order, whichever replica the channel's load
 * balancing picks for the new call. Any other error ends the iteration with it (RESOURCE_EXHAUSTED: the caller read
 * too slowly; it may resume with the last id it has, the same way).
 */
export async function* resumingWatch(client: Client<typeof UserService>, options: ResumingWatchOptions = {}): AsyncGenerator<User, void, undefined> {
  const { signal, roleFilter = "" } = options;
  const initialMs = options.backoff?.initialMs ?? 100;
  const maxMs = options.backoff?.maxMs ?? 5000;
  let cursor = options.resumeAfterId ?? 0;
  let failures = 0;
  while (!signal?.aborted) {
    try {
      for await (const user of client.watchUsers({ roleFilter, resumeAfterId: cursor }, { ...options.callOptions, signal })) {
        cursor = user.id;
        failures = 0;
        yield user;
      }
      return; // the server ended the stream without an error: nothing more will come
    } catch (e) {
      if (signal?.aborted) return;
      if (!(e instanceof GrpcError) || e.code !== Status.UNAVAILABLE) throw e;
      options.onResume?.(e, cursor);
      const wait = Math.min(maxMs, initialMs * 2 ** failures++);
      try {
        await sleep(wait / 2 + Math.random() * (wait / 2), undefined, { signal });
      } catch {
        return; // aborted while waiting
      }
    }
  }
}
