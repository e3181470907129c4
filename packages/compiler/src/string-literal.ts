const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: false });

/** The bytes a quoted .proto string token stands for (C escapes: simple, octal, \x hex, \u and \U code points). */
export function unescapeStringToken(token: string): Uint8Array {
  const body = token.slice(1, token.length > 1 && token[token.length - 1] === token[0] ? -1 : undefined);
  const out: number[] = [];
  // A \u or \U escape without its hex digits, or past 10ffff, was reported by the tokenizer: it stands for nothing.
  const pushCodePoint = (cp: number) => (cp >= 0 && cp <= 0x10ffff ? out.push(...encoder.encode(String.fromCodePoint(cp))) : 0);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\") {
      const cp = body.codePointAt(i)!;
      if (cp > 0xffff) i++;
      if (cp < 0x80) out.push(cp);
      else pushCodePoint(cp);
      continue;
    }
    const e = body[++i];
    if (e === undefined) break;
    const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, "\\": 92, "?": 63, "'": 39, '"': 34 };
    if (e in simple) out.push(simple[e]!);
    else if (e >= "0" && e <= "7") {
      let n = 0;
      let k = 0;
      while (k < 3 && body[i + k]! >= "0" && body[i + k]! <= "7") n = n * 8 + Number(body[i + k++]);
      i += k - 1;
      out.push(n & 0xff);
    } else if (e === "x" || e === "X") {
      let n = 0;
      let k = 1;
      while (k < 3 && /[0-9a-fA-F]/.test(body[i + k] ?? "")) n = n * 16 + parseInt(body[i + k++]!, 16);
      i += k - 1;
      out.push(n & 0xff);
    } else if (e === "u" || e === "U") {
      const len = e === "u" ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      i += hex.length;
      let cp = parseInt(hex, 16);
      // A UTF-16 surrogate pair written as two \u escapes is one code point.
      if (cp >= 0xd800 && cp < 0xdc00 && body.slice(i + 1, i + 3) === "\\u") {
        const low = parseInt(body.slice(i + 3, i + 7), 16);
        if (low >= 0xdc00 && low < 0xe000) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          i += 6;
        }
      }
      pushCodePoint(cp);
    } else out.push(e.charCodeAt(0));
  }
  return Uint8Array.from(out);
}

export function bytesToString(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** protoc's CEscape: how a bytes default value is written into a descriptor. */
export function cEscape(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) {
    if (b === 10) s += "\\n";
    else if (b === 13) s += "\\r";
    else if (b === 9) s += "\\t";
    else if (b === 34) s += '\\"';
    else if (b === 39) s += "\\'";
    else if (b === 92) s += "\\\\";
    else if (b < 0x20 || b >= 0x7f) s += "\\" + b.toString(8).padStart(3, "0");
    else s += String.fromCharCode(b);
  }
  return s;
}
