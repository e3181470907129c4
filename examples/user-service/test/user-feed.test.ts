import { test } from "node:test";
import assert from "node:assert/strict";
import { UserStatus } from "../src/gen/user_service_pb.js";
import type { UserRecord } from "../src/store.js";
import { FEED_CHUNK, UserFeed } from "../src/user-events.js";

const user = (id: number): UserRecord => ({ id, username: `u${id}`, email: `u${id}@example.com`, roles: ["user"], status: UserStatus.ACTIVE });

test("UserFeed: a burst is read in chunks of FEED_CHUNK from the cursor, each user delivered once, in id order; wakes during a read coalesce", async () => {
  let committed = 3;
  const limits: number[] = [];
  const feed = new UserFeed(async (after, limit) => {
    limits.push(limit);
    const users: UserRecord[] = [];
    for (let id = after + 1; id <= committed && users.length < limit; id++) users.push(user(id));
    return users;
  }, 3);
  const heard: number[] = [];
  let done: () => void;
  const all = new Promise<void>((r) => (done = r));
  feed.subscribe((u) => {
    heard.push(u.id);
    if (u.id === 10_003) done();
  });
  committed = 10_003; // 10,000 users committed at once, and as many notifications
  for (let i = 0; i < 10_000; i++) feed.wake();
  await all;
  feed.stop();
  assert.deepEqual(heard, Array.from({ length: 10_000 }, (_, i) => i + 4));
  assert.ok(limits.every((l) => l === FEED_CHUNK), "every read is bounded");
  assert.ok(limits.length <= Math.ceil(10_000 / FEED_CHUNK) + 2, `${limits.length} reads for 10,000 users and 10,000 wakes`);
});
