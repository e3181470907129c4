import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";

/** A length-prefixed message: one flag byte (bit 0: compressed) and a 4-byte big-endian length, then the payload. */
export interface Envelope {
  compressed: boolean;
  /** Flag bit 7: a gRPC-Web trailers frame, not a message (in gRPC-Web responses only). */
  trailers: boolean;
  /** The flag byte as received: a message's is 0 or 1, anything else is refused (see decodeMessage). */
  flags: number;
  data: Uint8Array;
}

export const HEADER_SIZE = 5;

/** Writes the 5-byte prefix of a `length`-byte payload at `at`. */
export function writeEnvelopeHeader(out: Uint8Array, at: number, length: number, compressed: boolean): void {
  out[at] = compressed ? 1 : 0;
  out[at + 1] = length >>> 24;
  out[at + 2] = (length >>> 16) & 0xff;
  out[at + 3] = (length >>> 8) & 0xff;
  out[at + 4] = length & 0xff;
}

/** The 5-byte prefix and the payload, in one buffer (one write, one DATA frame when small). */
export function encodeEnvelope(data: Uint8Array, compressed = false): Uint8Array {
  const out = new Uint8Array(HEADER_SIZE + data.length);
  writeEnvelopeHeader(out, 0, data.length, compressed);
  out.set(data, HEADER_SIZE);
  return out;
}

/** The largest message a side sends, checked before it goes out. */
export function checkSendSize(size: number, max: number): void {
  if (size > max) throw new GrpcError(Status.RESOURCE_EXHAUSTED, `Response message larger than max (${size} vs. ${max})`);
}

/**
 * Splits a byte stream into envelopes. Chunk boundaries have nothing to do with message boundaries: a prefix or a
 * payload may arrive in pieces. A message longer than `maxLength` is refused from its prefix alone, before any of it
 * is buffered.
 */
export class EnvelopeReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;

  constructor(private readonly maxLength: number) {}

  /** Adds bytes; returns the envelopes now complete. Throws RESOURCE_EXHAUSTED for an oversized message. */
  push(chunk: Uint8Array): Envelope[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Envelope[] = [];
    for (;;) {
      if (this.buffered < HEADER_SIZE) return out;
      const head = this.peek(HEADER_SIZE);
      const length = ((head[1]! << 24) >>> 0) + (head[2]! << 16) + (head[3]! << 8) + head[4]!;
      if (length > this.maxLength) {
        throw new GrpcError(Status.RESOURCE_EXHAUSTED, `Received message larger than max (${length} vs. ${this.maxLength})`);
      }
      if (this.buffered < HEADER_SIZE + length) return out;
      const all = this.take(HEADER_SIZE + length);
      const flags = all[0]!;
      out.push({ compressed: (flags & 1) === 1, trailers: (flags & 0x80) !== 0, flags, data: all.subarray(HEADER_SIZE) });
    }
  }

  /** Bytes received that do not make a whole message yet (a stream that ends here was truncated). */
  get pending(): number {
    return this.buffered;
  }

  private peek(n: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.length >= n) return first;
    return this.concat(n);
  }

  private take(n: number): Uint8Array {
    const first = this.chunks[0]!;
    let out: Uint8Array;
    if (first.length === n) {
      out = first;
      this.chunks.shift();
    } else if (first.length > n) {
      out = first.subarray(0, n);
      this.chunks[0] = first.subarray(n);
    } else {
      out = this.concat(n);
      let left = n;
      while (left > 0) {
        const c = this.chunks[0]!;
        if (c.length <= left) {
          left -= c.length;
          this.chunks.shift();
        } else {
          this.chunks[0] = c.subarray(left);
          left = 0;
        }
      }
    }
    this.buffered -= n;
    return out;
  }

  /** The first `n` bytes as one array (copied once, only when they span chunks). */
  private concat(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let at = 0;
    for (const c of this.chunks) {
      const part = c.subarray(0, Math.min(c.length, n - at));
      out.set(part, at);
      at += part.length;
      if (at === n) break;
    }
    return out;
  }
}
