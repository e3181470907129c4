/** An entry's size counts its name and value octets plus 32 (RFC 7541 4.1). */
export const entrySize = (name: string, value: string) => name.length + value.length + 32;

/**
 * HPACK's dynamic table (RFC 7541 2.3.2, 4): newest first, evicted oldest first to stay within its maximum size.
 * Names and values are octets held as latin1 strings, so a string's length is its size.
 */
export class DynamicTable {
  /** Oldest first; index 1 is the last element. */
  private readonly entries: [string, string][] = [];
  size = 0;
  /** Entries ever added: the insertion number of the newest entry. */
  inserted = 0;

  constructor(public maxSize: number) {}

  get length(): number {
    return this.entries.length;
  }

  /** The entry at dynamic index `index` (1 = newest), or undefined. */
  get(index: number): [string, string] | undefined {
    return this.entries[this.entries.length - index];
  }

  /** Adds an entry, evicting what it takes; an entry larger than the table empties it and is not added (4.4). */
  add(name: string, value: string, onEvict?: (insertion: number, name: string, value: string) => void): void {
    const size = entrySize(name, value);
    this.evictTo(this.maxSize - size, onEvict);
    this.inserted++;
    if (size > this.maxSize) return;
    this.entries.push([name, value]);
    this.size += size;
  }

  resize(maxSize: number, onEvict?: (insertion: number, name: string, value: string) => void): void {
    this.maxSize = maxSize;
    this.evictTo(maxSize, onEvict);
  }

  private evictTo(limit: number, onEvict?: (insertion: number, name: string, value: string) => void): void {
    while (this.size > limit && this.entries.length > 0) {
      const [name, value] = this.entries.shift()!;
      this.size -= entrySize(name, value);
      onEvict?.(this.inserted - this.entries.length, name, value);
    }
  }
}
