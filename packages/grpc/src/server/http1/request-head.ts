import type { IncomingHttpHeaders } from "node:http";
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
}

/** method SP request-target SP HTTP-version; the method a token, the target visible ASCII. */
const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) ([\x21-\x7e]+) HTTP\/(\d)\.(\d)$/;
/** field-name ":" field-value with its OWS (no space before the colon, no obs-fold); the value is trimmed apart. */
const FIELD_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):(.*)$/s;
/** What a field value may not hold: controls other than HTAB (CR, LF and NUL among them) and DEL. */
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;
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
  while (start + 1 < bytes.length && bytes[start] === 0x0d && bytes[start + 1] === 0x0a) start += 2;
  const end = bytes.indexOf("\r\n\r\n", start, "latin1");
  if (end < 0) {
    if (bytes.length - start > maxSize) throw new Http1Error(431, "The request's header section is too large");
    // A head with bare LF line ends would never complete: refused now, not at the header timeout.
    if (hasBareLf(bytes, start)) throw new Http1Error(400, "A line of the request head ends in a bare LF");
    return undefined;
  }
  if (end - start > maxSize) throw new Http1Error(431, "The request's header section is too large");
  const lines = bytes.toString("latin1", start, end).split("\r\n");
  return { head: headOf(lines), bodyStart: end + 4 };
}

function hasBareLf(bytes: Buffer, start: number): boolean {
  for (let lf = bytes.indexOf(0x0a, start); lf >= 0; lf = bytes.indexOf(0x0a, lf + 1)) if (lf === start || bytes[lf - 1] !== 0x0d) return true;
  return false;
}

function headOf(lines: string[]): RequestHead {
  const line = REQUEST_LINE.exec(lines[0]!);
  if (!line) throw new Http1Error(400, "Malformed request line");
  const [, method, rawTarget, major, minor] = line as unknown as [string, string, string, string, string];
  if (major !== "1") throw new Http1Error(505, `HTTP/${major}.${minor} is not served on an HTTP/1.1 connection`);
  const version = minor === "0" ? "1.0" : "1.1";
  const headers: IncomingHttpHeaders = Object.create(null) as IncomingHttpHeaders;
  let lengths = 0;
  let hosts = 0;
  for (let i = 1; i < lines.length; i++) {
    const field = FIELD_LINE.exec(lines[i]!);
    if (!field) throw new Http1Error(400, "Malformed header field line");
    const name = field[1]!.toLowerCase();
    const value = trimOws(field[2]!);
    if (BAD_VALUE.test(value)) throw new Http1Error(400, `Invalid character in the value of ${name}`);
    if (name === "content-length") lengths++;
    else if (name === "host") hosts++;
    add(headers, name, value);
  }
  if (lengths > 1) throw new Http1Error(400, "More than one Content-Length");
  if (version === "1.1" && hosts !== 1) throw new Http1Error(400, hosts === 0 ? "An HTTP/1.1 request needs a Host header" : "More than one Host header");
  const connection = (headers.connection ?? "").toLowerCase();
  const expect = headers.expect?.toLowerCase();
  if (expect !== undefined && expect !== "100-continue") throw new Http1Error(417, `Expectation "${headers.expect}" is not supported`);
  return {
    method,
    target: rawTarget.charCodeAt(0) === 0x2f ? rawTarget : originForm(rawTarget),
    version,
    headers,
    framing: framingOf(headers, version),
    close: version === "1.0" ? !hasToken(connection, "keep-alive") : hasToken(connection, "close"),
    expectsContinue: expect === "100-continue" && version === "1.1",
  };
}

function add(headers: IncomingHttpHeaders, name: string, value: string): void {
  const had = headers[name];
  if (had === undefined) headers[name] = name === "set-cookie" ? [value] : value;
  else if (name === "set-cookie") (had as string[]).push(value);
  else if (SINGLE.has(name)) return;
  else headers[name] = `${had}${name === "cookie" ? "; " : ", "}${value}`;
}

/** An absolute-form target (RFC 9112 3.2.2) as the path and query the router reads; "*" (OPTIONS) as it is. */
function originForm(target: string): string {
  const authority = ABSOLUTE_FORM.exec(target);
  if (!authority) return target;
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

/** Drops leading and trailing SP and HTAB (RFC 9110 5.5's OWS), and nothing else (0xA0 is a value byte). */
function trimOws(value: string): string {
  let from = 0;
  let to = value.length;
  while (from < to && isOws(value.charCodeAt(from))) from++;
  while (to > from && isOws(value.charCodeAt(to - 1))) to--;
  return from === 0 && to === value.length ? value : value.slice(from, to);
}

const isOws = (c: number) => c === 0x20 || c === 0x09;

function hasToken(list: string, token: string): boolean {
  return list !== "" && list.split(",").some((t) => t.trim() === token);
}
