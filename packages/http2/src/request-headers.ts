import { ErrorCode, Http2Error } from "./errors.js";

/** Header fields by name, as node:http2 gives them: repeated fields as arrays (set-cookie) or joined. */
export type HeaderObject = Record<string, string | string[] | undefined>;

const REQUEST_PSEUDO = new Set([":method", ":scheme", ":authority", ":path"]);
/** Connection-specific fields have no place in HTTP/2 (RFC 9113 8.2.2). */
const CONNECTION_SPECIFIC = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"]);
/** A field name: lower-case token characters (RFC 9113 8.2.1, RFC 9110 5.1). */
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;
/** Characters no field value may hold (RFC 9113 8.2.1). */
const FORBIDDEN_IN_VALUE = /[\0\r\n]/;
/** A value with no NUL, CR or LF, and no white space at either end. */
const BAD_VALUE = /[\0\r\n]|^[ \t]|[ \t]$/;

const malformed = (streamId: number, why: string, what = "request") => new Http2Error(ErrorCode.PROTOCOL_ERROR, `malformed ${what}: ${why}`, streamId);

function add(headers: HeaderObject, name: string, value: string): void {
  // A peer names the fields: "constructor" or "__proto__" must be own properties, not the prototype's.
  const existing = Object.hasOwn(headers, name) ? headers[name] : undefined;
  if (existing === undefined) set(headers, name, value);
  else if (Array.isArray(existing)) existing.push(value);
  else if (name === "cookie") headers[name] = `${existing}; ${value}`;
  else headers[name] = [existing, value];
}

function set(headers: HeaderObject, name: string, value: string): void {
  if (name === "__proto__") Object.defineProperty(headers, name, { value, writable: true, enumerable: true, configurable: true });
  else headers[name] = value;
}

/**
 * A request's header block (names and values alternating) as an object, checked as RFC 9113 8.3.1 asks: known
 * pseudo-headers, once each and before every other field, the required ones present, lower-case names, no
 * connection-specific fields. A malformed request is a stream error (PROTOCOL_ERROR).
 */
export function requestHeaders(fields: string[], streamId: number): HeaderObject {
  const headers: HeaderObject = {};
  let regular = false;
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i]!;
    const value = fields[i + 1]!;
    if (BAD_VALUE.test(value)) throw malformed(streamId, `the value of ${name} has a forbidden character`);
    if (name.charCodeAt(0) === 0x3a) {
      if (regular) throw malformed(streamId, `${name} after a regular field`);
      if (!REQUEST_PSEUDO.has(name)) throw malformed(streamId, `unknown pseudo-header ${name}`);
      if (headers[name] !== undefined) throw malformed(streamId, `${name} twice`);
      headers[name] = value;
      continue;
    }
    regular = true;
    if (!FIELD_NAME.test(name)) throw malformed(streamId, `field name "${name}" is not a lower-case token`);
    if (CONNECTION_SPECIFIC.has(name)) throw malformed(streamId, `connection-specific field ${name}`);
    if (name === "te" && value !== "trailers") throw malformed(streamId, `te: ${value}`);
    if (name === "content-length" && !/^\d+$/.test(value)) throw malformed(streamId, `content-length: ${value}`);
    add(headers, name, value);
  }
  if (headers[":method"] === undefined) throw malformed(streamId, "no :method");
  if (headers[":method"] !== "CONNECT") {
    if (headers[":scheme"] === undefined) throw malformed(streamId, "no :scheme");
    if (!headers[":path"]) throw malformed(streamId, "no :path");
  }
  return headers;
}

/** A response's header block: `:status` (three digits) and regular fields (RFC 9113 8.3.2). */
export function responseHeaders(fields: string[], streamId: number): HeaderObject {
  const headers: HeaderObject = {};
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i]!;
    const value = fields[i + 1]!;
    if (BAD_VALUE.test(value)) throw malformed(streamId, `the value of ${name} has a forbidden character`, "response");
    if (name === ":status") {
      if (headers[":status"] !== undefined || Object.keys(headers).length > 0) throw malformed(streamId, ":status twice or after a regular field", "response");
      if (!/^[1-5]\d\d$/.test(value)) throw malformed(streamId, `:status ${value}`, "response");
      headers[name] = value;
      continue;
    }
    if (name.charCodeAt(0) === 0x3a) throw malformed(streamId, `pseudo-header ${name}`, "response");
    if (!FIELD_NAME.test(name)) throw malformed(streamId, `field name "${name}" is not a lower-case token`, "response");
    if (CONNECTION_SPECIFIC.has(name)) throw malformed(streamId, `connection-specific field ${name}`, "response");
    add(headers, name, value);
  }
  if (headers[":status"] === undefined) throw malformed(streamId, "no :status", "response");
  return headers;
}

/** Trailers: regular fields only. */
export function trailerHeaders(fields: string[], streamId: number): HeaderObject {
  const headers: HeaderObject = {};
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i]!;
    if (name.charCodeAt(0) === 0x3a) throw malformed(streamId, `pseudo-header ${name} in trailers`);
    if (!FIELD_NAME.test(name)) throw malformed(streamId, `field name "${name}" is not a lower-case token`);
    if (BAD_VALUE.test(fields[i + 1]!)) throw malformed(streamId, `the value of ${name} has a forbidden character`);
    add(headers, name, fields[i + 1]!);
  }
  return headers;
}

/**
 * Headers or trailers to send, as names and values alternating, written into `fields` from its start; returns how many
 * entries that is (entries past it are left over from earlier blocks). A value with CR, LF or NUL is refused. The
 * connection passes the same array for every block: a fresh one per block grew by copying, on every call.
 */
export function toFields(headers: Record<string, string | number | readonly string[] | undefined>, fields: string[]): number {
  let n = 0;
  const status = headers[":status"];
  if (status !== undefined) n = putField(fields, n, ":status", ":status", status);
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || name === ":status") continue;
    const lower = name.toLowerCase();
    if (Array.isArray(value)) for (const v of value) n = putField(fields, n, name, lower, v);
    else n = putField(fields, n, name, lower, value);
  }
  return n;
}

function putField(fields: string[], n: number, name: string, lower: string, value: unknown): number {
  const text = String(value);
  if (FORBIDDEN_IN_VALUE.test(text)) throw new TypeError(`The value of header "${name}" has CR, LF or NUL`);
  fields[n] = lower;
  fields[n + 1] = text;
  return n + 2;
}
