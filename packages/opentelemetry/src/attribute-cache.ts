import type { Attributes } from "@opentelemetry/api";

/**
 * Attribute sets by key: those of metrics and spans repeat call after call (a few methods, targets and statuses), so
 * each is made once instead of per call. Past `limit` keys (a key space larger than expected) it makes them without
 * keeping them.
 */
export class AttributeCache {
  private readonly kept = new Map<string, Attributes>();

  constructor(private readonly limit = 1000) {}

  get(key: string, make: () => Attributes): Attributes {
    let attributes = this.kept.get(key);
    if (attributes === undefined) {
      attributes = make();
      if (this.kept.size < this.limit) this.kept.set(key, attributes);
    }
    return attributes;
  }
}
