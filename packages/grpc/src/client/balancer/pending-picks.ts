import type { CallConnection } from "../call-stream.js";
import type { Picker } from "./load-balancer.js";
import { Subchannel } from "./subchannel.js";

interface PendingPick {
  resolve(connection: CallConnection): void;
  reject(error: Error): void;
  readonly waitForReady: boolean;
}

/** The connection a picker's answer gives a call now: a READY subchannel's open connection, if that is the answer. */
export function connectionOf(picked: Subchannel | Error | undefined): CallConnection | undefined {
  if (!(picked instanceof Subchannel)) return undefined;
  const connection = picked.connection;
  return connection?.usable ? connection : undefined;
}

/**
 * The calls waiting for a connection: each new picker is tried for every one of them; a call gets a connection, or
 * the picker's error (unless it waits for ready), or keeps waiting. A call that ends first (deadline, cancel) leaves
 * the list at once.
 */
export class PendingPicks {
  private picks = new Set<PendingPick>();

  get size(): number {
    return this.picks.size;
  }

  add(waitForReady: boolean, onWait?: (release: () => void) => void): Promise<CallConnection> {
    return new Promise((resolve, reject) => {
      const pick = { resolve, reject, waitForReady };
      this.picks.add(pick);
      onWait?.(() => this.picks.delete(pick));
    });
  }

  /** Tries the picker for every waiting call. */
  retry(picker: Picker): void {
    for (const pick of this.picks) {
      const picked = picker();
      const connection = connectionOf(picked);
      if (connection) {
        this.picks.delete(pick);
        pick.resolve(connection);
      } else if (picked instanceof Error && !pick.waitForReady) {
        this.picks.delete(pick);
        pick.reject(picked);
      }
    }
  }

  failAll(error: Error): void {
    const picks = this.picks;
    this.picks = new Set();
    for (const pick of picks) pick.reject(error);
  }
}
