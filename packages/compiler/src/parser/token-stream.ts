import type { SourceCodeInfo_Location } from "@tsgrpc/protobuf";
import type { Diagnostic } from "../diagnostics.js";
import { bytesToString, unescapeStringToken } from "../string-literal.js";
import { Tokenizer, TokenType } from "../tokenizer.js";
import { INT32_MAX, UINT64_MAX } from "./constants.js";
import { parseFloatToken, parseIntegerToken } from "./descriptor-builders.js";
import type { Loc } from "./source-location.js";

/**
 * The parser's footing: the token stream with protoc's consume/expect helpers, error reporting, and the comment
 * bookkeeping that attaches comments to declarations.
 */
export abstract class TokenStream {
  readonly input: Tokenizer;
  readonly locations: SourceCodeInfo_Location[] = [];
  protected syntax = "";
  /** The Edition enum value of an `edition = "..."` file (syntax "editions"). */
  protected edition = 0;
  protected upcomingDocComments = "";
  protected upcomingDetachedComments: string[] = [];
  protected hadErrors = false;

  constructor(private readonly fileName: string, text: string, private readonly diagnostics: Diagnostic[]) {
    this.input = new Tokenizer(text, fileName, diagnostics);
  }

  protected error(message: string, line = this.input.current.line, column = this.input.current.column): void {
    this.diagnostics.push({ file: this.fileName, line, column, message });
    this.hadErrors = true;
  }

  protected warn(message: string): void {
    this.diagnostics.push({ file: this.fileName, line: this.input.current.line, column: this.input.current.column, message, warning: true });
  }

  protected lookingAt(text: string): boolean {
    return this.input.current.text === text;
  }

  protected lookingAtType(type: TokenType): boolean {
    return this.input.current.type === type;
  }

  protected atEnd(): boolean {
    return this.lookingAtType(TokenType.End);
  }

  protected tryConsume(text: string): boolean {
    if (!this.lookingAt(text)) return false;
    this.input.next();
    return true;
  }

  protected consume(text: string, error = `Expected "${text}".`): boolean {
    if (this.tryConsume(text)) return true;
    this.error(error);
    return false;
  }

  protected consumeIdentifier(error: string): string | undefined {
    if (!this.lookingAtType(TokenType.Identifier)) {
      this.error(error);
      return undefined;
    }
    const text = this.input.current.text;
    this.input.next();
    return text;
  }

  /** An integer token's value, checked against `max`; protoc reports overflow but goes on with 0. */
  protected consumeInteger64(max: bigint, error: string): bigint | undefined {
    if (!this.lookingAtType(TokenType.Integer)) {
      this.error(error);
      return undefined;
    }
    const value = parseIntegerToken(this.input.current.text);
    this.input.next();
    if (value > max) {
      this.error("Integer out of range.");
      return 0n;
    }
    return value;
  }

  protected consumeInteger(error: string): number | undefined {
    if (!this.lookingAtType(TokenType.Integer)) {
      this.error(error);
      return undefined;
    }
    const value = parseIntegerToken(this.input.current.text);
    if (value > INT32_MAX) this.error("Integer out of range.");
    this.input.next();
    return Number(BigInt.asIntN(32, value));
  }

  protected consumeSignedInteger(error: string): number | undefined {
    let max = INT32_MAX;
    const negative = this.tryConsume("-");
    if (negative) max += 1n;
    const v = this.consumeInteger64(max, error);
    if (v === undefined) return undefined;
    return Number(negative ? -v : v);
  }

  protected consumeNumber(error: string): number | undefined {
    const t = this.input.current;
    if (t.type === TokenType.Float) {
      this.input.next();
      return parseFloatToken(t.text);
    }
    if (t.type === TokenType.Integer) {
      const v = parseIntegerToken(t.text);
      if (v > UINT64_MAX) this.error("Integer out of range.");
      this.input.next();
      return Number(v);
    }
    if (t.text === "inf") {
      this.input.next();
      return Infinity;
    }
    if (t.text === "nan") {
      this.input.next();
      return NaN;
    }
    this.error(error);
    return undefined;
  }

  /** A string literal, with adjacent literals concatenated as in C. */
  protected consumeStringBytes(error: string): Uint8Array | undefined {
    if (!this.lookingAtType(TokenType.String)) {
      this.error(error);
      return undefined;
    }
    const parts: Uint8Array[] = [];
    while (this.lookingAtType(TokenType.String)) {
      parts.push(unescapeStringToken(this.input.current.text));
      this.input.next();
    }
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  protected consumeString(error: string): string | undefined {
    const b = this.consumeStringBytes(error);
    return b === undefined ? undefined : bytesToString(b);
  }

  /**
   * Consumes `text` (";", "{" or "}") and sorts the comments after it: the ones gathered before the declaration
   * become its leading and detached comments, the one right after it its trailing comment (protoc's rules).
   */
  protected tryConsumeEndOfDeclaration(text: string, location: Loc | null): boolean {
    if (!this.lookingAt(text)) return false;
    const { trailing, detached, leading } = this.input.nextWithComments();
    const docs = this.upcomingDocComments;
    this.upcomingDocComments = leading;
    if (location) {
      const before = this.upcomingDetachedComments;
      this.upcomingDetachedComments = detached;
      location.attachComments(docs, trailing, before);
    } else if (text === "}") {
      this.upcomingDetachedComments = detached;
    } else {
      this.upcomingDetachedComments.push(...detached);
    }
    return true;
  }

  protected consumeEndOfDeclaration(text: string, location: Loc | null): boolean {
    if (this.tryConsumeEndOfDeclaration(text, location)) return true;
    this.error(`Expected "${text}".`);
    return false;
  }

  protected skipStatement(): void {
    for (;;) {
      if (this.atEnd()) return;
      if (this.lookingAtType(TokenType.Symbol)) {
        if (this.tryConsumeEndOfDeclaration(";", null)) return;
        if (this.tryConsume("{")) {
          this.skipRestOfBlock();
          return;
        }
        if (this.lookingAt("}")) return;
      }
      this.input.next();
    }
  }

  protected skipRestOfBlock(): void {
    for (;;) {
      if (this.atEnd()) return;
      if (this.lookingAtType(TokenType.Symbol)) {
        if (this.tryConsumeEndOfDeclaration("}", null)) return;
        if (this.tryConsume("{")) this.skipRestOfBlock();
      }
      this.input.next();
    }
  }

  protected withLoc<T>(loc: Loc, body: () => T): T {
    try {
      return body();
    } finally {
      loc.end();
    }
  }
}
