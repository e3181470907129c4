import { IdMap } from "./id-map.js";

/**
 * The last `capacity` stream ids added, for membership tests (streams recently reset or closed, whose late frames are
 * expected). A ring remembers the order, so forgetting the oldest costs O(1); evicting from the front of a Set made
 * V8 skip every earlier deletion's hole, a cost that showed on every closed stream (and see IdMap for why not a Set).
 */
export class RecentIds {
  private readonly ring: Int32Array;
  private next = 0;
  private readonly ids = new IdMap<true>();

  constructor(readonly capacity: number) {
    this.ring = new Int32Array(capacity); // stream ids are below 2^31; 0 (never a stream's id) marks an empty slot
  }

  add(id: number): void {
    if (this.ids.has(id)) return;
    const oldest = this.ring[this.next]!;
    if (oldest !== 0) this.ids.delete(oldest);
    this.ring[this.next] = id;
    this.ids.set(id, true);
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
  }

  has(id: number): boolean {
    return this.ids.has(id);
  }

  get size(): number {
    return this.ids.size;
  }
}
