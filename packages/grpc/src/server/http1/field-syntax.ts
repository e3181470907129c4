/**
 * HTTP's field syntax (RFC 9110 5.1, 5.5, 5.6.2), in one place for the request parser, the chunked decoder, the
 * response writer and the httpHandler's compatibility layer.
 */

/** A tchar, as a regular-expression class: the characters of a method, a field name, a chunk extension's name. */
export const TOKEN_CLASS = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]";
/** What a field value may hold: HTAB, SP, VCHAR and obs-text; not CR, LF, NUL, other controls or DEL. */
const VALUE_CLASS = "[\\t\\x20-\\x7e\\x80-\\xff]";

/** The same sets as byte tables, for scanning bytes. */
export const TOKEN_BYTES = byteTable(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]$/);
export const FIELD_VALUE_BYTES = byteTable(/^[\t\x20-\x7e\x80-\xff]$/);

const TOKEN = new RegExp(`^${TOKEN_CLASS}+$`);
const NOT_VALUE = new RegExp(`[^${VALUE_CLASS.slice(1, -1)}]`);

export const isToken = (text: string): boolean => TOKEN.test(text);
export const isFieldValue = (text: string): boolean => !NOT_VALUE.test(text);

/** A response field as node:http checks one (ERR_INVALID_HTTP_TOKEN, ERR_INVALID_CHAR): a TypeError for a bad one. */
export function checkResponseField(name: string, value: string | number | readonly string[]): void {
  if (!isToken(name)) throw new TypeError(`Invalid response header name "${name}"`);
  for (const v of typeof value === "object" ? value : [String(value)]) {
    if (!isFieldValue(v)) throw new TypeError(`Invalid character in the value of response header "${name}"`);
  }
}

function byteTable(member: RegExp): Uint8Array {
  const table = new Uint8Array(256);
  for (let c = 0; c < 256; c++) if (member.test(String.fromCharCode(c))) table[c] = 1;
  return table;
}
