import { test } from "node:test";
import assert from "node:assert/strict";
import { RecentIds } from "../src/recent-ids.js";

test("RecentIds keeps the last `capacity` ids, forgets the oldest first, and counts a repeat once", () => {
  const ids = new RecentIds(3);
  for (const id of [1, 3, 5]) ids.add(id);
  assert.deepEqual([1, 3, 5, 7].map((id) => ids.has(id)), [true, true, true, false]);
  ids.add(3); // already there: nothing is evicted for it
  ids.add(7);
  assert.deepEqual([1, 3, 5, 7].map((id) => ids.has(id)), [false, true, true, true]);
  for (let id = 9; id < 2009; id += 2) ids.add(id);
  assert.equal(ids.size, 3);
  assert.deepEqual([2003, 2005, 2007, 2001].map((id) => ids.has(id)), [true, true, true, false]);
  ids.add(2 ** 31 - 1);
  assert.ok(ids.has(2 ** 31 - 1));
});
