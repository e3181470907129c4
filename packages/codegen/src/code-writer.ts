/** Lines buffered before a CodeWriter with a sink hands them on. */
const FLUSH_LINES = 4096;

/**
 * Builds indented TypeScript source line by line: into one string (`toString`), or, given a `sink`, handed on in
 * chunks of whole lines as it goes, so that a huge module is never held whole.
 */
export class CodeWriter {
  private lines: string[] = [];
  private depth = 0;

  constructor(private readonly sink?: (chunk: string) => void) {}

  line(text = ""): this {
    this.lines.push(text ? "  ".repeat(this.depth) + text : "");
    if (this.sink && this.lines.length >= FLUSH_LINES) this.flush();
    return this;
  }

  /** Writes `open`, runs `body` one level deeper, then writes `close`. */
  block(open: string, body: () => void, close = "}"): this {
    this.line(open);
    this.depth++;
    body();
    this.depth--;
    return this.line(close);
  }

  /** Hands what is buffered to the sink. */
  flush(): void {
    if (!this.sink || this.lines.length === 0) return;
    const chunk = this.lines.join("\n") + "\n";
    this.lines = [];
    this.sink(chunk);
  }

  toString(): string {
    if (this.sink) throw new Error("CodeWriter.toString: this writer hands its lines to a sink");
    return this.lines.join("\n") + "\n";
  }
}
