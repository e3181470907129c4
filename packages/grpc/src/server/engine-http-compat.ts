import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { HeaderObject } from "@tsgrpc/http2";
import { EngineDuplex } from "./engine-duplex.js";

/**
 * node's request and response API over a stream of the HTTP/2 engine, for the server's `httpHandler` (a web page, a
 * probe): the request is a Readable with method, url and headers; the response has statusCode, setHeader/getHeader/
 * removeHeader, writeHead, write, end and headersSent, which is what static-file and small routing handlers use.
 */
export function compatRequestResponse(body: EngineDuplex): [IncomingMessage, ServerResponse] {
  const stream = body.stream;
  const headers = stream.headers as HeaderObject;
  const request = Object.assign(body, {
    method: headers[":method"],
    url: headers[":path"],
    headers,
    httpVersion: "2.0",
    socket: stream.socket,
  });
  return [request as unknown as IncomingMessage, new CompatResponse(body) as unknown as ServerResponse];
}

class CompatResponse {
  statusCode = 200;
  private readonly fields = new Map<string, string | number | readonly string[]>();

  constructor(private readonly body: EngineDuplex) {}

  get headersSent(): boolean {
    return this.body.stream.headersSent;
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
    return this.body.write(chunk, callback);
  }

  end(chunk?: string | Uint8Array | (() => void), callback?: () => void): this {
    if (typeof chunk === "function") [chunk, callback] = [undefined, chunk];
    if (!this.headersSent) this.sendHeaders(chunk === undefined || chunk.length === 0);
    if (this.body.stream.localEnded) callback?.();
    else this.body.end(chunk, callback);
    return this;
  }

  on(event: string, listener: (...args: unknown[]) => void): this {
    this.body.on(event, listener);
    return this;
  }

  once(event: string, listener: (...args: unknown[]) => void): this {
    this.body.once(event, listener);
    return this;
  }

  private sendHeaders(endStream: boolean): void {
    if (this.headersSent) return;
    this.body.stream.respond({ ":status": this.statusCode, ...Object.fromEntries(this.fields) }, endStream);
  }
}
