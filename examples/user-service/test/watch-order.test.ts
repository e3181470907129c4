import { test } from "node:test";
import assert from "node:assert/strict";
import { createChannel, createClient, createServer, GrpcError, Status } from "@tsgrpc/grpc";
import { UserService, UserStatus } from "../src/gen/user_service_pb.js";
import type { UserRecord, UserStore } from "../src/store.js";
import { createUserService } from "../src/user-service.js";

const user = (id: number): UserRecord => ({ id, username: `user${id}`, email: `user${id}@example.com`, roles: ["user"], status: UserStatus.ACTIVE });

/**
 * A store as concurrent writers make it look: users 1 to 5 exist; while WatchUsers reads its listing, user 5 (which
 * the listing shows) and user 6 (committed after the listing was read) are announced, in commit order, as the
 * store's contract says.
 */
function racingStore(): UserStore {
  let listener: ((u: UserRecord) => void) | undefined;
  const existing = [1, 2, 3, 4, 5].map(user);
  return {
    get: async (id) => (id <= 6 ? user(id) : undefined),
    create: async () => user(7),
    listAfter: async (after) => {
      const page = existing.filter((u) => u.id > after);
      if (page.length > 0) {
        listener?.(user(5));
        listener?.(user(6));
      }
      return page;
    },
    onChange: (l) => ((listener = l), () => (listener = undefined)),
    tokenSecret: async () => new Uint8Array(32),
    ping: async () => {},
    close: async () => {},
  };
}

async function watch(resumeAfterId: number, count: number): Promise<number[]> {
  const server = createServer().add(UserService, await createUserService({ store: racingStore() }));
  const port = await server.listen("127.0.0.1:0");
  const channel = createChannel(`127.0.0.1:${port}`);
  try {
    const ids: number[] = [];
    // A watch never ends by itself: the deadline ends it when a user fails to come.
    for await (const u of createClient(UserService, channel).watchUsers({ resumeAfterId }, { timeout: 5_000 })) {
      ids.push(u.id);
      if (ids.length === count) break;
    }
    return ids;
  } finally {
    channel.close();
    await server.shutdown(100);
  }
}

test("WatchUsers: the listing, then the users committed after it; a user announced while the listing is read comes once", async () => {
  assert.deepEqual(await watch(0, 6), [1, 2, 3, 4, 5, 6]);
});

test("WatchUsers resumed after user 3: the users committed after it (4, 5, then 6), none of the older ones, none twice", async () => {
  assert.deepEqual(await watch(3, 3), [4, 5, 6]);
});

test("WatchUsers: a resume_after_id that is negative, or names no user, is INVALID_ARGUMENT", async () => {
  for (const id of [-1, 99]) await assert.rejects(watch(id, 1), (e: GrpcError) => e.code === Status.INVALID_ARGUMENT && /resume_after_id/.test(e.rawMessage));
});
