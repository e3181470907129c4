import { TOKEN_CLASS } from "./http1/field-syntax.js";

/**
 * Which protocol a plaintext connection speaks, from its first bytes: "http2" for the HTTP/2 connection preface,
 * "http1" for an HTTP/1.x request line, undefined while the bytes could still be either.
 *
 * Anything that is neither (a mangled preface, binary noise) goes to HTTP/2, whose answer to an invalid connection
 * preface is the one RFC 9113 section 3.4 asks for: a connection error of type PROTOCOL_ERROR. Handing it to HTTP/1.1
 * instead would answer "400 Bad Request" in text to a peer that expects frames.
 */
export function protocolOf(bytes: Buffer): "http2" | "http1" | undefined {
  const preface = startsWith(bytes, PREFACE_START);
  if (preface !== false) return preface ? "http2" : undefined;
  // RFC 9112 2.2: a server ignores empty lines before the request line.
  const text = bytes.toString("latin1", 0, Math.min(bytes.length, MAX_REQUEST_LINE)).replace(/^[\r\n]+/, "");
  const lineEnd = text.indexOf("\n");
  if (lineEnd >= 0) return REQUEST_LINE.test(text.slice(0, lineEnd)) ? "http1" : "http2";
  if (!REQUEST_LINE_START.test(text)) return "http2";
  return bytes.length >= MAX_REQUEST_LINE ? "http1" : undefined; // node:http answers a line this long with 414
}

/** true if `bytes` start with `prefix`, undefined if they are a shorter part of it, false otherwise. */
function startsWith(bytes: Buffer, prefix: Buffer): boolean | undefined {
  const n = Math.min(bytes.length, prefix.length);
  if (!bytes.subarray(0, n).equals(prefix.subarray(0, n))) return false;
  return n === prefix.length ? true : undefined;
}

/** The bytes every HTTP/2 connection with prior knowledge starts with ("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"). */
const PREFACE_START = Buffer.from("PRI ");
/** RFC 9112 3: method SP request-target SP HTTP-version, the method a token (RFC 9110 5.6.2). */
const REQUEST_LINE = new RegExp(`^${TOKEN_CLASS}{1,32} [^\\s]+ HTTP\\/1\\.[01]\\r?$`);
/** What an unfinished request line can look like: a method so far, or a method and a space and more (up to its CR). */
const REQUEST_LINE_START = new RegExp(`^(?:${TOKEN_CLASS}{0,32}|${TOKEN_CLASS}{1,32} [^\\r\\n]*\\r?)$`);
/** A request line still unfinished after this many bytes is left to node:http. */
const MAX_REQUEST_LINE = 8192;
