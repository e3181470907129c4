const MIN_CAPACITY = 16;
/**
 * Tables up to this many slots (12 KiB) never shrink: a client with 100 calls in flight whose answers come in a burst
 * empties and refills its table of streams again and again, and shrinking at each ebb cost it four reallocations a
 * round (47 bytes of allocation per call). Larger tables shrink once an eighth full, so a burst's table is given back.
 */
const SHRINK_ABOVE = 1024;

/**
 * Values by positive 31-bit integer id (stream ids, call numbers), for tables whose entries come and go once per call:
 * open addressing with linear probing over a typed array of ids, deleting by shifting the entries that follow back;
 * the table doubles when half full (and halves when an eighth full, see SHRINK_ABOVE).
 *
 * Not a Map or a Set, on purpose. When V8 rehashes a Map's or a Set's table after many deletions, the old table keeps
 * its entries and a pointer to the new one. Once one such table has been promoted to the old generation, every later
 * table, and every call in it, stays alive for the young-generation collector until the next full collection: on a
 * server under load that kept ~2.6 MB of finished calls alive at each scavenge and cut its throughput in half (seen
 * with `node --trace-gc-nvp`; see docs/ARCHITECTURE.md). Here a deleted entry is cleared at once and an outgrown table
 * links to nothing. (An object with integer keys has neither problem but costs five times a Map per operation.)
 */
export class IdMap<V> {
  /** The id in each slot; 0 marks an empty slot. */
  private ids = new Int32Array(0);
  private entries: (V | undefined)[] = [];
  /** The table's size less one (it is a power of two), and 32 less its number of bits (see `home`). */
  private mask = 0;
  private shift = 0;
  private count = 0;
  /**
   * A random odd multiplier for `home`, drawn per table: a peer cannot pick stream ids that all start their search in
   * one place (it chooses its ids, and collisions would make every lookup a scan of the table).
   */
  private readonly multiplier = (Math.random() * 2 ** 32) | 1;

  constructor() {
    this.allocate(MIN_CAPACITY);
  }

  get size(): number {
    return this.count;
  }

  get(id: number): V | undefined {
    const slot = this.find(id);
    return slot < 0 ? undefined : this.entries[slot];
  }

  has(id: number): boolean {
    return this.find(id) >= 0;
  }

  set(id: number, value: V): void {
    const { ids, mask } = this;
    let slot = this.home(id);
    while (ids[slot] !== 0) {
      if (ids[slot] === id) {
        this.entries[slot] = value;
        return;
      }
      slot = (slot + 1) & mask;
    }
    ids[slot] = id;
    this.entries[slot] = value;
    if (++this.count * 2 > ids.length) this.resize(ids.length * 2);
  }

  delete(id: number): boolean {
    let hole = this.find(id);
    if (hole < 0) return false;
    const { ids, entries, mask } = this;
    // Entries after the hole that probed past it move back into it, so that lookups never need tombstones.
    for (let next = (hole + 1) & mask; ids[next] !== 0; next = (next + 1) & mask) {
      const want = this.home(ids[next]!);
      // It moves unless its home lies in (hole, next], cyclically: then the hole is not on its probe path.
      const moves = hole <= next ? want <= hole || want > next : want <= hole && want > next;
      if (!moves) continue;
      ids[hole] = ids[next]!;
      entries[hole] = entries[next];
      hole = next;
    }
    ids[hole] = 0;
    entries[hole] = undefined;
    this.count--;
    if (ids.length > SHRINK_ABOVE && this.count * 8 < ids.length) this.resize(ids.length / 2);
    return true;
  }

  /** The values, in no particular order (a copy: the map may change while the caller goes through them). */
  values(): V[] {
    const out: V[] = [];
    for (let slot = 0; slot < this.ids.length; slot++) if (this.ids[slot] !== 0) out.push(this.entries[slot]!);
    return out;
  }

  clear(): void {
    this.allocate(MIN_CAPACITY);
    this.count = 0;
  }

  /** Where an id's search starts: the top bits of id × multiplier (multiply-shift hashing). */
  private home(id: number): number {
    return Math.imul(id, this.multiplier) >>> this.shift;
  }

  private find(id: number): number {
    const { ids, mask } = this;
    for (let slot = this.home(id); ids[slot] !== 0; slot = (slot + 1) & mask) if (ids[slot] === id) return slot;
    return -1;
  }

  /** Empty tables of `capacity` slots (a power of two). */
  private allocate(capacity: number): void {
    this.ids = new Int32Array(capacity);
    this.entries = new Array<V | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
  }

  private resize(capacity: number): void {
    const { ids, entries } = this;
    this.allocate(capacity);
    this.count = 0;
    for (let slot = 0; slot < ids.length; slot++) if (ids[slot] !== 0) this.set(ids[slot]!, entries[slot]!);
  }
}
