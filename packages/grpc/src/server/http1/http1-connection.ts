import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { bodyDecoder, type BodyDecoder } from "./body-decoder.js";
import { httpDate } from "./http-date.js";
import { Http1Error } from "./http1-error.js";
import { Http1Exchange, type Http1Host } from "./http1-exchange.js";
import { parseRequestHead } from "./request-head.js";

/** The engine's timeouts, in ms (see Http1Connection.checkTimeouts). */
export interface Http1Timeouts {
  keepAliveMs: number;
  headersMs: number;
  stalledMs: number;
}

export interface Http1ConnectionOptions {
  /** Largest request head (request line and header fields), in bytes: larger is 431. */
  maxHeadSize: number;
  /** A request whose head has been read, with its exchange; its body follows through the exchange. */
  onRequest(exchange: Http1Exchange): void;
  /** The connection closed. */
  onClose(connection: Http1Connection): void;
  /** A coarse clock (ms) for the timeouts. */
  now(): number;
  /** Where an unexpected error while serving a request is reported. */
  logError(message: string, error: unknown): void;
}

/** Input held (read past the current request while its response is still being made) before the socket is paused. */
const MAX_HELD = 64 * 1024;
/** Responses up to this size go out as one copied buffer. */
const COPY_LIMIT = 16 * 1024;
/** How long a closing connection lingers once its last bytes have gone (reading and dropping what the client still sends). */
const LINGER_MS = 2000;

/**
 * One HTTP/1.1 connection of tsgrpc's engine: it parses requests off the socket one at a time, hands each to
 * `onRequest` with its exchange, feeds it the body, and starts on the next request (pipelined or not) once the
 * response has ended, so that responses go out in request order. The socket is paused while a reader holds too much
 * body, while input read ahead of the current response piles up, and while the client is not reading responses.
 * A malformed request is answered with its 4xx status and the connection closed.
 */
export class Http1Connection implements Http1Host {
  /** Input not yet parsed. */
  private input: Buffer | undefined;
  private exchange: Http1Exchange | undefined;
  private body: BodyDecoder | undefined;
  private processing = false;
  private again = false;
  private paused = false;
  /** No more requests are read: the connection closes once the current response is out. */
  closing = false;
  private ended = false;
  /** When the connection last finished a response or opened (the server's coarse clock), for the keep-alive timeout. */
  private idleSince: number;
  /** When the first bytes of an incomplete request head arrived, for the header timeout. */
  private headSince: number | undefined;
  /** When the client last did something: sent bytes, or read what was written (its drain). */
  private heardAt: number;
  /** The bytes waiting to go to the client at the last sweep, to tell whether it reads them. */
  private lastPending = 0;

  constructor(
    readonly socket: Socket,
    private readonly options: Http1ConnectionOptions,
  ) {
    this.idleSince = this.heardAt = options.now();
    // The client's FIN ends the connection and cancels what is in flight (the socket's default, allowHalfOpen false):
    // it is how browsers and fetch abort a request, and TCP does not tell that from a half-close.
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("drain", () => {
      this.heardAt = this.options.now();
      this.process();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      this.exchange?.abort();
      this.options.onClose(this);
    });
  }

  /** Closes once the current response (if any) is out; an idle connection closes now. */
  closeWhenDone(): void {
    this.closing = true;
    if (this.exchange === undefined) this.endSocket();
  }

  /**
   * The engine's sweep, on its coarse clock: a request head still incomplete after `headersMs` gets 408; a client that
   * keeps the server waiting (for the rest of a request body the reader wants, or to read what was written) for
   * `stalledMs` loses the connection (408 if nothing was answered yet); a connection with nothing in progress and
   * nothing left to send closes after `keepAliveMs`.
   */
  checkTimeouts(now: number, limits: Http1Timeouts): void {
    const pending = this.socket.writableLength;
    if (pending < this.lastPending) this.heardAt = now; // the client is reading
    this.lastPending = pending;
    if (this.headSince !== undefined && now - this.headSince >= limits.headersMs) {
      this.refuse(new Http1Error(408, "The request head took too long to arrive"));
    } else if (this.waitingOnClient(pending) && now - this.heardAt >= limits.stalledMs) {
      if (pending > 0) this.socket.destroy();
      else this.refuse(new Http1Error(408, "The request body stopped arriving"));
    } else if (this.exchange !== undefined || this.input !== undefined || pending > 0) {
      this.idleSince = now;
    } else if (now - this.idleSince >= limits.keepAliveMs) {
      this.socket.destroy();
    }
  }

  /** Waiting on the client: for the rest of a request body that is wanted, or to read bytes written to it. */
  private waitingOnClient(pending: number): boolean {
    return pending > 0 || (this.exchange !== undefined && !this.exchange.bodyDone && !this.paused && !this.ended);
  }

  private onData(chunk: Buffer): void {
    this.heardAt = this.options.now();
    if (this.ended) return; // lingering after a close: read and drop
    this.input = this.input === undefined ? chunk : Buffer.concat([this.input, chunk]);
    this.process();
  }

  /** Takes what it can of the input: the current request's body, else the next request's head. */
  private process(): void {
    if (this.processing) {
      this.again = true;
      return;
    }
    this.processing = true;
    try {
      do {
        this.again = false;
        this.step();
      } while (this.again && !this.ended);
    } catch (e) {
      // Not the request's fault (an httpHandler that throws, a bug): reported, and the client gets a 500, not a hang;
      // the server goes on.
      if (!(e instanceof Http1Error)) this.options.logError("HTTP/1.1 request failed", e);
      this.refuse(e instanceof Http1Error ? e : new Http1Error(500, "Internal server error"));
    } finally {
      this.processing = false;
    }
  }

  private step(): void {
    let at = 0;
    const input = this.input;
    try {
      while (input !== undefined && at < input.length && !this.ended) {
        const exchange = this.exchange;
        if (exchange !== undefined) {
          if (!this.body!.done) {
            if (exchange.bodyBlocked) return this.pause();
            const took = this.body!.push(input, at, (chunk) => exchange.receive(chunk));
            at += took;
            if (this.body!.done) exchange.receiveEnd();
            else if (took === 0) break;
            continue;
          }
          // Read ahead of the current response (a pipelined request): held until the response is out.
          if (input.length - at > MAX_HELD) return this.pause();
          break;
        }
        if (this.closing) {
          at = input.length; // nothing more is served on a closing connection
          break;
        }
        if (this.socket.writableNeedDrain) return this.pause(); // the client is not reading its responses
        const parsed = parseRequestHead(input, at, this.options.maxHeadSize);
        if (parsed === undefined) {
          this.headSince ??= this.options.now();
          break;
        }
        this.headSince = undefined;
        at = parsed.bodyStart;
        const { head } = parsed;
        if (head.close) this.closing = true;
        const next = new Http1Exchange(this, head);
        this.exchange = next;
        this.body = bodyDecoder(head.framing);
        // The body's bytes already here go first, so that a small request is whole when it is dispatched.
        at += this.body.push(input, at, (chunk) => next.receive(chunk));
        if (this.body.done) next.receiveEnd();
        if (head.unmetExpectation) next.refuseExpectation();
        else this.options.onRequest(next);
      }
    } finally {
      if (this.input === input) this.input = input === undefined || at >= input.length ? undefined : at === 0 ? input : input.subarray(at);
    }
    if (this.paused && !this.ended) this.resumeSocket();
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.socket.pause();
  }

  private resumeSocket(): void {
    this.paused = false;
    this.socket.resume();
  }

  // ---- Http1Host, for the current exchange.

  /** The parts as one write: copied into one buffer when small (a writev of several costs more than the copy), else corked. */
  send(parts: (string | Uint8Array)[]): void {
    const socket = this.socket;
    if (socket.destroyed) return;
    if (parts.length === 1) {
      socket.write(parts[0]!, "latin1");
      return;
    }
    let size = 0;
    for (const part of parts) size += part.length; // the strings are heads and chunk framing: latin1, a byte a character
    if (size <= COPY_LIMIT) {
      const out = Buffer.allocUnsafe(size);
      let at = 0;
      for (const part of parts) {
        if (typeof part === "string") at += out.write(part, at, "latin1");
        else {
          out.set(part, at);
          at += part.length;
        }
      }
      socket.write(out);
      return;
    }
    socket.cork();
    for (const part of parts) socket.write(part, "latin1");
    socket.uncork();
  }

  responseEnded(exchange: Http1Exchange): void {
    if (exchange !== this.exchange) return;
    if (!exchange.bodyDone || exchange.closesConnection) {
      // The rest of an unread body cannot be told from the next request: close (lingering, so that what the client
      // still sends does not turn into a reset that loses the response).
      this.closing = true;
      this.endSocket();
      return;
    }
    this.exchange = undefined;
    this.body = undefined;
    this.idleSince = this.options.now();
    if (this.closing) return this.endSocket();
    this.process();
  }

  bodyWanted(): void {
    if (this.paused) this.process();
  }

  /** Answers a request the engine refuses, and closes. */
  private refuse(error: Http1Error): void {
    if (this.ended) return;
    if (this.exchange === undefined || !this.exchange.headersSent) {
      const body = `${error.message}\n`;
      this.send([`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\ncontent-type: text/plain; charset=utf-8\r\nx-content-type-options: nosniff\r\ncontent-length: ${Buffer.byteLength(body, "latin1")}\r\ndate: ${httpDate()}\r\nconnection: close\r\n\r\n${body}`]);
    }
    this.exchange?.abort();
    this.closing = true;
    this.endSocket();
  }

  /** Ends our side once what is written has gone; the client's remaining bytes are read and dropped for a while. */
  private endSocket(): void {
    if (this.ended) return;
    this.ended = true;
    this.input = undefined;
    // The linger starts once what was written has gone to the kernel: a large answer to a slow reader is not cut off
    // (a reader that stops altogether is the stalled timeout's).
    this.socket.end(() => setTimeout(() => this.socket.destroy(), LINGER_MS).unref());
    if (this.paused) this.resumeSocket();
  }
}
