/** The last `limit` ids added, to tell whether one was seen lately (a set with the oldest entries dropped). */
export class RecentIds {
  private readonly ids = new Set<number>();

  constructor(private readonly limit: number) {}

  has(id: number): boolean {
    return this.ids.has(id);
  }

  add(id: number): void {
    this.ids.add(id);
    // A Set iterates in insertion order: its first entry is the oldest.
    if (this.ids.size > this.limit) this.ids.delete(this.ids.values().next().value!);
  }
}
