import type { Diagnostic } from "./diagnostics.js";

export const enum TokenType {
  Start,
  End,
  Identifier,
  Integer,
  Float,
  String,
  Symbol,
}

export interface Token {
  type: TokenType;
  text: string;
  /** 0-based line; columns count UTF-8 bytes, with tabs to the next multiple of 8, as protoc counts them. */
  line: number;
  column: number;
  endColumn: number;
}

const TAB_WIDTH = 8;

const isLetter = (c: string) => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
const isDigit = (c: string) => c >= "0" && c <= "9";
const isOctal = (c: string) => c >= "0" && c <= "7";
const isHex = (c: string) => isDigit(c) || (c >= "a" && c <= "f") || (c >= "A" && c <= "F");
const isAlnum = (c: string) => isLetter(c) || isDigit(c);
const isWhitespaceNoNewline = (c: string) => c === " " || c === "\t" || c === "\r" || c === "\v" || c === "\f";
const isUnprintable = (c: string) => c < " " && c > "\0";

/**
 * The .proto tokenizer, with protoc's rules for positions and for attaching comments to declarations (leading,
 * trailing and detached comments), because source code info must match protoc's.
 */
export class Tokenizer {
  current: Token = { type: TokenType.Start, text: "", line: 0, column: 0, endColumn: 0 };
  previous: Token = this.current;
  private pos = 0;
  private line = 0;
  private column = 0;
  private ch: string;
  private recordStart = -1;
  private tokenStart = 0;

  constructor(private readonly text: string, private readonly file: string, private readonly diagnostics: Diagnostic[]) {
    this.ch = text[0] ?? "\0";
  }

  private error(message: string, line = this.line, column = this.column): void {
    this.diagnostics.push({ file: this.file, line, column, message });
  }

  private get atEof(): boolean {
    return this.pos >= this.text.length;
  }

  private nextChar(): void {
    const c = this.ch;
    if (c === "\n") {
      this.line++;
      this.column = 0;
    } else if (c === "\t") {
      this.column += TAB_WIDTH - (this.column % TAB_WIDTH);
    } else {
      const code = c.charCodeAt(0);
      this.column += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdbff ? 4 : 3;
      if (code >= 0xd800 && code <= 0xdbff) this.pos++;
    }
    this.pos++;
    this.ch = this.pos < this.text.length ? this.text[this.pos]! : "\0";
  }

  private tryConsumeHex(): boolean {
    if (!isHex(this.ch) || this.atEof) return false;
    this.nextChar();
    return true;
  }

  private tryConsume(c: string): boolean {
    if (this.ch === c && !this.atEof) {
      this.nextChar();
      return true;
    }
    return false;
  }

  private consumeWhile(pred: (c: string) => boolean): void {
    while (!this.atEof && pred(this.ch)) this.nextChar();
  }

  private startToken(): void {
    this.tokenStart = this.pos;
    this.current = { type: TokenType.Start, text: "", line: this.line, column: this.column, endColumn: 0 };
  }

  private endToken(type: TokenType): void {
    this.current.type = type;
    this.current.text = this.text.slice(this.tokenStart, this.pos);
    this.current.endColumn = this.column;
  }

  /** Advances to the next token, skipping comments. Returns false at the end of input. */
  next(): boolean {
    this.previous = this.current;
    while (!this.atEof) {
      this.consumeWhile((c) => isWhitespaceNoNewline(c) || c === "\n");
      const comment = this.tryConsumeCommentStart();
      if (comment === "line") {
        this.consumeLineComment(false);
        continue;
      }
      if (comment === "block") {
        this.consumeBlockComment(false);
        continue;
      }
      if (comment === "slash") return true;
      if (this.atEof) break;
      if (isUnprintable(this.ch) || this.ch === "\0") {
        this.error("Invalid control characters encountered in text.");
        this.nextChar();
        while (!this.atEof && (isUnprintable(this.ch) || this.ch === "\0")) this.nextChar();
        continue;
      }
      this.startToken();
      if (isLetter(this.ch)) {
        this.consumeWhile(isAlnum);
        this.endToken(TokenType.Identifier);
      } else if (this.tryConsume("0")) {
        this.endToken(this.consumeNumber(true, false));
      } else if (this.tryConsume(".")) {
        if (isDigit(this.ch)) {
          this.nextChar();
          const p = this.previous;
          if (p.type === TokenType.Identifier && p.line === this.current.line && p.endColumn === this.current.column) {
            this.error("Need space between identifier and decimal point.", this.line, this.column - 2);
          }
          this.endToken(this.consumeNumber(false, true));
        } else this.endToken(TokenType.Symbol);
      } else if (isDigit(this.ch)) {
        this.nextChar();
        this.endToken(this.consumeNumber(false, false));
      } else if (this.ch === '"' || this.ch === "'") {
        const q = this.ch;
        this.nextChar();
        this.consumeString(q);
        this.endToken(TokenType.String);
      } else {
        this.nextChar();
        this.endToken(TokenType.Symbol);
      }
      return true;
    }
    this.current = { type: TokenType.End, text: "", line: this.line, column: this.column, endColumn: this.column };
    return false;
  }

  private consumeNumber(startedWithZero: boolean, startedWithDot: boolean): TokenType {
    let isFloat = false;
    if (startedWithZero && (this.tryConsume("x") || this.tryConsume("X"))) {
      if (!isHex(this.ch)) this.error('"0x" must be followed by hex digits.');
      this.consumeWhile(isHex);
    } else if (startedWithZero && isDigit(this.ch)) {
      this.consumeWhile(isOctal);
      if (isDigit(this.ch)) {
        this.error("Numbers starting with leading zero must be in octal.");
        this.consumeWhile(isDigit);
      }
    } else {
      if (startedWithDot) {
        isFloat = true;
        this.consumeWhile(isDigit);
      } else {
        this.consumeWhile(isDigit);
        if (this.tryConsume(".")) {
          isFloat = true;
          this.consumeWhile(isDigit);
        }
      }
      if (this.tryConsume("e") || this.tryConsume("E")) {
        isFloat = true;
        if (!this.tryConsume("-")) this.tryConsume("+");
        if (!isDigit(this.ch)) this.error('"e" must be followed by exponent.');
        this.consumeWhile(isDigit);
      }
    }
    if (isLetter(this.ch)) this.error("Need space between number and identifier.");
    else if (this.ch === ".") {
      this.error(isFloat ? "Already saw decimal point or exponent; can't have another one." : "Hex and octal numbers must be integers.");
    }
    return isFloat ? TokenType.Float : TokenType.Integer;
  }

  private consumeString(quote: string): void {
    for (;;) {
      if (this.atEof) {
        this.error("Unexpected end of string.");
        return;
      }
      const c = this.ch;
      if (c === "\n") {
        this.error("String literals cannot cross line boundaries.");
        return;
      }
      if (c === "\\") {
        this.nextChar();
        const e = this.ch;
        if ("abfnrtv\\?'\"".includes(e)) this.nextChar();
        else if (isOctal(e)) this.consumeWhile(isOctal);
        else if (e === "x" || e === "X") {
          this.nextChar();
          if (!isHex(this.ch)) this.error("Expected hex digits for escape sequence.");
          this.consumeWhile(isHex);
        } else if (e === "u") {
          // protoc's checks (io/tokenizer.cc): four hex digits; eight, up to 10ffff.
          this.nextChar();
          if (!this.tryConsumeHex() || !this.tryConsumeHex() || !this.tryConsumeHex() || !this.tryConsumeHex()) this.error("Expected four hex digits for \\u escape sequence.");
        } else if (e === "U") {
          this.nextChar();
          if (!this.tryConsume("0") || !this.tryConsume("0") || !(this.tryConsume("0") || this.tryConsume("1")) || !this.tryConsumeHex() || !this.tryConsumeHex() || !this.tryConsumeHex() || !this.tryConsumeHex() || !this.tryConsumeHex()) {
            this.error("Expected eight hex digits up to 10ffff for \\U escape sequence");
          }
        } else {
          this.error("Invalid escape sequence in string literal.");
          this.nextChar();
        }
        continue;
      }
      this.nextChar();
      if (c === quote) return;
    }
  }

  private tryConsumeCommentStart(): "line" | "block" | "slash" | "none" {
    if (this.ch === "/" && !this.atEof) {
      const line = this.line;
      const column = this.column;
      this.nextChar();
      if (this.tryConsume("/")) return "line";
      if (this.tryConsume("*")) return "block";
      this.current = { type: TokenType.Symbol, text: "/", line, column, endColumn: column + 1 };
      return "slash";
    }
    return "none";
  }

  /** Consumes a `//` comment (the slashes already read) up to and including its newline; returns its text. */
  private consumeLineComment(record: boolean): string {
    const start = this.pos;
    this.consumeWhile((c) => c !== "\n");
    this.tryConsume("\n");
    return record ? this.text.slice(start, this.pos) : "";
  }

  /** Consumes a block comment (the opening already read); returns its text with each line's leading `*` removed. */
  private consumeBlockComment(record: boolean): string {
    const startLine = this.line;
    const startColumn = this.column - 2;
    let content = "";
    let from = this.pos;
    for (;;) {
      this.consumeWhile((c) => c !== "*" && c !== "/" && c !== "\n");
      if (this.tryConsume("\n")) {
        content += this.text.slice(from, this.pos);
        this.consumeWhile(isWhitespaceNoNewline);
        if (this.tryConsume("*") && this.tryConsume("/")) break;
        from = this.pos;
      } else if (this.tryConsume("*") && this.tryConsume("/")) {
        content += this.text.slice(from, this.pos - 2);
        break;
      } else if (this.tryConsume("/") && this.ch === "*") {
        this.error('"/*" inside block comment.  Block comments cannot be nested.');
      } else if (this.atEof) {
        this.error("End-of-file inside block comment.");
        this.error("  Comment started here.", startLine, startColumn);
        content += this.text.slice(from, this.pos);
        break;
      }
    }
    return record ? content : "";
  }

  /**
   * Advances like `next`, and sorts the comments passed on the way into the previous token's trailing comment, detached
   * comments, and the next token's leading comment, by protoc's rules.
   */
  nextWithComments(): { trailing: string; detached: string[]; leading: string } {
    const out = { trailing: "", detached: [] as string[], leading: "" };
    let buffer = "";
    let hasComment = false;
    let isLineComment = false;
    let canAttachToPrev = true;
    const flush = () => {
      if (!hasComment) return;
      if (canAttachToPrev) {
        out.trailing += buffer;
        canAttachToPrev = false;
      } else out.detached.push(buffer);
      buffer = "";
      hasComment = false;
    };
    const startLine = () => {
      if (hasComment && !isLineComment) flush();
      hasComment = true;
      isLineComment = true;
    };
    const startBlock = () => {
      if (hasComment) flush();
      hasComment = true;
      isLineComment = false;
    };
    const finish = () => {
      if (hasComment) out.leading = buffer;
      return out;
    };

    if (this.current.type === TokenType.Start) {
      canAttachToPrev = false;
    } else {
      this.consumeWhile(isWhitespaceNoNewline);
      switch (this.tryConsumeCommentStart()) {
        case "line":
          startLine();
          buffer += this.consumeLineComment(true);
          flush();
          break;
        case "block":
          startBlock();
          buffer += this.consumeBlockComment(true);
          this.consumeWhile(isWhitespaceNoNewline);
          if (!this.tryConsume("\n")) {
            buffer = "";
            hasComment = false;
            this.next();
            return finish();
          }
          flush();
          break;
        case "slash":
          return finish();
        case "none":
          if (!this.tryConsume("\n")) {
            this.next();
            return finish();
          }
      }
    }
    for (;;) {
      this.consumeWhile(isWhitespaceNoNewline);
      switch (this.tryConsumeCommentStart()) {
        case "line":
          startLine();
          buffer += this.consumeLineComment(true);
          break;
        case "block":
          startBlock();
          buffer += this.consumeBlockComment(true);
          this.consumeWhile(isWhitespaceNoNewline);
          this.tryConsume("\n");
          break;
        case "slash":
          return finish();
        case "none":
          if (this.tryConsume("\n")) {
            flush();
            canAttachToPrev = false;
          } else {
            const more = this.next();
            const t = this.current.text;
            if (!more || t === "}" || t === "]" || t === ")") flush();
            return finish();
          }
      }
    }
  }
}
