import { Http2Error, ErrorCode } from "../errors.js";

/**
 * The bit length of each symbol's code in HPACK's Huffman code (RFC 7541 Appendix B), symbols 0 to 255 and EOS (256).
 * The code is canonical: codes of one length are consecutive in symbol order, after all shorter codes, so the
 * lengths alone define it.
 */
const LENGTHS = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28,
  28, 28, 28, 28, 6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6,
  12, 10, 13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, 15,
  5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, 20, 22, 20, 20,
  22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22,
  23, 22, 22, 23, 26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24,
  21, 21, 26, 26, 28, 27, 27, 27, 20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26,
  27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, 30
];

const EOS = 256;
const CODES = new Uint32Array(257);

{
  const order = [...LENGTHS.keys()].sort((a, b) => LENGTHS[a]! - LENGTHS[b]! || a - b);
  let code = 0;
  let length = LENGTHS[order[0]!]!;
  order.forEach((symbol, i) => {
    const l = LENGTHS[symbol]!;
    if (i > 0) code = (code + 1) << (l - length);
    length = l;
    CODES[symbol] = code;
  });
}

/** The number of bytes `bytes` take Huffman-encoded. */
export function huffmanLength(bytes: Uint8Array): number {
  let bits = 0;
  for (let i = 0; i < bytes.length; i++) bits += LENGTHS[bytes[i]!]!;
  return (bits + 7) >>> 3;
}

/** 2^i for the encoder's shifts: `2 ** n` with a variable n is a call into V8's C++ pow, several per byte. */
const POW2 = Array.from({ length: 64 }, (_, i) => 2 ** i);

/** Huffman-encodes `bytes` into `out` at `at` (room for huffmanLength(bytes)); returns the end. */
export function huffmanEncode(bytes: Uint8Array, out: Uint8Array, at: number): number {
  let acc = 0; // pending bits, at most 7 + 30 of them: kept below 2^53 by flushing whole bytes
  let pending = 0;
  for (let i = 0; i < bytes.length; i++) {
    const symbol = bytes[i]!;
    const length = LENGTHS[symbol]!;
    acc = acc * POW2[length]! + CODES[symbol]!;
    pending += length;
    while (pending >= 8) {
      pending -= 8;
      const byte = Math.floor(acc / POW2[pending]!);
      out[at++] = byte;
      acc -= byte * POW2[pending]!;
    }
  }
  // Padding: the most significant bits of EOS, all ones (RFC 7541 5.2).
  if (pending > 0) out[at++] = (acc << (8 - pending)) | (0xff >>> pending);
  return at;
}

/**
 * The decoder is a state machine that reads 4 bits at a time (as nghttp2's does). Its states are the inner nodes of the
 * code's tree; for each state and nibble the table gives the next state and the symbol completed on the way, if any
 * (a nibble is shorter than the shortest code, so it completes at most one).
 */
const NIBBLE_NEXT = new Uint8Array(256 * 16);
const NIBBLE_SYMBOL = new Int16Array(256 * 16).fill(-1);
/** Whether ending in a state is valid padding: at most 7 bits since the last symbol, all of them ones. */
const PADDING_OK = new Uint8Array(256);

{
  // The tree: inner nodes numbered from 0 (the root); children[2n + bit] is an inner node, or -(symbol + 1) for a leaf.
  const children: number[] = [0, 0];
  const depth = [0];
  const allOnes = [1];
  let nodes = 1;
  for (let symbol = 0; symbol <= EOS; symbol++) {
    const length = LENGTHS[symbol]!;
    let node = 0;
    for (let i = length - 1; i >= 0; i--) {
      const bit = (CODES[symbol]! >>> i) & 1;
      if (i === 0) {
        children[2 * node + bit] = -(symbol + 1);
      } else {
        if (!children[2 * node + bit]) {
          children[2 * node + bit] = nodes;
          children.push(0, 0);
          depth.push(depth[node]! + 1);
          allOnes.push(allOnes[node]! & bit);
          nodes++;
        }
        node = children[2 * node + bit]!;
      }
    }
  }
  for (let state = 0; state < nodes; state++) {
    PADDING_OK[state] = state === 0 || (allOnes[state]! === 1 && depth[state]! <= 7) ? 1 : 0;
    for (let nibble = 0; nibble < 16; nibble++) {
      let node = state;
      let emitted = -1;
      for (let i = 3; i >= 0; i--) {
        const child = children[2 * node + ((nibble >>> i) & 1)]!;
        if (child < 0) {
          emitted = -child - 1;
          node = 0;
        } else node = child;
      }
      NIBBLE_NEXT[state * 16 + nibble] = node;
      NIBBLE_SYMBOL[state * 16 + nibble] = emitted;
    }
  }
}

/**
 * Decodes a Huffman-encoded string. A code that is EOS, or padding longer than 7 bits or not all ones, is a
 * COMPRESSION_ERROR (RFC 7541 5.2).
 */
export function huffmanDecode(bytes: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(((end - start) * 8) / 5));
  let n = 0;
  let state = 0;
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    for (let shift = 4; shift >= 0; shift -= 4) {
      const index = state * 16 + ((byte >>> shift) & 0xf);
      const symbol = NIBBLE_SYMBOL[index]!;
      if (symbol >= 0) {
        if (symbol === EOS) throw new Http2Error(ErrorCode.COMPRESSION_ERROR, "HPACK: EOS in a Huffman-encoded string");
        out[n++] = symbol;
      }
      state = NIBBLE_NEXT[index]!;
    }
  }
  if (!PADDING_OK[state]) throw new Http2Error(ErrorCode.COMPRESSION_ERROR, "HPACK: invalid Huffman padding");
  return out.subarray(0, n);
}
