import { test } from "node:test";
import assert from "node:assert/strict";
import { GrpcError, Status } from "@tsgrpc/grpc";
import { ChatRoom } from "../src/chat-room.js";
import { startApp } from "./helpers.js";

const USERS = 12_000;

test("WatchUsers: a watcher that stops reading is ended with RESOURCE_EXHAUSTED; writers and other watchers never wait for it", { timeout: 60_000 }, async () => {
  const { client, stop } = await startApp({ watchBacklog: 256 });
  try {
    const slow = client.watchUsers({})[Symbol.asyncIterator]();
    assert.equal((await slow.next()).value?.username, "alice");
    let fastCount = 0;
    const fast = (async () => {
      for await (const u of client.watchUsers({})) if (++fastCount === 2 + USERS && u.username === `late${USERS - 1}`) return;
    })();
    // Far more than the HTTP/2 windows (256 KiB per stream on tsgrpc's engine) and the slow watcher's backlog hold,
    // created while it reads nothing: about 45 bytes a user.
    for (let batch = 0; batch < USERS / 100; batch++) {
      const requests = Array.from({ length: 100 }, (_, i) => ({ username: `late${batch * 100 + i}`, email: `late${batch * 100 + i}@example.com` }));
      assert.equal((await client.bulkCreateUsers(requests, { timeout: 20_000 })).createdCount, 100);
    }
    await fast;
    assert.equal(fastCount, 2 + USERS);
    let read = 1;
    const outcome = await (async () => {
      for (let r = await slow.next(); !r.done; r = await slow.next()) read++;
      return "ended without an error";
    })().catch((e: GrpcError) => e);
    assert.ok(outcome instanceof GrpcError && outcome.code === Status.RESOURCE_EXHAUSTED, String(outcome));
    assert.ok(read < 2 + USERS, `the slow watcher read ${read}`);
  } finally {
    await stop();
  }
});

test("ChatRoom: a participant that stops reading is dropped after its backlog; the others get every message", async () => {
  const room = new ChatRoom(8);
  const never = new AbortController().signal;
  const reader = room.join("reader");
  const got: string[] = [];
  const read = async () => {
    while (reader.inbox.size) got.push((await reader.inbox.take(never)).value!.message.text);
  };
  await read();
  const stalled = room.join("stalled");
  for (let i = 0; i < 20; i++) {
    room.say(reader, `m${i}`);
    await read();
  }
  assert.equal(room.size, 1);
  assert.deepEqual(got, ["reader joined", "stalled joined", ...Array.from({ length: 20 }, (_, i) => `m${i}`)]);
  await assert.rejects(stalled.inbox.take(never), (e: GrpcError) => e.code === Status.RESOURCE_EXHAUSTED);
  room.leave(stalled); // already gone: no "left" message
  assert.equal(reader.inbox.size, 0);
});
