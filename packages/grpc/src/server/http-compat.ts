import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { Readable, Writable } from "node:stream";
import { checkResponseField } from "./http1/field-syntax.js";
import type { HttpExchange } from "./http-exchange.js";

/** What the compatibility request carries besides its body. */
export interface CompatRequestHead {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  httpVersion: string;
}

/**
 * node's request and response API over an HttpExchange of tsgrpc's own engines, for the server's `httpHandler` (a
 * web page, a probe): the request is a Readable with method, url, headers and httpVersion; the response is a Writable
 * (so `pipe` and `pipeline` work, with node's backpressure and events) with statusCode, setHeader/getHeader/
 * removeHeader/hasHeader, writeHead and headersSent, which is what static-file and small routing handlers use.
 */
export function compatRequestResponse(http: HttpExchange, head: CompatRequestHead): [IncomingMessage, ServerResponse] {
  const body = new CompatRequest(http);
  const request = Object.assign(body, { ...head, socket: http.socket });
  const response = new CompatResponse(http);
  // The exchange's close (the response done, or the client gone) ends both.
  body.once("exchange-close", () => response.exchangeClosed());
  return [request as unknown as IncomingMessage, response as unknown as ServerResponse];
}

/** The request body as a Readable: read from the exchange only when the handler reads (no 100 Continue before). */
class CompatRequest extends Readable {
  constructor(private readonly http: HttpExchange) {
    super();
    http.pause();
    http.read(
      (chunk) => {
        if (!this.push(chunk)) http.pause();
      },
      () => this.push(null),
      () => {
        if (!this.readableEnded) this.destroy();
        this.emit("exchange-close");
      },
    );
  }

  override _read(): void {
    this.http.resume();
  }
}

class CompatResponse extends Writable {
  statusCode = 200;
  private readonly fields = new Map<string, string | number | readonly string[]>();
  /** A body given whole to `end` before anything was written: it goes with the end, so that it gets a content-length. */
  private last: Uint8Array | string | undefined;

  constructor(private readonly http: HttpExchange) {
    super({ decodeStrings: false });
  }

  get headersSent(): boolean {
    return this.http.headersSent;
  }

  setHeader(name: string, value: string | number | readonly string[]): this {
    checkResponseField(name, value); // node:http throws here, not at the first write
    this.fields.set(name.toLowerCase(), value);
    return this;
  }

  getHeader(name: string): string | number | readonly string[] | undefined {
    return this.fields.get(name.toLowerCase());
  }

  removeHeader(name: string): void {
    this.fields.delete(name.toLowerCase());
  }

  hasHeader(name: string): boolean {
    return this.fields.has(name.toLowerCase());
  }

  writeHead(status: number, headers?: OutgoingHttpHeaders | string, more?: OutgoingHttpHeaders): this {
    const given = Object.entries((typeof headers === "string" ? more : headers) ?? {}).filter(([, v]) => v !== undefined) as [string, string | number | string[]][];
    for (const [name, value] of given) checkResponseField(name, value); // all or none, as node:http
    this.statusCode = status;
    for (const [name, value] of given) this.setHeader(name, value);
    this.sendHeaders(false);
    return this;
  }

  override end(chunk?: unknown, encoding?: unknown, callback?: unknown): this {
    if ((typeof chunk === "string" || chunk instanceof Uint8Array) && this.writableLength === 0 && !this.headersSent) {
      this.last = chunk;
      return super.end(encoding as never, callback as never);
    }
    return super.end(chunk as never, encoding as never, callback as never);
  }

  override _write(chunk: Uint8Array | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.sendHeaders(false);
    this.http.write(chunk);
    if (this.http.needsDrain) void this.http.drained().then(() => callback());
    else callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    const last = this.last;
    this.sendHeaders(last === undefined || last.length === 0);
    if (!this.http.closed) this.http.end(last);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // A response abandoned half-way cannot be ended as if whole: the exchange is reset (the connection, on HTTP/1.1).
    if (!this.http.closed) this.http.reset();
    callback(error);
  }

  /** The exchange closed under the response (the client went away): the Writable is done too. */
  exchangeClosed(): void {
    if (!this.writableEnded && !this.destroyed) this.destroy();
  }

  private sendHeaders(end: boolean): void {
    if (this.headersSent) return;
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of this.fields) headers[name] = typeof value === "number" ? String(value) : (value as string | string[]);
    this.http.respond(this.statusCode, headers, end);
  }
}
