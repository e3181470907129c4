import { DecodeError } from "./decode-error.js";

const fatalDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
const encoder = new TextEncoder();

/**
 * Decodes UTF-8. Short ASCII runs are decoded inline (TextDecoder's per-call cost dominates for the short strings
 * protobuf messages are full of); anything else goes to TextDecoder. With `strict`, invalid UTF-8 is a DecodeError
 * (proto3 requires valid UTF-8); otherwise it is replaced with U+FFFD.
 */
export function decodeUtf8(buf: Uint8Array, start: number, end: number, strict: boolean): string {
  if (end - start < 32) {
    let s = "";
    let i = start;
    for (; i < end; i++) {
      const c = buf[i]!;
      if (c >= 0x80) break;
      s += String.fromCharCode(c);
    }
    if (i === end) return s;
  }
  const bytes = buf.subarray(start, end);
  if (!strict) return lenientDecoder.decode(bytes);
  try {
    return fatalDecoder.decode(bytes);
  } catch {
    throw new DecodeError("invalid UTF-8 in a string field");
  }
}

/** The number of bytes `s` takes as UTF-8 (lone surrogates count as U+FFFD, as TextEncoder writes them). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        n += 4;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** Writes `s` as UTF-8 at `pos`; returns the position after it. `buf` must have room for 3 bytes per UTF-16 unit. */
export function writeUtf8(s: string, buf: Uint8Array, pos: number): number {
  const n = s.length;
  if (n < 64) {
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[pos++] = c;
    }
    if (i === n) return pos;
    return pos + encoder.encodeInto(s.slice(i), buf.subarray(pos)).written;
  }
  return pos + encoder.encodeInto(s, buf.subarray(pos)).written;
}
