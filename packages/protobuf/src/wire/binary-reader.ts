import { DecodeError } from "./decode-error.js";
import { decodeUtf8 } from "./utf8.js";
import { WireType } from "./wire-type.js";

/** How deep groups and nested messages may go before decoding stops (protobuf's own default). */
export const DEFAULT_RECURSION_LIMIT = 100;

/**
 * Reads the protobuf binary format from a byte array, in place. Every read checks bounds, so truncated or hostile
 * input ends in a DecodeError, never a read past the end or an endless loop.
 */
export class BinaryReader {
  pos: number;
  /** The end of the current length-delimited scope. */
  end: number;
  /** How many more levels of nesting are allowed. */
  depthLeft: number;
  private view: DataView | undefined;

  readonly buf: Uint8Array;

  constructor(input: Uint8Array, start = 0, end = input.length, recursionLimit = DEFAULT_RECURSION_LIMIT) {
    // A plain Uint8Array view, even over a Node Buffer: Buffer#slice does not copy, and decoded bytes must not
    // alias the input (nor be Buffers).
    this.buf = input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    this.pos = start;
    this.end = end;
    this.depthLeft = recursionLimit;
  }

  private dataView(): DataView {
    return (this.view ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength));
  }

  /** Reads a tag; returns `fieldNo << 3 | wireType` as an unsigned number. */
  tag(): number {
    const start = this.pos;
    const tag = this.uint32();
    // protoc reads a tag in at most 5 bytes (bits past 32 wrap) and fails on a longer one; so does this reader.
    if (this.pos - start > 5) throw new DecodeError(`a tag longer than 5 bytes at byte ${start}`);
    if (tag >>> 3 === 0) throw new DecodeError(`invalid field number 0 at byte ${this.pos}`);
    return tag;
  }

  /** A varint truncated to its low 32 bits, unsigned. Rejects varints longer than 10 bytes. */
  uint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos + 5 > this.end) return this.uint32Slow();
    // Unrolled: most varints are one or two bytes, and none of the first five reads needs a bounds check.
    let b = buf[pos++]!;
    let v = b & 0x7f;
    if (b < 0x80) {
      this.pos = pos;
      return v;
    }
    b = buf[pos++]!;
    v |= (b & 0x7f) << 7;
    if (b < 0x80) {
      this.pos = pos;
      return v;
    }
    b = buf[pos++]!;
    v |= (b & 0x7f) << 14;
    if (b < 0x80) {
      this.pos = pos;
      return v;
    }
    b = buf[pos++]!;
    v |= (b & 0x7f) << 21;
    if (b < 0x80) {
      this.pos = pos;
      return v;
    }
    b = buf[pos++]!;
    v |= (b & 0x0f) << 28;
    if (b < 0x80) {
      this.pos = pos;
      return v >>> 0;
    }
    // Bytes six to ten of a sign-extended negative number carry nothing for 32 bits: skip them.
    this.pos = pos;
    return this.skipVarintTail(v >>> 0);
  }

  private skipVarintTail(value: number): number {
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) throw new DecodeError("truncated varint");
      if (this.buf[this.pos++]! < 0x80) return value;
    }
    throw new DecodeError("varint longer than 10 bytes");
  }

  private uint32Slow(): number {
    const buf = this.buf;
    let pos = this.pos;
    let result = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (pos >= this.end) throw new DecodeError("truncated varint");
      const b = buf[pos++]!;
      if (shift < 32) result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return result >>> 0;
      }
    }
    throw new DecodeError("varint longer than 10 bytes");
  }

  int32(): number {
    return this.uint32() | 0;
  }

  sint32(): number {
    const n = this.uint32();
    return (n >>> 1) ^ -(n & 1);
  }

  bool(): boolean {
    return this.varint64Lo() !== 0 || this.lastHi !== 0;
  }

  /** Set by varint64Lo: the high 32 bits of the varint just read. */
  private lastHi = 0;

  /** Reads a full 64-bit varint; returns the low 32 bits (unsigned) and leaves the high 32 bits in `lastHi`. */
  private varint64Lo(): number {
    const buf = this.buf;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (;;) {
      if (pos >= this.end) throw new DecodeError("truncated varint");
      const b = buf[pos++]!;
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else if (shift < 63) hi |= (b & 0x7f) << (shift - 32);
      else if (shift === 63) hi |= (b & 0x01) << 31;
      if (b < 0x80) break;
      shift += 7;
      if (shift >= 70) throw new DecodeError("varint longer than 10 bytes");
    }
    this.pos = pos;
    this.lastHi = hi >>> 0;
    return lo >>> 0;
  }

  uint64(): bigint {
    const lo = this.varint64Lo();
    const hi = this.lastHi;
    return hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo);
  }

  int64(): bigint {
    const lo = this.varint64Lo();
    const hi = this.lastHi;
    if (hi === 0) return BigInt(lo);
    return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
  }

  sint64(): bigint {
    const n = this.uint64();
    return (n >> 1n) ^ -(n & 1n);
  }

  private need(n: number): number {
    const pos = this.pos;
    if (pos + n > this.end) throw new DecodeError(`truncated: needed ${n} bytes at byte ${pos}`);
    this.pos = pos + n;
    return pos;
  }

  fixed32(): number {
    return this.dataView().getUint32(this.need(4), true);
  }

  sfixed32(): number {
    return this.dataView().getInt32(this.need(4), true);
  }

  fixed64(): bigint {
    return this.dataView().getBigUint64(this.need(8), true);
  }

  sfixed64(): bigint {
    return this.dataView().getBigInt64(this.need(8), true);
  }

  float(): number {
    return this.dataView().getFloat32(this.need(4), true);
  }

  double(): number {
    return this.dataView().getFloat64(this.need(8), true);
  }

  /** The length of a length-delimited field, checked against the bytes that remain. */
  length(): number {
    const start = this.pos;
    const len = this.uint32();
    // protoc reads a length in at most 5 bytes and fails on a longer one; so does this reader.
    if (this.pos - start > 5) throw new DecodeError(`a length longer than 5 bytes at byte ${start}`);
    if (len > this.end - this.pos) throw new DecodeError(`length ${len} runs past the end of the input at byte ${this.pos}`);
    return len;
  }

  /** A copy of the next length-delimited bytes (a copy, so that messages never pin the input buffer). */
  bytes(): Uint8Array {
    const len = this.length();
    const start = this.pos;
    this.pos = start + len;
    return this.buf.slice(start, start + len);
  }

  string(strict = true): string {
    const len = this.length();
    const start = this.pos;
    this.pos = start + len;
    return decodeUtf8(this.buf, start, start + len, strict);
  }

  /** Enters a nested message of `len` bytes; returns the end to restore with `leave`. */
  enter(len: number): number {
    if (--this.depthLeft < 0) throw new DecodeError("message nesting deeper than the recursion limit");
    const outer = this.end;
    this.end = this.pos + len;
    return outer;
  }

  leave(outerEnd: number): void {
    if (this.pos !== this.end) throw new DecodeError("nested message ended inside a field");
    this.end = outerEnd;
    this.depthLeft++;
  }

  /**
   * Skips the value of a field whose tag was just read.
   * A group is skipped to its matching end tag.
   */
  skip(wireType: number, fieldNo: number): void {
    switch (wireType) {
      case WireType.Varint:
        this.varint64Lo();
        return;
      case WireType.Bit64:
        this.need(8);
        return;
      case WireType.Bit32:
        this.need(4);
        return;
      case WireType.LengthDelimited: {
        const len = this.length(); // read first: it moves pos past the length varint
        this.pos += len;
        return;
      }
      case WireType.StartGroup:
        this.skipGroup(fieldNo);
        return;
      default:
        throw new DecodeError(`invalid wire type ${wireType} for field ${fieldNo}`);
    }
  }

  /** Skips to just past the end-group tag of group `fieldNo`. */
  skipGroup(fieldNo: number): void {
    if (--this.depthLeft < 0) throw new DecodeError("group nesting deeper than the recursion limit");
    for (;;) {
      if (this.pos >= this.end) throw new DecodeError(`group ${fieldNo} is missing its end tag`);
      const tag = this.tag();
      const wt = tag & 7;
      if (wt === WireType.EndGroup) {
        if (tag >>> 3 !== fieldNo) throw new DecodeError(`end-group tag ${tag >>> 3} does not match group ${fieldNo}`);
        break;
      }
      this.skip(wt, tag >>> 3);
    }
    this.depthLeft++;
  }
}
