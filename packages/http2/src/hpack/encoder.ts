import { DynamicTable, entrySize } from "./dynamic-table.js";
import { huffmanEncode, huffmanLength } from "./huffman.js";
import { STATIC_FULL, STATIC_NAME, STATIC_TABLE } from "./static-table.js";

/** Fields whose values are secrets: never indexed, so that no intermediary may compress them (RFC 7541 7.1.3). */
const NEVER_INDEXED = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie"]);
/** Values that change with nearly every message would only churn the table. */
const NOT_INDEXED = new Set(["content-length", "date", "etag", "grpc-message", "grpc-status-details-bin", "grpc-timeout", "if-modified-since", "last-modified", "location", ":path"]);
/** Longer values are sent literally: indexing them would evict everything else for little gain. */
const MAX_INDEXED_SIZE = 512;

/**
 * HPACK encoding (RFC 7541): fields already in the static or dynamic table are sent as one index; the others as
 * literals, Huffman-coded when that is shorter, and added to the dynamic table when they are likely to repeat.
 */
export class HpackEncoder {
  private readonly table: DynamicTable;
  /** Insertion number of each entry in the dynamic table, by name then value, and by name (the newest). */
  private readonly full = new Map<string, Map<string, number>>();
  private readonly names = new Map<string, number>();
  /** The smallest and the last table size set since the last block: signalled at the start of the next one (4.2). */
  private sizeUpdate: { min: number; last: number } | undefined;
  private out = Buffer.allocUnsafe(4096);
  private pos = 0;

  constructor(maxTableSize = 4096) {
    this.table = new DynamicTable(maxTableSize);
  }

  /** The peer's SETTINGS_HEADER_TABLE_SIZE changed: use at most that much table from the next block on. */
  setMaxTableSize(size: number): void {
    if (size === this.table.maxSize && !this.sizeUpdate) return;
    this.sizeUpdate = { min: Math.min(size, this.sizeUpdate?.min ?? size), last: size };
    this.table.resize(size, this.evicted);
  }

  /** Encodes one header block: `fields` holds names (lower case) and values alternating. */
  encode(fields: readonly string[]): Buffer {
    return Buffer.from(this.encodeView(fields));
  }

  /**
   * The same block as a view of the encoder's own buffer, valid until its next call: for a caller that copies it at
   * once. Only the first `count` entries of `fields` are encoded.
   */
  encodeView(fields: readonly string[], count = fields.length): Uint8Array {
    this.pos = 0;
    if (this.sizeUpdate) {
      const { min, last } = this.sizeUpdate;
      if (min < last) this.integer(min, 5, 0x20);
      this.integer(last, 5, 0x20);
      this.sizeUpdate = undefined;
    }
    for (let i = 0; i < count; i += 2) this.field(fields[i]!, fields[i + 1]!);
    return this.out.subarray(0, this.pos);
  }

  private field(name: string, value: string): void {
    const fullIndex = STATIC_FULL.get(name)?.get(value) ?? this.dynamicIndex(this.full.get(name)?.get(value));
    if (fullIndex !== undefined) return this.integer(fullIndex, 7, 0x80);
    const nameIndex = STATIC_NAME.get(name) ?? this.dynamicIndex(this.names.get(name)) ?? 0;
    if (NEVER_INDEXED.has(name)) this.integer(nameIndex, 4, 0x10);
    else if (NOT_INDEXED.has(name) || entrySize(name, value) > MAX_INDEXED_SIZE) this.integer(nameIndex, 4, 0x00);
    else {
      this.integer(nameIndex, 6, 0x40);
      this.table.add(name, value, this.evicted);
      if (this.table.get(1)?.[0] === name && this.table.get(1)?.[1] === value) {
        let values = this.full.get(name);
        if (!values) this.full.set(name, (values = new Map()));
        values.set(value, this.table.inserted);
        this.names.set(name, this.table.inserted);
      }
    }
    if (nameIndex === 0) this.string(name);
    this.string(value);
  }

  private readonly evicted = (insertion: number, name: string, value: string) => {
    const values = this.full.get(name);
    if (values?.get(value) === insertion) values.delete(value);
    if (this.names.get(name) === insertion) this.names.delete(name);
  };

  private dynamicIndex(insertion: number | undefined): number | undefined {
    return insertion === undefined ? undefined : STATIC_TABLE.length + this.table.inserted - insertion + 1;
  }

  private room(n: number): void {
    if (this.pos + n <= this.out.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.pos + n));
    this.out.copy(bigger, 0, 0, this.pos);
    this.out = bigger;
  }

  /** An integer with an N-bit prefix (5.1), the prefix's other bits set to `flags`. */
  private integer(value: number, prefixBits: number, flags: number): void {
    this.room(6);
    const max = (1 << prefixBits) - 1;
    if (value < max) {
      this.out[this.pos++] = flags | value;
      return;
    }
    this.out[this.pos++] = flags | max;
    value -= max;
    while (value >= 0x80) {
      this.out[this.pos++] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 128);
    }
    this.out[this.pos++] = value;
  }

  private string(text: string): void {
    const bytes = Buffer.from(text, "latin1");
    const huffman = huffmanLength(bytes);
    if (huffman < bytes.length) {
      this.integer(huffman, 7, 0x80);
      this.room(huffman);
      this.pos = huffmanEncode(bytes, this.out, this.pos);
    } else {
      this.integer(bytes.length, 7, 0x00);
      this.room(bytes.length);
      this.out.set(bytes, this.pos);
      this.pos += bytes.length;
    }
  }
}
