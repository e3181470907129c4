import { allocBytes } from "./alloc-bytes.js";
import { utf8Length, writeUtf8 } from "./utf8.js";

/**
 * Writes the protobuf binary format into one growing buffer. A length-delimited field is written by reserving one
 * byte for its length (`fork`), writing the contents, and fixing the length up (`join`): when the contents took 128
 * bytes or more, they are moved up to make room for the longer varint. That keeps encoding to a single pass with no
 * size precomputation and no intermediate buffers.
 */
export class BinaryWriter {
  buf: Uint8Array;
  pos = 0;
  private view: DataView;

  constructor(initialSize = 256) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  /** Makes room for `n` more bytes. (Small enough to be inlined into every write; growing is out of line.) */
  ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  private grow(n: number): void {
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** The bytes written so far, as a fresh array of exactly that length. */
  finish(): Uint8Array {
    const out = allocBytes(this.pos);
    out.set(this.buf.subarray(0, this.pos));
    return out;
  }

  /**
   * The bytes written so far, without a copy, for callers that hand them on and never touch them again (a network
   * write). The writer goes on in the rest of its buffer while at least `minRoom` bytes are left there, and in a new
   * buffer of `nextSize` bytes after that, so that many small takes share one allocation.
   */
  take(minRoom: number, nextSize: number): Uint8Array {
    const out = this.buf.subarray(0, this.pos);
    const rest = this.buf.subarray(this.pos);
    this.buf = rest.length >= minRoom ? rest : new Uint8Array(nextSize);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.pos = 0;
    return out;
  }

  /** Starts over, keeping the buffer (for writers that are reused). */
  reset(): this {
    this.pos = 0;
    return this;
  }

  private static spare: BinaryWriter | undefined;

  /**
   * Encodes with a reused writer: `write` fills it, and the result is copied out. The writer is taken out of the pool
   * while in use, so that a nested call (an encoder that encodes something else) gets a writer of its own.
   */
  static encodeWith(write: (w: BinaryWriter) => void): Uint8Array {
    const w = BinaryWriter.spare ?? new BinaryWriter(1024);
    BinaryWriter.spare = undefined;
    try {
      write(w.reset());
      return w.finish();
    } finally {
      // Keep it for next time unless one large message grew it: memory is not held for the rare giant.
      if (w.buf.length <= 1 << 20) BinaryWriter.spare = w;
    }
  }

  tag(fieldNo: number, wireType: number): this {
    return this.uint32(((fieldNo << 3) | wireType) >>> 0);
  }

  uint32(n: number): this {
    this.ensure(5);
    const buf = this.buf;
    let pos = this.pos;
    n >>>= 0;
    while (n > 0x7f) {
      buf[pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[pos++] = n;
    this.pos = pos;
    return this;
  }

  /** int32 and enum values: negative numbers take 10 bytes, sign-extended to 64 bits. */
  int32(n: number): this {
    if (n >= 0) return this.uint32(n);
    return this.varint64(n >>> 0, 0xffffffff);
  }

  sint32(n: number): this {
    return this.uint32((n << 1) ^ (n >> 31));
  }

  bool(b: boolean): this {
    this.ensure(1);
    this.buf[this.pos++] = b ? 1 : 0;
    return this;
  }

  /** A varint from its low and high 32-bit halves (both taken as unsigned). */
  varint64(lo: number, hi: number): this {
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    lo >>>= 0;
    hi >>>= 0;
    while (hi > 0 || lo > 0x7f) {
      buf[pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    buf[pos++] = lo;
    this.pos = pos;
    return this;
  }

  /** int64 and uint64 (a negative value is written as its two's complement, as protobuf does). */
  int64(v: bigint): this {
    const u = BigInt.asUintN(64, v);
    return this.varint64(Number(u & 0xffffffffn), Number(u >> 32n));
  }

  uint64(v: bigint): this {
    return this.int64(v);
  }

  sint64(v: bigint): this {
    const s = BigInt.asIntN(64, v);
    return this.int64((s << 1n) ^ (s >> 63n));
  }

  fixed32(n: number): this {
    this.ensure(4);
    this.view.setUint32(this.pos, n >>> 0, true);
    this.pos += 4;
    return this;
  }

  sfixed32(n: number): this {
    this.ensure(4);
    this.view.setInt32(this.pos, n | 0, true);
    this.pos += 4;
    return this;
  }

  fixed64(v: bigint): this {
    this.ensure(8);
    this.view.setBigUint64(this.pos, BigInt.asUintN(64, v), true);
    this.pos += 8;
    return this;
  }

  sfixed64(v: bigint): this {
    this.ensure(8);
    this.view.setBigInt64(this.pos, BigInt.asIntN(64, v), true);
    this.pos += 8;
    return this;
  }

  float(n: number): this {
    this.ensure(4);
    this.view.setFloat32(this.pos, n, true);
    this.pos += 4;
    return this;
  }

  double(n: number): this {
    this.ensure(8);
    this.view.setFloat64(this.pos, n, true);
    this.pos += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.uint32(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** Raw bytes with no length prefix (unknown fields, pre-encoded messages). */
  raw(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  string(s: string): this {
    const max = s.length * 3;
    if (max < 128) {
      this.ensure(max + 1);
      const start = this.pos;
      const end = writeUtf8(s, this.buf, start + 1);
      this.buf[start] = end - start - 1;
      this.pos = end;
      return this;
    }
    const len = utf8Length(s);
    this.uint32(len);
    this.ensure(max);
    this.pos = writeUtf8(s, this.buf, this.pos);
    return this;
  }

  /** Starts a length-delimited field: reserves one byte for the length. Returns the mark to pass to `join`. */
  fork(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Ends the length-delimited field started at `mark`, writing its length. */
  join(mark: number): this {
    const len = this.pos - mark - 1;
    if (len < 0x80) {
      this.buf[mark] = len;
      return this;
    }
    let size = 1;
    for (let n = len >>> 7; n > 0; n >>>= 7) size++;
    this.ensure(size - 1);
    const buf = this.buf;
    buf.copyWithin(mark + size, mark + 1, this.pos);
    let n = len;
    let pos = mark;
    while (n > 0x7f) {
      buf[pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[pos] = n;
    this.pos += size - 1;
    return this;
  }
}
