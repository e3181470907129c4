import { METHODS, type IncomingHttpHeaders } from "node:http";
import { FIELD_VALUE_BYTES, TOKEN_BYTES } from "./field-syntax.js";
import { Http1Error } from "./http1-error.js";

/** How a request's body is framed (RFC 9112 6.3). */
export type BodyFraming = { kind: "none" } | { kind: "length"; length: number } | { kind: "chunked" };

/** A request's line and header section, parsed and checked (RFC 9112 sections 2-3 and 5-6). */
export interface RequestHead {
  method: string;
  /** The request target as a path and query (an absolute-form target's scheme and authority dropped). */
  target: string;
  /** "1.1" (any HTTP/1.x from 1.1 up) or "1.0". */
  version: "1.0" | "1.1";
  /** Lower-case names; repeated fields joined as node:http joins them. */
  headers: IncomingHttpHeaders;
  framing: BodyFraming;
  /** The client asked to close the connection after this request (or did not ask to keep an HTTP/1.0 one). */
  close: boolean;
  /** `Expect: 100-continue`: the client waits for an interim 100 before it sends the body. */
  expectsContinue: boolean;
  /** An expectation other than 100-continue: answered 417 (RFC 9110 10.1.1), the request not served. */
  unmetExpectation: boolean;
}

/** The methods served (node:http's, llhttp's list); others are 501 (RFC 9110 9.1), lower-case ones included (methods are case-sensitive). */
const KNOWN_METHODS = new Set(METHODS);
const ABSOLUTE_FORM = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/;

/** Fields of which node:http keeps the first and drops repeats (its IncomingMessage rules). */
const SINGLE = new Set([
  "age", "authorization", "content-length", "content-type", "etag", "expires", "from", "host", "if-modified-since",
  "if-unmodified-since", "last-modified", "location", "max-forwards", "proxy-authorization", "referer", "retry-after",
  "server", "user-agent",
]);

/**
 * Finds and parses the request head at `start` of `bytes`: undefined while it is incomplete, else the head and where
 * its body starts. A head larger than `maxSize` bytes is refused with 431, a malformed one with 400 (505 for another
 * major HTTP version), as RFC 9112 asks; empty lines before the request line are skipped (RFC 9112 2.2).
 */
export function parseRequestHead(bytes: Buffer, start: number, maxSize: number): { head: RequestHead; bodyStart: number } | undefined {
  const first = start;
  while (start + 1 < bytes.length && bytes[start] === 0x0d && bytes[start + 1] === 0x0a) start += 2;
  const end = bytes.indexOf("\r\n\r\n", start, "latin1");
  if (end < 0) {
    // The empty lines skipped count: they are held with the head until it completes (a flood of them is refused).
    if (bytes.length - first > maxSize) throw new Http1Error(431, "The request's header section is too large");
    // A head with bare LF line ends would never complete: refused now, not at the header timeout.
    if (hasBareLf(bytes, start)) throw new Http1Error(400, "A line of the request head ends in a bare LF");
    return undefined;
  }
  if (end - first > maxSize) throw new Http1Error(431, "The request's header section is too large");
  return { head: headOf(bytes, start, end + 2), bodyStart: end + 4 };
}

function hasBareLf(bytes: Buffer, start: number): boolean {
  for (let lf = bytes.indexOf(0x0a, start); lf >= 0; lf = bytes.indexOf(0x0a, lf + 1)) if (lf === start || bytes[lf - 1] !== 0x0d) return true;
  return false;
}

/** The head in bytes[start, end): its lines, each ending in CRLF, scanned byte by byte (no line strings, no regular expressions). */
function headOf(bytes: Buffer, start: number, end: number): RequestHead {
  // request-line = method SP request-target SP HTTP-version CRLF
  const text = bytes.toString("latin1", start, end); // one string: the parts below are slices of it
  let at = start;
  while (TOKEN_BYTES[bytes[at]!] === 1) at++;
  if (at === start || bytes[at] !== 0x20) throw new Http1Error(400, "Malformed request line");
  const method = text.slice(0, at - start);
  if (!KNOWN_METHODS.has(method)) throw new Http1Error(501, `Unknown method ${method}`);
  const targetStart = ++at;
  while (bytes[at]! > 0x20 && bytes[at]! < 0x7f) at++;
  if (at === targetStart || bytes[at] !== 0x20) throw new Http1Error(400, "Malformed request line");
  const rawTarget = text.slice(targetStart - start, at - start);
  const version = versionAt(bytes, at + 1);
  at += 11; // SP "HTTP/x.y" CRLF
  const headers: IncomingHttpHeaders = {};
  let lengths = 0;
  let hosts = 0;
  while (at < end) {
    const nameStart = at;
    let upper = false;
    for (let c = bytes[at]!; TOKEN_BYTES[c] === 1; c = bytes[++at]!) if (c >= 0x41 && c <= 0x5a) upper = true;
    if (at === nameStart || bytes[at] !== 0x3a) throw new Http1Error(400, "Malformed header field line");
    const raw = text.slice(nameStart - start, at - start);
    const name = upper ? raw.toLowerCase() : raw;
    at++;
    while (bytes[at] === 0x20 || bytes[at] === 0x09) at++;
    const valueStart = at;
    let valueEnd = at;
    for (let c = bytes[at]!; c !== 0x0d; c = bytes[++at]!) {
      if (FIELD_VALUE_BYTES[c] !== 1) throw new Http1Error(400, `Invalid character in the value of ${name}`);
      if (c !== 0x20 && c !== 0x09) valueEnd = at + 1;
    }
    if (bytes[at + 1] !== 0x0a) throw new Http1Error(400, `Invalid character in the value of ${name}`);
    at += 2;
    if (name === "content-length") lengths++;
    else if (name === "host") hosts++;
    add(headers, name, text.slice(valueStart - start, valueEnd - start));
  }
  if (lengths > 1) throw new Http1Error(400, "More than one Content-Length");
  if (version === "1.1" && hosts !== 1) throw new Http1Error(400, hosts === 0 ? "An HTTP/1.1 request needs a Host header" : "More than one Host header");
  const connection = headers.connection?.toLowerCase() ?? "";
  const expect = headers.expect?.toLowerCase();
  return {
    method,
    target: rawTarget.charCodeAt(0) === 0x2f ? rawTarget : originForm(rawTarget),
    version,
    headers,
    framing: framingOf(headers, version),
    close: version === "1.0" ? !hasToken(connection, "keep-alive") : hasToken(connection, "close"),
    expectsContinue: expect === "100-continue" && version === "1.1",
    unmetExpectation: expect !== undefined && expect !== "100-continue",
  };
}

/** "HTTP/1.y" CRLF at `at`: "1.0", or "1.1" for any 1.y from 1.1 up; another major version is 505. */
function versionAt(bytes: Buffer, at: number): "1.0" | "1.1" {
  const major = bytes[at + 5]!;
  const minor = bytes[at + 7]!;
  const http = bytes[at] === 0x48 && bytes[at + 1] === 0x54 && bytes[at + 2] === 0x54 && bytes[at + 3] === 0x50 && bytes[at + 4] === 0x2f;
  if (!http || !isDigit(major) || bytes[at + 6] !== 0x2e || !isDigit(minor) || bytes[at + 8] !== 0x0d || bytes[at + 9] !== 0x0a) {
    throw new Http1Error(400, "Malformed request line");
  }
  if (major !== 0x31) throw new Http1Error(505, `HTTP/${String.fromCharCode(major)}.${String.fromCharCode(minor)} is not served on an HTTP/1.1 connection`);
  return minor === 0x30 ? "1.0" : "1.1";
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/**
 * Adds a field as node:http does. The object is a plain one (a null-prototype one is several times slower to fill):
 * what a name finds on Object.prototype (constructor, toString, __proto__) is not a field, and __proto__ is defined,
 * not assigned.
 */
function add(headers: IncomingHttpHeaders, name: string, value: string): void {
  const found: unknown = headers[name];
  const had = typeof found === "string" || Array.isArray(found) ? found : undefined;
  if (had === undefined) {
    if (name === "__proto__") Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
    else headers[name] = name === "set-cookie" ? [value] : value;
  }
  else if (name === "set-cookie") (had as string[]).push(value);
  else if (SINGLE.has(name)) return;
  else headers[name] = `${had}${name === "cookie" ? "; " : ", "}${value}`;
}

/**
 * A target that is not origin-form (RFC 9112 3.2): an absolute-form one as the path and query the router reads, "*"
 * (asterisk-form) as it is; anything else (authority-form is CONNECT's, which this server does not proxy) is 400.
 */
function originForm(target: string): string {
  if (target === "*") return target;
  const authority = ABSOLUTE_FORM.exec(target);
  if (!authority) throw new Http1Error(400, "The request target is not a path, an absolute URI or *");
  const rest = target.slice(authority[0].length);
  return rest.startsWith("/") ? rest : `/${rest}`;
}

/** RFC 9112 6.1-6.3: chunked as the last transfer coding, or a Content-Length; both, or anything else, is refused. */
function framingOf(headers: IncomingHttpHeaders, version: "1.0" | "1.1"): BodyFraming {
  const coding = headers["transfer-encoding"] as string | undefined;
  const length = headers["content-length"];
  if (coding !== undefined) {
    if (length !== undefined) throw new Http1Error(400, "Both Transfer-Encoding and Content-Length");
    if (version === "1.0") throw new Http1Error(400, "Transfer-Encoding in an HTTP/1.0 request");
    const codings = coding.split(",").map((c) => c.trim().toLowerCase());
    if (codings.indexOf("chunked") !== codings.length - 1) throw new Http1Error(400, `Chunked is not the last transfer coding, or not once: ${coding}`);
    if (codings.length > 1) throw new Http1Error(501, `Transfer coding not supported: ${coding}`);
    return { kind: "chunked" };
  }
  if (length === undefined) return { kind: "none" };
  if (!/^\d{1,15}$/.test(length)) throw new Http1Error(400, `Invalid Content-Length: ${length}`);
  const n = Number(length);
  return n === 0 ? { kind: "none" } : { kind: "length", length: n };
}

function hasToken(list: string, token: string): boolean {
  return list !== "" && list.split(",").some((t) => t.trim() === token);
}
