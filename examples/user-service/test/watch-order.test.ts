import { test } from "node:test";
import assert from "node:assert/strict";
import { createChannel, createClient, createServer } from "@tsgrpc/grpc";
import { UserService, UserStatus } from "../src/gen/user_service_pb.js";
import type { UserRecord, UserStore } from "../src/store.js";
import { createUserService } from "../src/user-service.js";

const user = (id: number): UserRecord => ({ id, username: `user${id}`, email: `user${id}@example.com`, roles: ["user"], status: UserStatus.ACTIVE });

/**
 * A store as concurrent writers make it look (PostgreSQL): while WatchUsers reads the listing, user 3 (listed) and
 * user 2 (a lower id whose insert committed later, so not listed) are announced.
 */
function racingStore(): UserStore {
  let listener: ((u: UserRecord) => void) | undefined;
  return {
    get: async (id) => user(id),
    create: async () => user(9),
    listAfter: async (after) => {
      if (after > 0) return [];
      listener?.(user(3));
      listener?.(user(2));
      return [user(1), user(3)];
    },
    onChange: (l) => ((listener = l), () => (listener = undefined)),
    tokenSecret: async () => new Uint8Array(32),
    ping: async () => {},
    close: async () => {},
  };
}

test("WatchUsers: a user announced while the listing is read comes once, even with an id below the listing's last", async () => {
  const server = createServer().add(UserService, await createUserService({ store: racingStore() }));
  const port = await server.listen("127.0.0.1:0");
  const channel = createChannel(`127.0.0.1:${port}`);
  try {
    const ids: number[] = [];
    try {
      // A watch never ends by itself: the deadline ends it when a user fails to come.
      for await (const u of createClient(UserService, channel).watchUsers({}, { timeout: 5_000 })) {
        ids.push(u.id);
        if (ids.length === 3) break;
      }
    } catch {
      // the deadline: the assertion below says what was missing
    }
    assert.deepEqual(ids, [1, 3, 2], "the listing (1, 3), then user 2; user 3's announcement is not a second copy");
  } finally {
    channel.close();
    await server.shutdown(100);
  }
});
