import { ErrorCode, Http2Error } from "../errors.js";
import { DynamicTable, entrySize } from "./dynamic-table.js";
import { huffmanDecode } from "./huffman.js";
import { STATIC_TABLE } from "./static-table.js";

/** A decoded header block: names and values alternating, as latin1 strings; `tooLarge` when it exceeded the limit. */
export interface HeaderBlock {
  fields: string[];
  /** The decoded list was larger than the limit: `fields` holds only what fit. */
  tooLarge: boolean;
}

const fail = (message: string) => new Http2Error(ErrorCode.COMPRESSION_ERROR, `HPACK: ${message}`);
/** No integer in a header block is larger (a larger one is an attack or garbage, not a header). */
const MAX_INTEGER = 2 ** 31 - 1;
/** Slots for recently decoded literal strings (a power of two), and the longest string kept in one. */
const RECENT_SLOTS = 16;
const MAX_RECENT_LENGTH = 128;

/** A literal string as it came (its bytes and whether Huffman-coded) and what it decoded to. */
interface RecentLiteral {
  huffman: boolean;
  bytes: Uint8Array;
  value: string;
}

/**
 * HPACK decoding (RFC 7541) with the dynamic table the peer's encoder fills. Any error leaves the table out of step
 * with the peer's, so it is a connection error (COMPRESSION_ERROR).
 */
export class HpackDecoder {
  private readonly table: DynamicTable;
  private pos = 0;
  private block: Uint8Array = new Uint8Array(0);
  /**
   * Literals a peer sends again and again without indexing them (nghttp2 never indexes `:path`, for one): a repeat of
   * recently decoded bytes costs a comparison instead of a Huffman decode and new strings.
   */
  private readonly recent: (RecentLiteral | undefined)[] = new Array(RECENT_SLOTS).fill(undefined);

  /** `maxTableSize` is our SETTINGS_HEADER_TABLE_SIZE: the largest table the peer may ask for. */
  constructor(private maxTableSize = 4096) {
    this.table = new DynamicTable(maxTableSize);
  }

  get tableSize(): number {
    return this.table.size;
  }

  /**
   * Decodes a whole header block. Past `maxListSize` (names, values and 32 octets per field) fields are no longer
   * kept, but the block is still decoded to the end so that the table stays in step.
   */
  decode(block: Uint8Array, maxListSize: number): HeaderBlock {
    this.block = block;
    this.pos = 0;
    const fields: string[] = [];
    let listSize = 0;
    let tooLarge = false;
    let fieldSeen = false;
    while (this.pos < block.length) {
      const byte = block[this.pos]!;
      let name: string;
      let value: string;
      if (byte & 0x80) {
        // Indexed field (6.1).
        const entry = this.entry(this.integer(7));
        name = entry[0];
        value = entry[1];
      } else if ((byte & 0xe0) === 0x20) {
        // Dynamic table size update (6.3): only before the first field of a block.
        if (fieldSeen) throw fail("a dynamic table size update after a header field");
        const size = this.integer(5);
        if (size > this.maxTableSize) throw fail(`a dynamic table size of ${size} is above the ${this.maxTableSize} allowed`);
        this.table.resize(size);
        continue;
      } else {
        // Literal field: with incremental indexing (6.2.1), without indexing (6.2.2) or never indexed (6.2.3).
        const indexing = (byte & 0xc0) === 0x40;
        const nameIndex = this.integer(indexing ? 6 : 4);
        name = nameIndex === 0 ? this.string() : this.entry(nameIndex)[0];
        value = this.string();
        if (indexing) this.table.add(name, value);
      }
      fieldSeen = true;
      if (tooLarge) continue;
      listSize += entrySize(name, value);
      if (listSize > maxListSize) tooLarge = true;
      else fields.push(name, value);
    }
    this.block = new Uint8Array(0);
    return { fields, tooLarge };
  }

  /** Sets the largest table the peer may ask for (after our SETTINGS with a new HEADER_TABLE_SIZE is acknowledged). */
  setMaxTableSize(size: number): void {
    this.maxTableSize = size;
    if (this.table.maxSize > size) this.table.resize(size);
  }

  private entry(index: number): [string, string] {
    if (index === 0) throw fail("index 0");
    if (index <= STATIC_TABLE.length) return STATIC_TABLE[index - 1] as [string, string];
    const entry = this.table.get(index - STATIC_TABLE.length);
    if (!entry) throw fail(`index ${index} is past the end of the table`);
    return entry;
  }

  /** An integer with an N-bit prefix (5.1). */
  private integer(prefixBits: number): number {
    const block = this.block;
    const max = (1 << prefixBits) - 1;
    let value = block[this.pos++]! & max;
    if (value < max) return value;
    let shift = 0;
    for (;;) {
      if (this.pos >= block.length) throw fail("an integer cut off by the end of the block");
      const byte = block[this.pos++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (value > MAX_INTEGER) throw fail("an integer too large");
      if ((byte & 0x80) === 0) return value;
      shift += 7;
    }
  }

  /** A string literal (5.2), plain or Huffman-encoded. */
  private string(): string {
    if (this.pos >= this.block.length) throw fail("a string cut off by the end of the block");
    const huffman = (this.block[this.pos]! & 0x80) !== 0;
    const length = this.integer(7);
    const start = this.pos;
    const end = start + length;
    if (end > this.block.length) throw fail("a string longer than the rest of the block");
    this.pos = end;
    const slot = length === 0 ? 0 : (length * 31 + this.block[start]! * 7 + this.block[end - 1]!) & (RECENT_SLOTS - 1);
    const seen = this.recent[slot];
    if (seen !== undefined && seen.huffman === huffman && sameBytes(seen.bytes, this.block, start, end)) return seen.value;
    const bytes = huffman ? huffmanDecode(this.block, start, end) : this.block.subarray(start, end);
    const value = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1");
    if (length <= MAX_RECENT_LENGTH) this.recent[slot] = { huffman, bytes: new Uint8Array(this.block.subarray(start, end)), value }; // a copy: the block is a view of socket data
    return value;
  }
}

/** Whether `block[start, end)` holds exactly `bytes`. */
function sameBytes(bytes: Uint8Array, block: Uint8Array, start: number, end: number): boolean {
  if (bytes.length !== end - start) return false;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== block[start + i]) return false;
  return true;
}
