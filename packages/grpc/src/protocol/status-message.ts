/**
 * grpc-message is percent-encoded UTF-8: bytes outside %x20-%x7E, and "%" itself, become %XX. Decoding never fails:
 * a broken escape is kept as it is (the spec says not to throw the message away).
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: false });

export function encodeStatusMessage(message: string): string {
  let simple = true;
  for (let i = 0; i < message.length; i++) {
    const c = message.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x25) {
      simple = false;
      break;
    }
  }
  if (simple) return message;
  let out = "";
  for (const b of encoder.encode(message)) {
    out += b < 0x20 || b > 0x7e || b === 0x25 ? "%" + b.toString(16).toUpperCase().padStart(2, "0") : String.fromCharCode(b);
  }
  return out;
}

export function decodeStatusMessage(text: string): string {
  if (!text.includes("%")) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && i + 2 < text.length + 0 && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) bytes.push(c);
    else bytes.push(...encoder.encode(text[i]!));
  }
  return decoder.decode(Uint8Array.from(bytes));
}
