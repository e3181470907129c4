// The queue between the store's events and one client stream: a consumer's abort ends its wait, every time.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BoundedQueue } from "../src/bounded-queue.js";

test("BoundedQueue: an abort rejects the wait in progress with the signal's reason, after many waits on the same signal; items still come in order", async () => {
  const queue = new BoundedQueue<number>(4, () => new Error("overflow"));
  const controller = new AbortController();
  for (let i = 0; i < 1000; i++) {
    const next = queue.take(controller.signal);
    queue.push(i);
    assert.deepEqual(await next, { value: i, done: false });
  }
  const waiting = queue.take(controller.signal);
  controller.abort(new Error("client went away"));
  await assert.rejects(waiting, /client went away/);
  await assert.rejects(queue.take(controller.signal), /client went away/);
  // A consumer with a signal of its own (say, a resumed stream) is served, and the old signal no longer reaches it.
  const other = new AbortController();
  const next = queue.take(other.signal);
  queue.push(7);
  assert.deepEqual(await next, { value: 7, done: false });
  const last = queue.take(other.signal);
  other.abort(new Error("second consumer gone"));
  await assert.rejects(last, /second consumer gone/);
});
