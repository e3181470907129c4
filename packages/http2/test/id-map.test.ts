import { test } from "node:test";
import assert from "node:assert/strict";
import { IdMap } from "../src/id-map.js";

/** A small deterministic random source (xorshift32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Runs `steps` random operations on an IdMap and a Map side by side and checks they always agree. */
function compareWithMap(seed: number, steps: number, nextId: (r: () => number, step: number) => number): void {
  const r = random(seed);
  const ours = new IdMap<string>();
  const reference = new Map<number, string>();
  for (let step = 0; step < steps; step++) {
    const id = nextId(r, step);
    const op = r();
    if (op < 0.45) {
      ours.set(id, `v${step}`);
      reference.set(id, `v${step}`);
    } else if (op < 0.85) {
      assert.equal(ours.delete(id), reference.delete(id), `delete ${id} at step ${step}`);
    } else {
      assert.equal(ours.get(id), reference.get(id), `get ${id} at step ${step}`);
      assert.equal(ours.has(id), reference.has(id));
    }
    assert.equal(ours.size, reference.size);
  }
  assert.deepEqual(ours.values().sort(), [...reference.values()].sort());
  for (const id of reference.keys()) assert.equal(ours.get(id), reference.get(id));
}

test("IdMap agrees with a Map under random sets and deletes (dense ids: many collisions and backward shifts)", () => {
  for (let seed = 1; seed <= 20; seed++) compareWithMap(seed, 5000, (r) => 1 + Math.floor(r() * 200));
});

test("IdMap finds every entry after each delete in its smallest table, where runs of entries wrap around its end", () => {
  const r = random(41);
  for (let round = 0; round < 20_000; round++) {
    const map = new IdMap<number>();
    const ids = Array.from({ length: 7 }, () => 1 + Math.floor(r() * (2 ** 31 - 2)));
    for (const id of ids) map.set(id, id);
    while (ids.length > 0) {
      const [gone] = ids.splice(Math.floor(r() * ids.length), 1);
      map.delete(gone!);
      for (const id of ids) assert.equal(map.get(id), id, `round ${round}: ${id} lost after deleting ${gone}`);
    }
  }
});

test("IdMap agrees with a Map for ids spread over the whole 31-bit range", () => {
  for (let seed = 21; seed <= 30; seed++) compareWithMap(seed, 5000, (r) => 1 + Math.floor(r() * (2 ** 31 - 2)));
});

test("IdMap agrees with a Map for a sliding window of odd stream ids (how a connection uses it)", () => {
  compareWithMap(31, 20000, (r, step) => 2 * Math.max(0, step - Math.floor(r() * 300)) + 1);
});

test("IdMap grows past many entries, shrinks back as they go, and clear empties it", () => {
  const map = new IdMap<number>();
  for (let id = 1; id <= 10_000; id++) map.set(id, id * 2);
  assert.equal(map.size, 10_000);
  assert.equal(map.get(7777), 15554);
  for (let id = 1; id <= 9_990; id++) assert.ok(map.delete(id));
  assert.equal(map.size, 10);
  assert.deepEqual(map.values().sort((a, b) => a - b), [19982, 19984, 19986, 19988, 19990, 19992, 19994, 19996, 19998, 20000]);
  assert.equal(map.get(5), undefined);
  assert.equal(map.delete(5), false);
  map.set(2 ** 31 - 1, 1);
  assert.equal(map.get(2 ** 31 - 1), 1);
  map.clear();
  assert.equal(map.size, 0);
  assert.deepEqual(map.values(), []);
  assert.equal(map.get(10_000), undefined);
});
