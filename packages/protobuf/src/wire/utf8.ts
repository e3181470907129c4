import { DecodeError } from "./decode-error.js";

const fatalDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
const encoder = new TextEncoder();

/**
 * On Node, Buffer's native UTF-8 routines are the fastest way to move strings in and out of bytes, and they work on
 * any Uint8Array. Elsewhere (browsers) TextDecoder and TextEncoder do the job. Found by feature detection, so this
 * module imports nothing from Node.
 */
const nodeBuffer = (globalThis as { Buffer?: { prototype: Record<string, unknown> } }).Buffer?.prototype;
const nodeUtf8Slice = nodeBuffer?.["utf8Slice"] as ((this: Uint8Array, start: number, end: number) => string) | undefined;
const nodeUtf8Write = nodeBuffer?.["utf8Write"] as ((this: Uint8Array, s: string, offset: number, length: number) => number) | undefined;

/**
 * Decodes UTF-8. Short ASCII strings are built inline (a native call costs more than that for them). With `strict`,
 * invalid UTF-8 is a DecodeError (proto3 requires valid UTF-8); otherwise it becomes U+FFFD.
 */
export function decodeUtf8(buf: Uint8Array, start: number, end: number, strict: boolean): string {
  const n = end - start;
  if (n <= 8) {
    const short = shortAscii(buf, start, n);
    if (short !== undefined) return short;
  } else if (n <= 32) {
    const short = mediumAscii(buf, start, end);
    if (short !== undefined) return short;
  }
  if (nodeUtf8Slice !== undefined) {
    const s = nodeUtf8Slice.call(buf, start, end);
    // Node replaces invalid sequences with U+FFFD, so only a string holding one needs the strict check (and a
    // one-byte string, the common case, cannot hold it: V8 answers that search at once).
    if (strict && s.indexOf("\ufffd") !== -1) validate(buf.subarray(start, end));
    return s;
  }
  const bytes = buf.subarray(start, end);
  if (!strict) return lenientDecoder.decode(bytes);
  return validate(bytes);
}

/** Up to 8 ASCII bytes as a string, or undefined when one of them is not ASCII. */
function shortAscii(b: Uint8Array, i: number, n: number): string | undefined {
  let or = 0;
  for (let k = i; k < i + n; k++) or |= b[k]!;
  if (or >= 0x80) return undefined;
  const f = String.fromCharCode;
  switch (n) {
    case 0: return "";
    case 1: return f(b[i]!);
    case 2: return f(b[i]!, b[i + 1]!);
    case 3: return f(b[i]!, b[i + 1]!, b[i + 2]!);
    case 4: return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!);
    case 5: return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!);
    case 6: return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!);
    case 7: return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!);
    default: return f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!);
  }
}

/** Up to 32 ASCII bytes as a string, built from 8-byte pieces; undefined when one of them is not ASCII. */
function mediumAscii(b: Uint8Array, start: number, end: number): string | undefined {
  let s = "";
  for (let i = start; i < end; i += 8) {
    const piece = shortAscii(b, i, Math.min(8, end - i));
    if (piece === undefined) return undefined;
    s += piece;
  }
  return s;
}

function validate(bytes: Uint8Array): string {
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
    s = s.slice(i);
  }
  if (nodeUtf8Write !== undefined) return pos + nodeUtf8Write.call(buf, s, pos, buf.length - pos);
  return pos + encoder.encodeInto(s, buf.subarray(pos)).written;
}
