import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { HttpExchange } from "./http-exchange.js";

/** What the compatibility request carries besides its body. */
export interface RequestHead {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  httpVersion: string;
}

/**
 * node's request and response API over an HttpExchange of tsgrpc's own engines, for the server's `httpHandler` (a
 * web page, a probe): the request is a Readable with method, url, headers and httpVersion; the response has
 * statusCode, setHeader/getHeader/removeHeader, writeHead, write, end and headersSent, which is what static-file and
 * small routing handlers use.
 */
export function compatRequestResponse(http: HttpExchange, head: RequestHead): [IncomingMessage, ServerResponse] {
  const body = new CompatRequest(http);
  const request = Object.assign(body, { ...head, socket: http.socket });
  return [request as unknown as IncomingMessage, new CompatResponse(http, body) as unknown as ServerResponse];
}

/** The request body as a Readable; the exchange's close (response done, or client gone) ends the stream. */
class CompatRequest extends Readable {
  constructor(private readonly http: HttpExchange) {
    super();
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
    http.pause();
  }

  override _read(): void {
    this.http.resume();
  }
}

class CompatResponse {
  statusCode = 200;
  private readonly fields = new Map<string, string | number | readonly string[]>();

  constructor(
    private readonly http: HttpExchange,
    private readonly request: CompatRequest,
  ) {}

  get headersSent(): boolean {
    return this.http.headersSent;
  }

  get writableEnded(): boolean {
    return this.http.closed;
  }

  setHeader(name: string, value: string | number | readonly string[]): this {
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
    this.statusCode = status;
    const extra = typeof headers === "string" ? more : headers;
    for (const [name, value] of Object.entries(extra ?? {})) if (value !== undefined) this.setHeader(name, value);
    this.sendHeaders(false);
    return this;
  }

  write(chunk: string | Uint8Array, callback?: () => void): boolean {
    this.sendHeaders(false);
    this.http.write(chunk);
    if (callback) void this.http.drained().then(callback);
    return !this.http.needsDrain;
  }

  end(chunk?: string | Uint8Array | (() => void), callback?: () => void): this {
    if (typeof chunk === "function") [chunk, callback] = [undefined, chunk];
    if (!this.headersSent) this.sendHeaders(chunk === undefined || chunk.length === 0);
    if (!this.http.closed) this.http.end(chunk);
    callback?.();
    return this;
  }

  /** "drain", and "close" and "finish" (both the exchange's close): what handlers listen for on a response. */
  on(event: string, listener: () => void): this {
    if (event === "close" || event === "finish") this.request.once("exchange-close", listener);
    else if (event === "drain") void this.http.drained().then(listener);
    return this;
  }

  once(event: string, listener: () => void): this {
    return this.on(event, listener);
  }

  private sendHeaders(end: boolean): void {
    if (this.headersSent) return;
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of this.fields) headers[name] = typeof value === "number" ? String(value) : (value as string | string[]);
    this.http.respond(this.statusCode, headers, end);
  }
}
