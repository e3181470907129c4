import { test } from "node:test";
import assert from "node:assert/strict";
import { UserStatus } from "../src/gen/user_service_pb.js";
import type { UserRecord } from "../src/store.js";
import { BoundedQueue } from "../src/bounded-queue.js";
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

test("UserFeed: a burst goes at the pace of a subscriber that keeps up: it waits for room in its backlog instead of overflowing it", async () => {
  const BURST = 20 * FEED_CHUNK;
  let committed = 0;
  const feed = new UserFeed(async (after, limit) => Array.from({ length: Math.max(0, Math.min(limit, committed - after)) }, (_, i) => user(after + i + 1)), 0);
  const backlog = new BoundedQueue<UserRecord>(2 * FEED_CHUNK + 24, () => new Error("overflowed"));
  feed.subscribe((u) => backlog.push(u), () => backlog.whenRoomFor(FEED_CHUNK));
  committed = BURST;
  feed.wake();
  // A steady reader: one user per turn of the event loop, far slower than the feed could read without pacing.
  const never = new AbortController().signal;
  let last = 0;
  while (last < BURST) {
    last = (await backlog.take(never)).value!.id;
    await new Promise((r) => setImmediate(r));
  }
  feed.stop();
  assert.equal(last, BURST, "every user, without overflowing");
});
