import { connect as connectTcp, type Socket } from "node:net";

// A raw HTTP/1.1 client for wire-level tests: it writes bytes exactly as given and reads responses by the rules of
// RFC 9112 section 6.3 (no body after HEAD, 1xx, 204 and 304; chunked; Content-Length; else until the close), so that
// what a server sends is seen byte for byte, framing mistakes included. Every wait is bounded.

export const DEFAULT_WAIT_MS = 5_000;

export interface RawResponse {
  /** "HTTP/1.1" */
  readonly version: string;
  readonly status: number;
  readonly reason: string;
  /** Header fields in order, names lower-cased, values as sent (trimmed). */
  readonly headers: readonly [string, string][];
  /** How the body was framed: "none" (HEAD, 1xx, 204, 304), "length", "chunked" or "close" (read until the close). */
  readonly framing: "none" | "length" | "chunked" | "close";
  readonly body: Buffer;
  /** Chunked only: the chunk sizes in order, the last (0) included, and the trailer fields. */
  readonly chunks: readonly number[];
  readonly trailers: readonly [string, string][];
  /** The one value of a header (several joined with ", "), or undefined. */
  header(name: string): string | undefined;
  /** Every field line of a header. */
  headerAll(name: string): string[];
}

/** A request's bytes: the head as given, Content-Length computed for a body unless `headers` frame it themselves. */
export function rawRequest(method: string, target: string, headers: Record<string, string> | [string, string][] = {}, body?: string | Buffer, version = "HTTP/1.1"): Buffer {
  const fields = Array.isArray(headers) ? headers : Object.entries(headers);
  const bytes = body === undefined ? undefined : typeof body === "string" ? Buffer.from(body, "latin1") : body;
  const framed = fields.some(([name]) => /^(content-length|transfer-encoding)$/i.test(name));
  if (!fields.some(([name]) => name.toLowerCase() === "host")) fields.unshift(["Host", "localhost"]);
  if (bytes !== undefined && !framed) fields.push(["Content-Length", String(bytes.length)]);
  const head = `${method} ${target} ${version}\r\n${fields.map(([n, v]) => `${n}: ${v}\r\n`).join("")}\r\n`;
  return Buffer.concat([Buffer.from(head, "latin1"), bytes ?? Buffer.alloc(0)]);
}

/** A chunked body: each piece as one chunk, then the last chunk with `trailers`. */
export function chunked(pieces: (string | Buffer)[], trailers: [string, string][] = []): Buffer {
  const parts: Buffer[] = [];
  for (const piece of pieces) {
    const b = typeof piece === "string" ? Buffer.from(piece, "latin1") : piece;
    parts.push(Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from("\r\n"));
  }
  parts.push(Buffer.from(`0\r\n${trailers.map(([n, v]) => `${n}: ${v}\r\n`).join("")}\r\n`));
  return Buffer.concat(parts);
}

class NeedMore extends Error {}

function parseFields(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of text.split("\r\n")) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0 || /\s/.test(line.slice(0, colon))) throw new Error(`malformed field line from the server: ${JSON.stringify(line)}`);
    out.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return out;
}

function makeResponse(version: string, status: number, reason: string, headers: [string, string][], framing: RawResponse["framing"], body: Buffer, chunks: number[] = [], trailers: [string, string][] = []): RawResponse {
  const all = (name: string) => headers.filter(([n]) => n === name.toLowerCase()).map(([, v]) => v);
  return {
    version, status, reason, headers, framing, body, chunks, trailers,
    header: (name) => (all(name).length ? all(name).join(", ") : undefined),
    headerAll: all,
  };
}

/**
 * One response at the start of `buf` (the answer to a `method` request), and how many bytes it took; NeedMore when
 * `buf` holds only part of it (with `closed`, the bytes so far are all there is: a body read to the close ends there).
 */
function parseResponse(buf: Buffer, method: string, closed: boolean): { response: RawResponse; size: number } {
  const headEnd = buf.indexOf("\r\n\r\n");
  if (headEnd < 0) {
    if (closed && buf.length > 0) throw new Error(`the connection closed in a response head: ${JSON.stringify(buf.toString("latin1"))}`);
    throw new NeedMore();
  }
  const head = buf.toString("latin1", 0, headEnd);
  const lineEnd = head.indexOf("\r\n");
  const statusLine = lineEnd < 0 ? head : head.slice(0, lineEnd);
  const m = /^(HTTP\/\d\.\d) (\d{3}) ?(.*)$/.exec(statusLine);
  if (!m) throw new Error(`not an HTTP/1.x status line: ${JSON.stringify(statusLine)}`);
  const [, version, code, reason] = m;
  const status = Number(code);
  const headers = lineEnd < 0 ? [] : parseFields(head.slice(lineEnd + 2));
  const bodyStart = headEnd + 4;
  const te = headers.filter(([n]) => n === "transfer-encoding").map(([, v]) => v).join(", ");
  const lengths = headers.filter(([n]) => n === "content-length").map(([, v]) => v);
  if (te && lengths.length) throw new Error(`a response with both Transfer-Encoding and Content-Length (RFC 9112 6.2 forbids it): ${JSON.stringify(head)}`);
  if (status < 200 || status === 204 || status === 304 || method === "HEAD") {
    if (status < 200 || status === 204) {
      // RFC 9110 8.6 / RFC 9112 6.1: never Content-Length or Transfer-Encoding in a 1xx or 204.
      if (te || lengths.length) throw new Error(`a ${status} response with framing headers: ${JSON.stringify(head)}`);
    }
    return { response: makeResponse(version!, status, reason!, headers, "none", Buffer.alloc(0)), size: bodyStart };
  }
  if (te) {
    if (!/(^|,)\s*chunked\s*$/i.test(te)) throw new Error(`a response transfer coding other than a final chunked: ${te}`);
    const pieces: Buffer[] = [];
    const sizes: number[] = [];
    let at = bodyStart;
    for (;;) {
      const sizeEnd = buf.indexOf("\r\n", at);
      if (sizeEnd < 0) break;
      const sizeLine = buf.toString("latin1", at, sizeEnd);
      const sm = /^([0-9a-fA-F]{1,15})(;.*)?$/.exec(sizeLine);
      if (!sm) throw new Error(`a malformed chunk size line from the server: ${JSON.stringify(sizeLine)}`);
      const size = parseInt(sm[1]!, 16);
      if (size === 0) {
        const trailerEnd = buf.indexOf("\r\n", sizeEnd + 2) === sizeEnd + 2 ? sizeEnd + 2 : buf.indexOf("\r\n\r\n", sizeEnd + 2);
        if (trailerEnd < 0) break;
        const trailers = trailerEnd === sizeEnd + 2 ? [] : parseFields(buf.toString("latin1", sizeEnd + 2, trailerEnd));
        const end = trailerEnd === sizeEnd + 2 ? trailerEnd + 2 : trailerEnd + 4;
        sizes.push(0);
        return { response: makeResponse(version!, status, reason!, headers, "chunked", Buffer.concat(pieces), sizes, trailers), size: end };
      }
      if (buf.length < sizeEnd + 2 + size + 2) break;
      if (buf.toString("latin1", sizeEnd + 2 + size, sizeEnd + 4 + size) !== "\r\n") throw new Error("chunk data not followed by CRLF");
      pieces.push(buf.subarray(sizeEnd + 2, sizeEnd + 2 + size));
      sizes.push(size);
      at = sizeEnd + 4 + size;
    }
    if (closed) throw new Error(`the connection closed in a chunked body (chunks so far: ${sizes.join(",")})`);
    throw new NeedMore();
  }
  if (lengths.length) {
    if (new Set(lengths).size !== 1 || !/^\d+$/.test(lengths[0]!)) throw new Error(`a bad Content-Length from the server: ${lengths.join(" | ")}`);
    const length = Number(lengths[0]);
    if (buf.length < bodyStart + length) {
      if (closed) throw new Error(`the connection closed after ${buf.length - bodyStart} of ${length} body bytes`);
      throw new NeedMore();
    }
    return { response: makeResponse(version!, status, reason!, headers, "length", buf.subarray(bodyStart, bodyStart + length)), size: bodyStart + length };
  }
  // No framing: the body runs to the close (RFC 9112 6.3 item 8).
  if (!closed) throw new NeedMore();
  return { response: makeResponse(version!, status, reason!, headers, "close", buf.subarray(bodyStart)), size: buf.length };
}

/** A raw TCP connection that speaks HTTP/1.1 byte for byte. */
export class RawHttp1 {
  private buffer: Buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | undefined;
  /** Every byte received so far, for messages. */
  received = 0;

  private constructor(readonly socket: Socket) {
    socket.on("data", (d: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, d]) : d;
      this.received += d.length;
      this.wake?.();
    });
    const end = () => {
      this.ended = true;
      this.wake?.();
    };
    socket.on("end", end);
    socket.on("close", end);
    socket.on("error", end); // ECONNRESET after a server's rejection is a close too
  }

  static open(port: number, host = "127.0.0.1", timeoutMs = DEFAULT_WAIT_MS): Promise<RawHttp1> {
    return new Promise((resolve, reject) => {
      const socket = connectTcp({ port, host, noDelay: true });
      const timer = setTimeout(() => (socket.destroy(), reject(new Error("connect timed out"))), timeoutMs);
      socket.once("connect", () => (clearTimeout(timer), resolve(new RawHttp1(socket))));
      socket.once("error", (e) => (clearTimeout(timer), reject(e)));
    });
  }

  /** True once the server closed (or reset) the connection. */
  get closed(): boolean {
    return this.ended;
  }

  /** Writes bytes as they are; resolves once node has handed them to the kernel (or they are buffered, if it cannot). */
  write(data: string | Buffer): Promise<void> {
    const bytes = typeof data === "string" ? Buffer.from(data, "latin1") : data;
    return new Promise((resolve) => {
      if (this.socket.destroyed || this.socket.writableEnded) return resolve();
      this.socket.write(bytes, () => resolve());
    });
  }

  /** Writes `data` in pieces of `size` bytes, one per turn of the event loop (setImmediate), so that each may be read on its own. */
  async dribble(data: string | Buffer, size = 1): Promise<void> {
    const bytes = typeof data === "string" ? Buffer.from(data, "latin1") : data;
    for (let at = 0; at < bytes.length; at += size) {
      await this.write(bytes.subarray(at, at + size));
      await new Promise((r) => setImmediate(r));
    }
  }

  /** Waits until `ready` says yes, the connection ends, or `timeoutMs` passes (then throws, saying `what`). */
  private async until(ready: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; unread: ${JSON.stringify(this.buffer.toString("latin1", 0, 600))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => (clearTimeout(timer), resolve());
      });
      this.wake = undefined;
    }
  }

  /** The next response, whole (`method` is the request's, for HEAD). A 1xx comes as a response of its own. */
  async read(method = "GET", timeoutMs = DEFAULT_WAIT_MS): Promise<RawResponse> {
    let result: { response: RawResponse; size: number } | undefined;
    const attempt = () => {
      try {
        result = parseResponse(this.buffer, method, this.ended);
        return true;
      } catch (e) {
        if (e instanceof NeedMore) {
          if (this.ended) throw new Error(this.buffer.length ? `the connection closed in a response: ${JSON.stringify(this.buffer.toString("latin1", 0, 600))}` : "the connection closed with no response");
          return false;
        }
        throw e;
      }
    };
    await this.until(attempt, `a response to ${method}`, timeoutMs);
    this.buffer = this.buffer.subarray(result!.size);
    return result!.response;
  }

  /** Resolves once the server closes the connection; throws if it does not within `timeoutMs`. Returns the bytes that came unread before the close. */
  async closedByServer(timeoutMs = DEFAULT_WAIT_MS): Promise<Buffer> {
    await this.until(() => this.ended, "the server to close the connection", timeoutMs);
    const rest = this.buffer;
    this.buffer = Buffer.alloc(0);
    return rest;
  }

  /** Resolves after `ms` with true if the connection is still open (nothing closed it), for negative checks. */
  async stillOpenAfter(ms: number): Promise<boolean> {
    await this.until(() => this.ended, "", ms).catch(() => {});
    return !this.ended;
  }

  /** Bytes received and not yet read as a response. */
  get unread(): Buffer {
    return this.buffer;
  }

  /** Stops reading the socket (the server's writes pile up in the kernel, then in the server). */
  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    this.socket.resume();
  }

  /** Ends the client's side (a half-close: FIN after what was written); reading goes on. */
  endWriting(): void {
    this.socket.end();
  }

  close(): void {
    this.socket.destroy();
  }
}
