import type { Diagnostic } from "../diagnostics.js";

/**
 * Tokens of the formatter's concrete syntax tree. Unlike the compiler's tokenizer, this one keeps everything:
 * whitespace (cut at each newline, so a blank line is two "\n" tokens in a row) and comments are tokens of their own,
 * and matching brackets, as well as runs of adjacent string literals, are fused into one tree node whose children are
 * the tokens between them.
 */
export type TokKind = "space" | "comment" | "ident" | "number" | "string" | "punct" | "bad";

export interface Tok {
  kind: TokKind;
  text: string;
  /** Offsets into the source text, in UTF-16 units. */
  start: number;
  end: number;
  /** 0-based line of the token's start. */
  line: number;
  /** Set on an opening bracket, or on the first string of a concatenation: the tokens up to the closing one. */
  children?: Tok[];
  close?: Tok;
}

export const isSkippable = (t: Tok) => t.kind === "space" || t.kind === "comment";
export const isFused = (t: Tok) => t.children !== undefined;
export const hasComment = (ts: readonly Tok[]) => ts.some((t) => t.kind === "comment");
export const isLineComment = (t: Tok) => t.kind === "comment" && t.text.startsWith("//");

const WHITESPACE = /[\t\n\v\f\r \u0085\u200e\u200f\u2028\u2029]/;
const IDENT_START = /[\p{ID_Start}_]/u;
const IDENT_CONTINUE = /[\p{ID_Continue}_]/u;
const OPEN: Record<string, string> = { "{": "}", "[": "]", "(": ")", "<": ">" };
const CLOSE = new Set(["}", "]", ")", ">"]);

/** Lexes `text` into a flat list (brackets not yet fused), recording lexical errors. */
function lex(text: string, file: string, diagnostics: Diagnostic[]): Tok[] {
  const out: Tok[] = [];
  let pos = 0;
  let line = 0;
  const push = (kind: TokKind, end: number) => {
    out.push({ kind, text: text.slice(pos, end), start: pos, end, line });
    for (let i = pos; i < end; i++) if (text.charCodeAt(i) === 10) line++;
    pos = end;
  };
  const error = (message: string, at = pos) => diagnostics.push({ file, ...position(text, at), message });
  while (pos < text.length) {
    const c = text[pos]!;
    if (c === "\n") {
      push("space", pos + 1);
      continue;
    }
    if (WHITESPACE.test(c)) {
      let e = pos;
      while (e < text.length && text[e] !== "\n" && WHITESPACE.test(text[e]!)) e++;
      push("space", e);
      continue;
    }
    if (text.startsWith("//", pos)) {
      let e = text.indexOf("\n", pos);
      if (e < 0) e = text.length;
      push("comment", e);
      continue;
    }
    if (text.startsWith("/*", pos)) {
      let e = text.indexOf("*/", pos + 2);
      if (e < 0) {
        error("unterminated block comment");
        e = text.length;
      } else e += 2;
      push("comment", e);
      continue;
    }
    if (c === '"' || c === "'") {
      let e = pos + 1;
      for (;;) {
        if (e >= text.length || text[e] === "\n") {
          error("unterminated string literal");
          break;
        }
        if (text[e] === "\\") {
          e += 2;
          continue;
        }
        if (text[e] === c) {
          e++;
          break;
        }
        e++;
      }
      push("string", Math.min(e, text.length));
      continue;
    }
    if ((c >= "0" && c <= "9") || (c === "." && /[0-9]/.test(text[pos + 1] ?? ""))) {
      let e = pos + 1;
      const hex = c === "0" && (text[e] === "x" || text[e] === "X");
      while (e < text.length) {
        const d = text[e]!;
        if (/[0-9A-Za-z_.]/.test(d)) {
          e++;
          if (!hex && (d === "e" || d === "E") && (text[e] === "+" || text[e] === "-")) e++;
        } else break;
      }
      push("number", e);
      continue;
    }
    const cp = text.codePointAt(pos)!;
    const ch = String.fromCodePoint(cp);
    if (IDENT_START.test(ch)) {
      let e = pos + ch.length;
      while (e < text.length) {
        const n = String.fromCodePoint(text.codePointAt(e)!);
        if (!IDENT_CONTINUE.test(n)) break;
        e += n.length;
      }
      push("ident", e);
      continue;
    }
    if ("{}[]()<>;,=:./-+".includes(c)) {
      push("punct", pos + 1);
      continue;
    }
    error(`unrecognized character ${JSON.stringify(ch)}`);
    push("bad", pos + ch.length);
  }
  return out;
}

/** Fuses bracket pairs and adjacent string literals into trees; returns the top level. */
/** The 0-based line and the column (in UTF-8 bytes, as the compiler counts them) of an offset. */
export function position(text: string, at: number): { line: number; column: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: Buffer.byteLength(text.slice(lineStart, at)) };
}

function fuse(text: string, flat: Tok[], file: string, diagnostics: Diagnostic[]): Tok[] {
  const root: Tok[] = [];
  const stack: { open: Tok; items: Tok[] }[] = [];
  const top = () => (stack.length ? stack[stack.length - 1]!.items : root);
  const err = (t: Tok, message: string) => diagnostics.push({ file, ...position(text, t.start), message });
  for (const t of flat) {
    if (t.kind === "punct" && OPEN[t.text]) {
      top().push(t);
      stack.push({ open: t, items: [] });
    } else if (t.kind === "punct" && CLOSE.has(t.text)) {
      const s = stack[stack.length - 1];
      if (s && OPEN[s.open.text] === t.text) {
        stack.pop();
        s.open.children = fuseStrings(s.items);
        s.open.close = t;
      } else if (t.text === ">") {
        top().push(t);
      } else {
        err(t, `unexpected "${t.text}"`);
        top().push({ ...t, kind: "bad" });
      }
    } else top().push(t);
  }
  // An unclosed "<" is a plain symbol (a comparison cannot occur in .proto, but a stray one should not eat the file).
  while (stack.length) {
    const s = stack.pop()!;
    if (s.open.text !== "<") err(s.open, `unclosed "${s.open.text}"`);
    const parent = top();
    const at = parent.lastIndexOf(s.open);
    parent.splice(at + 1, 0, ...s.items);
  }
  return fuseStrings(root);
}

function fuseStrings(items: Tok[]): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < items.length) {
    const t = items[i]!;
    if (t.kind !== "string") {
      out.push(t);
      i++;
      continue;
    }
    let last = i;
    for (let j = i + 1; j < items.length; j++) {
      const u = items[j]!;
      if (u.kind === "string") last = j;
      else if (!isSkippable(u)) break;
    }
    if (last === i) {
      out.push(t);
      i++;
      continue;
    }
    t.children = items.slice(i + 1, last);
    t.close = items[last]!;
    out.push(t);
    // Skippables after the last string belong to this level again.
    i = last + 1;
  }
  return out;
}

export function tokenize(text: string, file: string, diagnostics: Diagnostic[]): Tok[] {
  return fuse(text, lex(text, file, diagnostics), file, diagnostics);
}
