import { TOKEN_CLASS } from "./field-syntax.js";
import { Http1Error } from "./http1-error.js";
import type { BodyFraming } from "./request-head.js";

/**
 * Takes a request body's bytes off the connection's input as they arrive, by its framing: a Content-Length, or
 * chunked (RFC 9112 7.1: sizes in hex, extensions and trailer fields read and dropped). `push` hands the body's data
 * to `onData` as views of `bytes` and says how many bytes it took; `done` once the body has ended.
 */
export interface BodyDecoder {
  readonly done: boolean;
  push(bytes: Buffer, at: number, onData: (chunk: Buffer) => void): number;
}

export function bodyDecoder(framing: BodyFraming): BodyDecoder {
  if (framing.kind === "length") return new LengthDecoder(framing.length);
  if (framing.kind === "chunked") return new ChunkedDecoder();
  return { done: true, push: () => 0 };
}

class LengthDecoder implements BodyDecoder {
  constructor(private remaining: number) {}

  get done(): boolean {
    return this.remaining === 0;
  }

  push(bytes: Buffer, at: number, onData: (chunk: Buffer) => void): number {
    const n = Math.min(this.remaining, bytes.length - at);
    if (n === 0) return 0;
    this.remaining -= n;
    onData(bytes.subarray(at, at + n));
    return n;
  }
}

/** Longest chunk-size line (size and extensions) and trailer section taken. */
const MAX_LINE = 4096;
const MAX_TRAILERS = 16 * 1024;
/** chunk-size [ chunk-ext ]: hex digits, then `;name[=value]` extensions with optional whitespace around. */
const SIZE_LINE = new RegExp(`^([0-9a-fA-F]{1,13})[ \\t]*(?:;[ \\t]*${TOKEN_CLASS}+(?:[ \\t]*=[ \\t]*(?:${TOKEN_CLASS}+|"(?:[^"\\\\\\x00-\\x08\\x0a-\\x1f\\x7f]|\\\\[\\t\\x20-\\x7e\\x80-\\xff])*"))?[ \\t]*)*$`);
const TRAILER_LINE = new RegExp(`^${TOKEN_CLASS}+:[^\\x00-\\x08\\x0a-\\x1f\\x7f]*$`);

type ChunkState = "size" | "data" | "data-end" | "trailers" | "done";

class ChunkedDecoder implements BodyDecoder {
  private state: ChunkState = "size";
  /** The chunk's bytes not yet read. */
  private remaining = 0;
  /** The line read so far (a size line or a trailer field), when it spans input chunks. */
  private line = "";
  private trailerBytes = 0;

  get done(): boolean {
    return this.state === "done";
  }

  push(bytes: Buffer, at: number, onData: (chunk: Buffer) => void): number {
    const start = at;
    while (at < bytes.length && this.state !== "done") {
      if (this.state === "data") {
        const n = Math.min(this.remaining, bytes.length - at);
        onData(bytes.subarray(at, at + n));
        at += n;
        this.remaining -= n;
        if (this.remaining === 0) this.state = "data-end";
        continue;
      }
      const lineEnd = bytes.indexOf(0x0a, at);
      const to = lineEnd < 0 ? bytes.length : lineEnd + 1;
      if (this.line.length + (to - at) > (this.state === "trailers" ? MAX_TRAILERS : MAX_LINE)) throw new Http1Error(400, "Chunked body: line too long");
      this.line += bytes.toString("latin1", at, to);
      at = to;
      if (lineEnd < 0) break;
      if (!this.line.endsWith("\r\n")) throw new Http1Error(400, "Chunked body: a line ends in a bare LF");
      const line = this.line.slice(0, -2);
      this.line = "";
      this.onLine(line);
    }
    return at - start;
  }

  private onLine(line: string): void {
    switch (this.state) {
      case "size": {
        const size = SIZE_LINE.exec(line);
        if (!size) throw new Http1Error(400, "Chunked body: invalid chunk size line");
        this.remaining = parseInt(size[1]!, 16);
        this.state = this.remaining === 0 ? "trailers" : "data";
        return;
      }
      case "data-end":
        if (line !== "") throw new Http1Error(400, "Chunked body: chunk data longer than its size");
        this.state = "size";
        return;
      case "trailers":
        if (line === "") {
          this.state = "done";
          return;
        }
        this.trailerBytes += line.length + 2;
        if (this.trailerBytes > MAX_TRAILERS) throw new Http1Error(431, "Chunked body: trailer section too large");
        if (!TRAILER_LINE.test(line)) throw new Http1Error(400, "Chunked body: malformed trailer field");
    }
  }
}
