import { hasComment, isFused, isSkippable, type Tok } from "./tokens.js";

/** Whitespace and comments bound to one token: what precedes it, and a comment after it on its line. */
export interface Attached {
  leading: Tok[];
  trailing: Tok[];
}

/**
 * Whitespace and comments of a scope (the file, or the inside of a bracket pair) that belong to no token: slot i is
 * what stands before the scope's i-th statement, up to its last blank line; the last slot is what stands before the
 * end of the scope.
 */
export interface Detached {
  slots: Tok[][];
  blankBefore: boolean[];
  blankBeforeClose: boolean;
}

export const detachedHasComments = (d: Detached) => d.slots.some(hasComment);
export const EMPTY_DETACHED: Detached = { slots: [], blankBefore: [], blankBeforeClose: false };

const isNewline = (t: Tok) => t.kind === "space" && t.text.includes("\n");
const firstNewline = (ts: readonly Tok[]) => {
  const i = ts.findIndex(isNewline);
  return i < 0 ? ts.length : i;
};

/** Splits trivia at its last blank line: what comes before stays with the scope, the rest goes with the next token. */
export function splitDetached(ts: Tok[]): [Tok[], Tok[]] {
  let lastBlankEnd = -1;
  for (let i = ts.length - 1; i >= 0; i--) {
    const t = ts[i]!;
    if (t.kind !== "space") lastBlankEnd = -1;
    else if (t.text.includes("\n")) {
      if (lastBlankEnd !== -1) break;
      lastBlankEnd = i;
    }
  }
  if (lastBlankEnd === -1) return [[], ts];
  return [ts.slice(0, lastBlankEnd), ts.slice(lastBlankEnd)];
}

/** A position in one level of the token tree, able to step back (the walk below peeks ahead). */
class Cursor {
  i = 0;
  constructor(readonly toks: Tok[]) {}
  next(): Tok | undefined {
    return this.i < this.toks.length ? this.toks[this.i++] : undefined;
  }
  back(): void {
    this.i--;
  }
}

/** Binds every comment and blank line of a file to a token or a scope, as buf's formatter does. */
export class TriviaIndex {
  readonly attached = new Map<Tok, Attached>();
  readonly detached = new Map<Tok | null, Detached>();

  constructor(top: Tok[]) {
    this.walkScope(new Cursor(top), null, false);
  }

  scope(open: Tok | null): Detached {
    return this.detached.get(open) ?? EMPTY_DETACHED;
  }

  token(t: Tok): Attached | undefined {
    return this.attached.get(t);
  }

  private setTrailing(t: Tok, trailing: Tok[]) {
    const a = this.attached.get(t) ?? { leading: [], trailing: [] };
    this.attached.set(t, { leading: a.leading, trailing });
  }

  private walkScope(cursor: Cursor, scope: Tok | null, literal: boolean): void {
    let pending: Tok[] = [];
    const d: Detached = { slots: [], blankBefore: [], blankBeforeClose: false };
    let hadBlank = false;
    for (let tok = cursor.next(); tok; tok = cursor.next()) {
      if (isSkippable(tok)) {
        pending.push(tok);
        continue;
      }
      if (d.slots.length === 0 && scope !== null) {
        // A comment on the opening bracket's line is that bracket's trailing comment.
        const nl = firstNewline(pending);
        if (nl < pending.length && hasComment(pending.slice(0, nl))) {
          this.setTrailing(scope, pending.slice(0, nl));
          pending = pending.slice(nl);
        }
      }
      const [detached, attached] = splitDetached(pending);
      d.slots.push(detached);
      d.blankBefore.push(hadBlank || (d.blankBefore.length === 0 && hasComment(detached)));
      this.attached.set(tok, { leading: attached, trailing: [] });
      pending = [];
      hadBlank = this.walkDecl(cursor, tok, literal);
    }
    d.slots.push(pending);
    if (!hadBlank && scope !== null && pending.length > 0) {
      const [detached, attached] = splitDetached(pending);
      hadBlank = hasComment(detached) && hasComment(attached);
    }
    d.blankBeforeClose = hadBlank;
    this.detached.set(scope, d);
  }

  private walkFused(open: Tok, parentSawAssign: boolean): Tok {
    const literal = open.text === "[" || ((open.text === "{" || open.text === "<") && parentSawAssign);
    this.walkScope(new Cursor(open.children!), open, literal && open.kind === "punct");
    const d = this.detached.get(open)!;
    const [detached, attached] = splitDetached(d.slots[d.slots.length - 1]!);
    d.slots[d.slots.length - 1] = detached;
    this.attached.set(open.close!, { leading: attached, trailing: [] });
    return open.close!;
  }

  private nextNonSkippableIsSemi(cursor: Cursor): boolean {
    for (let i = cursor.i; i < cursor.toks.length; i++) {
      const t = cursor.toks[i]!;
      if (!isSkippable(t)) return t.kind === "punct" && t.text === ";";
    }
    return false;
  }

  /** Walks one statement (or, in a literal scope, one element); true when a blank line follows it. */
  private walkDecl(cursor: Cursor, start: Tok, literal: boolean): boolean {
    let end = start;
    let pending: Tok[] = [];
    let sawAssign = false;
    for (let tok: Tok | undefined = start; tok; tok = cursor.next()) {
      if (tok !== start && isSkippable(tok)) {
        pending.push(tok);
        continue;
      }
      if (tok !== start) {
        let leading = pending;
        const nl = firstNewline(leading);
        if (hasComment(leading.slice(0, nl)) && nl < leading.length) {
          this.setTrailing(end, leading.slice(0, nl));
          leading = leading.slice(nl);
        }
        this.attached.set(tok, { leading, trailing: [] });
        pending = [];
      }
      const punct = tok.kind === "punct";
      if (punct && tok.text === "=") sawAssign = true;
      end = tok;
      if (isFused(tok)) end = this.walkFused(tok, sawAssign);
      let boundary = punct && tok.text === ";";
      if (punct && tok.text === "{" && isFused(tok)) boundary = !sawAssign || !this.nextNonSkippableIsSemi(cursor);
      if (literal && punct && tok.text === ",") boundary = true;
      if (boundary) break;
    }
    // What follows the statement: comments on its last line, and blank lines under it.
    let afterNewline = false;
    let atEndOfScope = true;
    let hasBlankLine = false;
    let trailing: Tok[] = [];
    for (let tok = cursor.next(); tok; tok = cursor.next()) {
      const nl = isNewline(tok);
      const space = tok.kind === "space" && !nl;
      const comment = tok.kind === "comment";
      if (!afterNewline && !nl && !space && !comment) {
        cursor.back();
        atEndOfScope = false;
        break;
      }
      if (afterNewline && !nl && !space) {
        const fn = firstNewline(trailing);
        const rest = trailing.slice(fn);
        const [detached, attached] = splitDetached(rest);
        hasBlankLine = detached.length > 0;
        cursor.back();
        for (let k = 0; k < attached.length; k++) cursor.back();
        trailing = trailing.slice(0, fn + detached.length);
        atEndOfScope = false;
        break;
      }
      afterNewline ||= nl;
      trailing.push(tok);
    }
    if (atEndOfScope && pending.length > 0 && trailing.length === 0) {
      const fn = firstNewline(pending);
      if (hasComment(pending.slice(0, fn))) trailing = pending.slice(0, fn);
      const rest = pending.slice(fn);
      if (hasComment(rest)) {
        const [, attachedRest] = splitDetached(rest);
        hasBlankLine = rest.length > attachedRest.length;
        for (let k = 0; k < rest.length; k++) cursor.back();
      }
    }
    if (atEndOfScope && !afterNewline && trailing.length > 0 && end.kind === "punct" && end.text === ";") {
      if (trailing.some((t) => t.kind === "comment" && t.text.startsWith("/*"))) {
        for (let k = 0; k < trailing.length; k++) cursor.back();
        trailing = [];
      }
    }
    if (atEndOfScope && afterNewline) {
      const fn = firstNewline(trailing);
      for (let k = 0; k < trailing.length - fn; k++) cursor.back();
      trailing = trailing.slice(0, fn);
    }
    if (trailing.length > 0) this.setTrailing(end, trailing);
    return hasBlankLine;
  }
}
