import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { waitForDrain } from "../../protocol/write-message.js";
import type { HeaderMap } from "../call-exchange.js";
import { bytesOf, type BodyChunk, type HttpExchange } from "../http-exchange.js";
import { checkResponseField } from "./field-syntax.js";
import { httpDate } from "./http-date.js";
import type { RequestHead } from "./request-head.js";

/** What an exchange needs of its connection. */
export interface Http1Host {
  readonly socket: Socket;
  /** The connection will close after this response (the client asked, the server is shutting down). */
  readonly closing: boolean;
  /** Writes the response's bytes, in order, as one write. */
  send(parts: (string | Uint8Array)[]): void;
  /** The response has ended (`bodyDone`: and the request body had too). */
  responseEnded(exchange: Http1Exchange): void;
  /** The reader resumed: take more of the request body off the socket. */
  bodyWanted(): void;
}

/** Request body bytes held for a paused reader before the connection stops reading the socket. */
const BODY_HIGH_WATER = 64 * 1024;
const EMPTY = new Uint8Array(0);

type Framing = "length" | "chunked" | "close" | "none";

/**
 * One request and its response on tsgrpc's HTTP/1.1 engine, as the router's HttpExchange: the request body as the
 * connection decodes it (held while the reader is paused), and the response written straight to the socket, its head
 * and first bytes in one write. Framing follows RFC 9112 6: a Content-Length when the whole body is known (given, or
 * the body comes in one `end`), else chunked (close-delimited for an HTTP/1.0 client); no body at all for HEAD, 1xx,
 * 204 and 304.
 */
export class Http1Exchange implements HttpExchange {
  headersSent = false;
  /** The response has ended. */
  finished = false;
  /** The request body has ended (all of it taken off the connection). */
  bodyDone = false;
  private aborted = false;
  private onData: ((chunk: Uint8Array) => void) | undefined;
  private onEnd: (() => void) | undefined;
  private onClose: (() => void) | undefined;
  private paused = false;
  private discarding = false;
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private endPending = false;
  private closeDelivered = false;
  /** The response head, kept until the first body bytes (or the end) go with it. */
  private head: string | undefined;
  private framing: Framing = "none";
  private noBody = false;
  private closeAfter = false;
  private continued = false;

  constructor(
    private readonly host: Http1Host,
    readonly request: RequestHead,
  ) {}

  get socket(): Socket {
    return this.host.socket;
  }

  get closed(): boolean {
    return this.finished || this.aborted;
  }

  get needsDrain(): boolean {
    return this.host.socket.writableNeedDrain;
  }

  drained(): Promise<void> {
    const socket = this.host.socket;
    return !socket.writableNeedDrain || this.closed ? Promise.resolve() : waitForDrain(socket);
  }

  /** The connection stops reading the socket while a paused reader holds this much. */
  get bodyBlocked(): boolean {
    return this.bufferedBytes > BODY_HIGH_WATER;
  }

  // ---- The request body (HttpExchange's reading side).

  read(onData: (chunk: Uint8Array) => void, onEnd: () => void, onClose: () => void): void {
    this.onData = onData;
    this.onEnd = onEnd;
    this.onClose = onClose;
    this.flush();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.flush();
    this.host.bodyWanted();
  }

  /** `Expect: 100-continue`: the interim 100 once the body is first wanted (read, not paused), unless answered already. */
  private continueOnce(): void {
    if (!this.request.expectsContinue || this.continued || this.bodyDone || this.headersSent) return;
    this.continued = true;
    this.host.send(["HTTP/1.1 100 Continue\r\n\r\n"]);
  }

  /** A response abandoned half-way: only closing the connection tells the client it is not whole. */
  reset(): void {
    if (!this.finished) this.host.socket.destroy();
  }

  discardRest(): void {
    this.discarding = true;
    this.buffered = [];
    this.bufferedBytes = 0;
  }

  /** Body bytes from the connection. */
  receive(chunk: Buffer): void {
    if (this.discarding || this.aborted) return;
    if (this.paused || !this.onData || this.buffered.length > 0) {
      this.buffered.push(chunk);
      this.bufferedBytes += chunk.length;
      return;
    }
    this.onData(chunk);
  }

  /** The request body ended. */
  receiveEnd(): void {
    this.bodyDone = true;
    this.endPending = true;
    this.flush();
  }

  /** The connection closed under the exchange (the client went away, or the server destroyed it). */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.buffered = [];
    this.deliverClose();
  }

  private flush(): void {
    if (!this.onData) return;
    if (!this.paused) this.continueOnce();
    while (this.buffered.length > 0 && !this.paused && !this.discarding) {
      const chunk = this.buffered.shift()!;
      this.bufferedBytes -= chunk.length;
      this.onData(chunk);
    }
    if (this.endPending && this.buffered.length === 0 && !this.paused) {
      this.endPending = false;
      if (!this.discarding && !this.aborted) this.onEnd?.();
    }
  }

  private deliverClose(): void {
    if (this.closeDelivered || !this.onClose) return;
    this.closeDelivered = true;
    this.onClose();
  }

  /** An expectation the server does not meet: 417, and the body (sent anyway, or not) dropped. */
  refuseExpectation(): void {
    this.discardRest();
    const body = `Expectation "${this.request.headers.expect}" is not supported\n`;
    this.respond(417, { "content-type": "text/plain; charset=utf-8", "content-length": String(Buffer.byteLength(body)) }, false);
    this.end(body);
  }

  // ---- The response (HttpExchange's writing side).

  respond(status: number, headers: HeaderMap, end: boolean): void {
    if (this.headersSent || this.closed) return;
    if (!Number.isInteger(status) || status < 100 || status > 999) throw new RangeError(`Invalid status code ${status}`);
    let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Unknown"}\r\n`;
    let length: string | undefined;
    let dated = false;
    for (const name in headers) {
      const value = headers[name]!;
      checkResponseField(name, value); // before anything is sent: a handler that catches it can still answer
      if (name === "content-length") length = String(value);
      else if (name === "date") dated = true;
      else if (name === "connection") this.closeAfter ||= /(^|,)\s*close\s*(,|$)/i.test(String(value));
      if (name === "connection" || name === "transfer-encoding" || name === "keep-alive") continue;
      if (typeof value === "string") head += `${name}: ${value}\r\n`;
      else for (const v of value) head += `${name}: ${v}\r\n`;
    }
    this.headersSent = true;
    this.noBody = this.request.method === "HEAD" || status < 200 || status === 204 || status === 304;
    this.head = dated ? head : `${head}date: ${httpDate()}\r\n`;
    if (length !== undefined) this.framing = "length";
    else if (end && !this.noBody) {
      this.framing = "length";
      this.head += "content-length: 0\r\n";
    }
    if (end) this.end();
  }

  write(chunk: BodyChunk): void {
    if (this.closed) return;
    if (!this.headersSent) this.respond(200, {}, false);
    const bytes = bytesOf(chunk);
    if (bytes.length === 0) return;
    this.send(this.framed(bytes, false));
  }

  end(chunk?: BodyChunk): void {
    if (this.closed) return;
    if (!this.headersSent) this.respond(200, {}, false);
    const bytes = chunk === undefined ? EMPTY : bytesOf(chunk);
    this.finished = true;
    this.send(this.framed(bytes, true));
    this.host.responseEnded(this);
    this.deliverClose();
  }

  /** The body bytes as they go on the wire, after the head if it is still to go (which then gets its framing). */
  private framed(bytes: Uint8Array, last: boolean): (string | Uint8Array)[] {
    const parts: (string | Uint8Array)[] = [];
    if (this.head !== undefined) {
      if (this.framing === "none" && !this.noBody) {
        if (last) {
          this.framing = "length";
          this.head += `content-length: ${bytes.length}\r\n`;
        } else if (this.request.version === "1.1") {
          this.framing = "chunked";
          this.head += "transfer-encoding: chunked\r\n";
        } else {
          this.framing = "close";
        }
      }
      // Whether the connection goes on is settled as the head goes out, and said in it (RFC 9112 9.6).
      this.closeAfter ||= this.host.closing || this.request.close || this.framing === "close" || (last && !this.bodyDone);
      parts.push(`${this.head}${this.closeAfter ? "connection: close\r\n" : this.request.version === "1.0" ? "connection: keep-alive\r\n" : ""}\r\n`);
      this.head = undefined;
    }
    if (this.noBody) return parts;
    if (this.framing === "chunked") {
      if (bytes.length > 0) parts.push(`${bytes.length.toString(16)}\r\n`, bytes, last ? "\r\n0\r\n\r\n" : "\r\n");
      else if (last) parts.push("0\r\n\r\n");
    } else if (bytes.length > 0) {
      parts.push(bytes);
    }
    return parts;
  }

  /** The connection closes after this response: its head said so (close-delimited HTTP/1.0 bodies among them). */
  get closesConnection(): boolean {
    return this.closeAfter;
  }

  private send(parts: (string | Uint8Array)[]): void {
    if (parts.length > 0) this.host.send(parts);
  }
}
