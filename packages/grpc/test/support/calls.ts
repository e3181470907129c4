import { createClient, type CallOptions, type Channel } from "../../src/index.js";
import { UserService } from "../user-service-fixture.js";

/** The UserService client the channel tests use (getUser and listUsers only). */
export interface UsersClient {
  getUser(req: { id: number }, options?: CallOptions): Promise<unknown>;
  listUsers(req: object, options?: CallOptions): Promise<unknown>;
}

export function usersClient(channel: Channel): UsersClient {
  return createClient(UserService, channel) as unknown as UsersClient;
}

/** One getUser call; resolves with the id of the backend that served it (from its `x-backend-id` header). */
export async function servedBy(client: UsersClient, options: CallOptions = {}): Promise<string> {
  let id = "";
  await client.getUser({ id: 1 }, { timeout: 10_000, ...options, onHeader: (h) => (id = String(h.get("x-backend-id"))) });
  return id;
}

/** How many getUser calls a backend has seen, from its test-only stats answer (listUsers' trailer). */
export async function getUserCallsSeen(client: UsersClient): Promise<number> {
  let calls = -1;
  await client.listUsers({}, { timeout: 10_000, onTrailer: (t) => (calls = Number(t.get("x-backend-calls"))) });
  return calls;
}

export interface Outcome {
  readonly index: number;
  readonly backend?: string;
  readonly error?: Error;
}

/**
 * Runs `total` calls with at most `concurrency` in flight, and every outcome in order; `onDone` hears each as it
 * settles (a test uses it to act at a given point of the run, e.g. stop a backend after the 2,000th call).
 */
export async function runCalls(total: number, concurrency: number, call: (index: number) => Promise<string>, onDone?: (o: Outcome, done: number) => void): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(total);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < total) {
      const index = next++;
      const outcome = await call(index).then((backend) => ({ index, backend }), (error: Error) => ({ index, error }));
      outcomes[index] = outcome;
      onDone?.(outcome, ++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return outcomes;
}

/** How many outcomes each backend served. */
export function countByBackend(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) if (o.backend !== undefined) counts[o.backend] = (counts[o.backend] ?? 0) + 1;
  return counts;
}
