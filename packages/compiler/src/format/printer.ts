import { Cond, text, type Node, type Sink } from "./doc.js";
import type { Body, CompactOptions, Decl, Expr, Field, Path, SyntaxTree, Type } from "./syntax.js";
import { hasComment, isLineComment, type Tok } from "./tokens.js";
import { detachedHasComments, type Attached, type Detached, TriviaIndex } from "./trivia.js";

/** How two printed things are separated; the "preserve" ones keep a space the source had around a comment. */
const enum Gap {
  None,
  /** Before the file's first statement: nothing, and comments there keep their lines. */
  FileStart,
  Space,
  Newline,
  Softline,
  Blankline,
  Inline,
  Preserve,
  PreserveTight,
}

const SPACE = text(" ");
const NEWLINE = text("\n");
const BLANKLINE = text("\n\n");
const SOFTBREAK = text("\n", Cond.Broken);
const SOFTSPACE = text(" ", Cond.Flat);
const INDENT = "  ";

/** Printing context, set by the construct being printed and restored after it. */
interface Ctx {
  /** Rewrite a trailing `//` comment as a block comment (the next token follows on the same line). */
  lineToBlock: boolean;
  /** Indent a multi-line string concatenation under its `=` or `:`. */
  indentExpr: boolean;
  /** Put a trailing block comment on a line of its own (the scope is printed one element a line). */
  trailingBlockOnNewLine: boolean;
  /** Keep a leading block comment on the same line as its element. */
  pairLeadingBlock: boolean;
  /** A path is printed as a value (`true`, an enum name), not as a name or key. */
  pathInValue: boolean;
  /** No space before a trailing comment. */
  tightTrailing?: boolean;
}

const enum Rank {
  Syntax,
  Package,
  Import,
  Option,
  Body,
}

function rank(d: Decl): Rank {
  switch (d.kind) {
    case "syntax":
      return Rank.Syntax;
    case "package":
      return Rank.Package;
    case "import":
      return Rank.Import;
    case "option":
      return Rank.Option;
    default:
      return Rank.Body;
  }
}

function canonicalPath(path: Path): string {
  // buf sorts by the text inside an extension's parentheses as written, spaces included (comments not).
  return path.map((c) => (c.sep?.text ?? "") + (c.ext ? `(${(c.name.children ?? []).filter((t) => t.kind !== "comment").map((t) => t.text).join("")})` : c.name.text)).join("");
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The canonical order of a file's statements: syntax, package, imports (sorted), options (sorted), the rest. */
function compareDecls(a: Decl, b: Decl): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (a.kind === "import" && b.kind === "import") {
    const ao = a.modifiers.some((m) => m.text === "option") ? 1 : 0;
    const bo = b.modifiers.some((m) => m.text === "option") ? 1 : 0;
    if (ao !== bo) return ao - bo;
    return compareText(a.path.kind === "literal" ? a.path.tok.text : "", b.path.kind === "literal" ? b.path.tok.text : "");
  }
  if (a.kind === "option" && b.kind === "option") {
    const key = (o: typeof a) => (o.path[0]?.ext ? "1" : "0") + canonicalPath(o.path);
    return compareText(key(a), key(b));
  }
  return 0;
}

function pathFirstToken(path: Path): Tok | undefined {
  const c = path[0];
  return c ? (c.sep ?? c.name) : undefined;
}

/** Same line for the opening and the closing token. */
const sourceWasFlat = (open: Tok, close: Tok | undefined) => close !== undefined && open.line === close.line;

class Printer {
  private pending: Tok[] = [];
  private ctx: Ctx = { lineToBlock: false, indentExpr: false, trailingBlockOnNewLine: false, pairLeadingBlock: false, pathInValue: false };
  private declSourceIdx: number[] | undefined;

  constructor(private readonly trivia: TriviaIndex, private push: Sink) {}

  /** Set after a `//` comment: whatever text comes next must start a new line. */
  private afterLineComment = false;

  /** Pushes text that is not whitespace. */
  private pushText(t: string): void {
    if (this.afterLineComment) {
      this.push(NEWLINE);
      this.afterLineComment = false;
    }
    this.push(text(t));
  }

  private with(mods: Partial<Ctx>): () => void {
    const saved = this.ctx;
    this.ctx = { ...saved, ...mods };
    return () => {
      this.ctx = saved;
    };
  }

  private withIndent(fn: () => void): void {
    const outer = this.push;
    const children: Node[] = [];
    outer({ kind: "indent", by: INDENT, children });
    this.push = (...n) => void children.push(...n);
    try {
      fn();
    } finally {
      this.push = outer;
    }
  }

  private groupDepth = 0;

  private withGroup(fn: () => void): void {
    const outer = this.push;
    const children: Node[] = [];
    outer({ kind: "group", children });
    this.push = (...n) => void children.push(...n);
    this.groupDepth++;
    try {
      fn();
    } finally {
      this.push = outer;
      this.groupDepth--;
    }
  }

  printFile(tree: SyntaxTree): void {
    const trivia = this.trivia.scope(null);
    const sorted = tree.decls.map((d, i) => ({ d, i }));
    sorted.sort((x, y) => compareDecls(x.d, y.d) || x.i - y.i);
    this.declSourceIdx = sorted.map((x) => x.i);
    this.printScopeDecls(trivia, sorted.map((x) => x.d), true);
    this.declSourceIdx = undefined;
    let end = Gap.FileStart;
    if (tree.decls.length > 0 || hasComment(this.pending)) {
      end = Gap.Newline;
      if (trivia.blankBeforeClose && hasComment(this.pending)) end = Gap.Blankline;
    }
    this.emitTrivia(end);
  }

  // ---- tokens and trivia

  private printToken(tok: Tok | undefined, gap: Gap): void {
    if (tok) this.printTokenAs(tok, gap, tok.text);
  }

  private printTokenAs(tok: Tok, gap: Gap, t: string): void {
    const att = this.trivia.token(tok);
    if (att) this.pending.push(...att.leading);
    if (t.length > 0) {
      if (att) this.emitTrivia(gap);
      else this.emitGap(gap);
      this.pushText(t);
    }
    if (att) this.emitTrailing(att.trailing);
  }

  private emitTrailing(trailing: Tok[]): void {
    for (const t of trailing) {
      if (t.kind !== "comment") continue;
      const line = isLineComment(t);
      if (!this.ctx.tightTrailing || (line && !this.ctx.lineToBlock)) this.push(!line && this.ctx.trailingBlockOnNewLine ? NEWLINE : SPACE);
      if (this.ctx.lineToBlock && line) {
        const body = t.text.replace(/[ \t]+$/, "").slice(2).replaceAll("*/", "* /");
        this.pushText(blockFromLine(t));
      } else {
        this.emitComment(t);
        // The line ends here, before any group that the next token may open (inside a group, the newline waits for
        // the next text, so that it does not break the group).
        if (line && this.groupDepth === 0) {
          this.push(NEWLINE);
          this.afterLineComment = false;
        }
      }
    }
  }

  private emitCommaTrivia(comma: Tok | undefined): void {
    if (!comma) return;
    const att = this.trivia.token(comma);
    if (att) this.emitTrailing(att.trailing);
  }

  private emitGap(gap: Gap): void {
    switch (gap) {
      case Gap.Space:
        this.push(SPACE);
        break;
      case Gap.Newline:
        this.push(NEWLINE);
        break;
      case Gap.Softline:
        this.push(SOFTSPACE, SOFTBREAK);
        break;
      case Gap.Blankline:
        this.push(BLANKLINE);
        break;
    }
  }

  private emitTrivia(gap: Gap): void {
    let afterGap = Gap.Softline;
    if (gap === Gap.Space) afterGap = Gap.Space;
    else if (gap === Gap.Preserve || gap === Gap.PreserveTight || gap === Gap.Inline) afterGap = Gap.None;
    const firstGap = gap === Gap.Inline ? Gap.Space : gap;
    const preserving = gap === Gap.Preserve || gap === Gap.PreserveTight;
    // Where the next token follows on the same line, a `//` comment would swallow it: it becomes a block comment.
    const tight = gap !== Gap.Newline && gap !== Gap.Blankline && gap !== Gap.Softline && gap !== Gap.FileStart;
    const inherit = (base: Gap, hasSpace: boolean) => (preserving && hasSpace ? Gap.Space : base);
    const commentGap = (context: Gap, prevLine: boolean, run: number) => (run >= 2 ? Gap.Blankline : prevLine ? Gap.Newline : context);
    let seen = false;
    let prevLine = false;
    let newlineRun = 0;
    let hasSpace = false;
    let anySpace = false;
    let preCommentNewline = false;
    for (const tok of this.pending) {
      if (tok.kind === "space") {
        // The lexer cuts whitespace at each newline: a space token is a lone "\n" or has none.
        if (tok.text === "\n") {
          newlineRun++;
          if (!seen) preCommentNewline = true;
        } else hasSpace = true;
        anySpace = true;
        continue;
      }
      if (tok.kind !== "comment") continue;
      let before: Gap;
      if (!seen) {
        before = inherit(firstGap, tight ? anySpace : hasSpace);
        if (gap === Gap.PreserveTight) before = firstGap;
      } else if (tight) before = newlineRun > 0 ? Gap.Space : inherit(afterGap, hasSpace);
      else before = commentGap(inherit(afterGap, hasSpace), prevLine, newlineRun);
      this.emitGap(before);
      hasSpace = false;
      anySpace = false;
      newlineRun = 0;
      this.emitComment(tok, tight);
      seen = true;
      prevLine = !tight && isLineComment(tok);
    }
    this.pending = [];
    if (!seen) {
      this.emitGap(gap);
      return;
    }
    if (tight) {
      this.emitGap(inherit(afterGap, hasSpace));
      return;
    }
    if (gap === Gap.Newline && !prevLine && newlineRun === 0 && preCommentNewline && this.ctx.pairLeadingBlock) {
      this.emitGap(Gap.Space);
      return;
    }
    let fin = commentGap(inherit(afterGap, hasSpace), prevLine, newlineRun);
    if (gap === Gap.Newline && !prevLine && newlineRun >= 1 && fin === Gap.Space) fin = Gap.Newline;
    this.emitGap(fin);
  }

  private emitComment(tok: Tok, lineToBlock = false): void {
    const t = tok.text.replace(/[ \t]+$/, "");
    if (t.startsWith("/*")) this.emitBlockComment(t);
    else if (lineToBlock) this.pushText(blockFromLine(tok));
    else {
      this.pushText(t);
      this.afterLineComment = true;
    }
  }

  /** A multi-line block comment, re-indented: ` * ` style lines line up under the opening, others get 3 spaces. */
  private emitBlockComment(t: string): void {
    const lines = t.split("\n");
    if (lines.length <= 1) {
      this.pushText(t);
      return;
    }
    const lastTrimmed = lines[lines.length - 1]!.replace(/^[ \t]+/, "");
    const standaloneClose = lastTrimmed.startsWith("*/") && lastTrimmed.replace(/[ \t]+$/, "") === "*/";
    let minIndent = -1;
    let prefix = "";
    let prefixSet = false;
    for (let i = 1; i < lines.length; i++) {
      const trimmed = lines[i]!.replace(/^[ \t]+/, "");
      if (trimmed === "" || trimmed === "*/") continue;
      const ind = visualIndent(lines[i]!);
      if (minIndent < 0 || ind < minIndent) minIndent = ind;
      const ch = trimmed[0]!;
      if (isCommentPrefix(ch)) {
        if (!prefixSet) {
          prefix = ch;
          prefixSet = true;
        } else if (ch !== prefix) prefix = "";
      } else prefix = "";
    }
    if (minIndent < 0) minIndent = 0;
    this.pushText(lines[0]!.replace(/[ \t]+$/, ""));
    const end = standaloneClose ? lines.length - 1 : lines.length;
    let pendingNewlines = 0;
    for (let i = 1; i < end; i++) {
      pendingNewlines++;
      const trimmed = lines[i]!.replace(/^[ \t]+/, "");
      if (trimmed === "") continue;
      let content: string;
      if (prefix !== "") content = " " + trimmed.replace(/[ \t]+$/, "");
      else {
        const line = unindent(lines[i]!, minIndent).replace(/[ \t]+$/, "");
        if (line === "") continue;
        content = "   " + line;
      }
      this.push(text("\n".repeat(pendingNewlines)));
      this.pushText(content);
      pendingNewlines = 0;
    }
    if (standaloneClose) {
      pendingNewlines++;
      this.push(text("\n".repeat(pendingNewlines)));
      this.pushText(prefix === "*" ? " */" : "*/");
    }
  }

  private emitSlot(d: Detached, i: number): void {
    const slot = d.slots[i];
    if (slot) this.pending.push(...slot);
  }

  private emitRemainingSlots(d: Detached, from: number): void {
    for (let i = from; i < d.slots.length; i++) this.emitSlot(d, i);
  }

  private closeComments(close: Tok | undefined): { comments: Tok[]; att: Attached | undefined } {
    const att = close && this.trivia.token(close);
    if (att && hasComment(att.leading)) return { comments: att.leading, att };
    return { comments: [], att: undefined };
  }

  private openTrailing(open: Tok): Tok[] {
    const att = this.trivia.token(open);
    return att && hasComment(att.trailing) ? att.trailing : [];
  }

  private emitCloseTok(close: Tok, closeText: string, comments: Tok[], att: Attached | undefined): void {
    if (comments.length > 0) {
      this.emitGap(Gap.Newline);
      this.pushText(closeText);
      if (att) this.emitTrailing(att.trailing);
    } else this.printTokenAs(close, Gap.Newline, closeText);
  }

  private emitCloseComments(comments: Tok[], blankBeforeClose: boolean): void {
    for (const t of this.pending) {
      if (t.kind !== "comment") continue;
      this.emitGap(Gap.Newline);
      this.emitComment(t);
    }
    this.pending = [];
    let gap = blankBeforeClose ? Gap.Blankline : Gap.Newline;
    let run = 0;
    for (const t of comments) {
      if (t.kind === "space") {
        if (t.text === "\n") run++;
        continue;
      }
      if (t.kind !== "comment") continue;
      if (run >= 2) gap = Gap.Blankline;
      run = 0;
      this.emitGap(gap);
      this.emitComment(t);
      gap = Gap.Newline;
    }
  }

  /** The tokens directly inside a bracket pair, for the checks below. */
  private *scopeTokens(open: Tok): Generator<Attached> {
    const a = this.trivia.token(open);
    if (a) yield { leading: [], trailing: a.trailing };
    const c = open.close && this.trivia.token(open.close);
    if (c) yield { leading: c.leading, trailing: [] };
    for (const t of open.children ?? []) {
      if (t.kind === "space" || t.kind === "comment") continue;
      const att = this.trivia.token(t);
      if (att) yield att;
    }
  }

  private scopeHasAttachedComments(open: Tok): boolean {
    for (const a of this.scopeTokens(open)) if (hasComment(a.leading) || hasComment(a.trailing)) return true;
    return false;
  }

  // ---- statements

  private printScopeDecls(d: Detached, decls: Decl[], file: boolean): void {
    const sourceIdx = file && this.declSourceIdx ? this.declSourceIdx : decls.map((_, i) => i);
    let lastSrc = -1;
    decls.forEach((decl, i) => {
      const src = sourceIdx[i]!;
      for (let s = lastSrc + 1; s <= src; s++) this.emitSlot(d, s);
      if (src > lastSrc) lastSrc = src;
      this.printDecl(decl, this.declGap(decls, d, i, src, file));
    });
    this.emitRemainingSlots(d, lastSrc + 1);
  }

  private declGap(decls: Decl[], d: Detached, i: number, src: number, file: boolean): Gap {
    if (i === 0) return file ? Gap.FileStart : Gap.Newline;
    const blank = d.blankBefore[src] === true;
    if (file) {
      const prev = rank(decls[i - 1]!);
      const curr = rank(decls[i]!);
      if (prev !== curr && (curr === Rank.Import || curr === Rank.Option)) return Gap.Blankline;
      if (prev === Rank.Syntax && curr !== Rank.Package) return Gap.Blankline;
      if (curr === Rank.Import || curr === Rank.Option) return Gap.Newline;
    }
    return blank ? Gap.Blankline : Gap.Newline;
  }

  private printDecl(decl: Decl, gap: Gap): void {
    switch (decl.kind) {
      case "empty": {
        // Not printed; a comment on it stays, on a line of its own.
        const att = this.trivia.token(decl.semi);
        if (att && (hasComment(att.leading) || hasComment(att.trailing))) {
          this.pending.push(...att.leading, ...att.trailing);
          this.emitTrivia(Gap.Newline);
        }
        return;
      }
      case "syntax":
        this.printToken(decl.keyword, gap);
        this.printToken(decl.eq, Gap.Space);
        this.printExpr(decl.value, Gap.Space);
        this.printCompactOptions(decl.options);
        this.printToken(decl.semi, Gap.Inline);
        return;
      case "package":
        this.printToken(decl.keyword, gap);
        this.printPath(decl.path, Gap.Space);
        this.printCompactOptions(decl.options);
        this.printToken(decl.semi, Gap.Inline);
        return;
      case "import":
        this.printToken(decl.keyword, gap);
        for (const m of decl.modifiers) this.printToken(m, Gap.Space);
        this.printExpr(decl.path, Gap.Space);
        this.printCompactOptions(decl.options);
        this.printToken(decl.semi, Gap.Inline);
        return;
      case "option": {
        this.printToken(decl.keyword, gap);
        this.printPath(decl.path, Gap.Space);
        if (decl.eq) {
          this.printToken(decl.eq, Gap.Space);
          const restore = this.with({ lineToBlock: true, indentExpr: true });
          if (decl.value) this.printExpr(decl.value, Gap.Space);
          restore();
        }
        this.printToken(decl.semi, Gap.Inline);
        return;
      }
      case "def": {
        gap = this.printPrefixes(decl.prefixes, gap);
        this.printToken(decl.keyword, gap);
        this.printPath(decl.name, Gap.Space);
        this.printBody(decl.body);
        return;
      }
      case "group":
        gap = this.printPrefixes(decl.prefixes, gap);
        this.printToken(decl.keyword, gap);
        this.printPath(decl.name, Gap.Space);
        if (decl.eq) {
          this.printToken(decl.eq, Gap.Space);
          if (decl.tag) this.printExpr(decl.tag, Gap.Space);
        }
        this.printCompactOptions(decl.options);
        this.printBody(decl.body);
        return;
      case "field":
        this.printType(decl.type, gap);
        this.printPath(decl.name, Gap.Space);
        if (decl.eq) {
          this.printToken(decl.eq, Gap.Space);
          if (decl.tag) this.printExpr(decl.tag, Gap.Space);
        }
        this.printCompactOptions(decl.options);
        this.printToken(decl.semi, Gap.Inline);
        return;
      case "enumValue":
        this.printPath(decl.name, gap);
        if (decl.eq) {
          this.printToken(decl.eq, Gap.Space);
          if (decl.tag) this.printExpr(decl.tag, Gap.Space);
        }
        this.printCompactOptions(decl.options);
        this.printToken(decl.semi, Gap.Inline);
        return;
      case "method":
        this.printToken(decl.keyword, gap);
        this.printPath(decl.name, Gap.Space);
        this.printTypeList(decl.input, decl.inputs, decl.inputCommas, Gap.Preserve);
        this.printToken(decl.returns, Gap.Space);
        this.printTypeList(decl.output, decl.outputs, decl.outputCommas, Gap.Space);
        if (decl.body) this.printBody(decl.body);
        else this.printToken(decl.semi, Gap.Inline);
        return;
      case "range":
        this.printToken(decl.keyword, gap);
        decl.ranges.forEach((r, i) => {
          if (i > 0) this.printToken(decl.commas[i - 1], Gap.Inline);
          this.printExpr(r, Gap.Space);
        });
        this.printCompactOptions(decl.options);
        this.printToken(decl.semi, Gap.Inline);
        return;
    }
  }

  private printPrefixes(prefixes: Tok[], gap: Gap): Gap {
    for (const p of prefixes) {
      this.printToken(p, gap);
      gap = Gap.Space;
    }
    return gap;
  }

  private printTypeList(open: Tok, types: Type[], commas: Tok[], openGap: Gap): void {
    // Comments before "(" come before the group, so that a multi-line one does not break the list.
    const att = this.trivia.token(open);
    if (att) {
      this.pending.push(...att.leading);
      this.emitTrivia(openGap);
    } else this.emitGap(openGap);
    this.withGroup(() => {
      const d = this.trivia.scope(open);
      this.pushText(open.text);
      if (att) this.emitTrailing(att.trailing);
      this.withIndent(() => {
        this.push(SOFTBREAK);
        let gap = Gap.Preserve;
        types.forEach((t, i) => {
          this.emitSlot(d, i);
          if (i > 0) {
            this.printToken(commas[i - 1], Gap.Inline);
            gap = Gap.Softline;
          }
          this.printType(t, gap);
        });
        this.emitRemainingSlots(d, types.length);
      });
      this.push(SOFTBREAK);
      this.printToken(open.close, Gap.Preserve);
    });
  }

  private printBody(body: Body): void {
    const restoreCtx = this.with({ lineToBlock: false });
    const open = body.open;
    const close = open.close!;
    const d = this.trivia.scope(open);
    this.printToken(open, Gap.Space);
    const { comments, att } = this.closeComments(close);
    if (body.decls.length === 0 && !detachedHasComments(d) && comments.length === 0) {
      this.printToken(close, Gap.None);
      restoreCtx();
      return;
    }
    this.withIndent(() => {
      this.printScopeDecls(d, body.decls, false);
      if (comments.length > 0 || hasComment(this.pending)) this.emitCloseComments(comments, d.blankBeforeClose);
    });
    this.emitCloseTok(close, close.text, comments, att);
    restoreCtx();
  }

  private printCompactOptions(co: CompactOptions | undefined): void {
    if (!co) return;
    const open = co.open;
    const close = open.close!;
    const slots = this.trivia.scope(open);
    const entries = co.entries;
    const firstKey = entries[0] && pathFirstToken(entries[0].path);
    const firstKeyAtt = firstKey && this.trivia.token(firstKey);
    const forceExpand =
      this.openTrailing(open).length > 0 || slots.slots.slice(0, entries.length).some(hasComment) || (firstKeyAtt !== undefined && hasComment(firstKeyAtt.leading));
    const broken = forceExpand || entries.length >= 2;
    if (!broken && entries.length === 1) {
      const restore = this.with({ lineToBlock: true });
      const opt = entries[0]!;
      this.printToken(open, Gap.Space);
      this.emitSlot(slots, 0);
      this.printPath(opt.path, Gap.None);
      if (opt.eq) {
        this.printToken(opt.eq, Gap.Space);
        const r = this.with({ indentExpr: true });
        if (opt.value) this.printExpr(opt.value, Gap.Space);
        r();
      }
      this.emitSlot(slots, 1);
      this.emitTrivia(Gap.Inline);
      this.printToken(close, Gap.None);
      restore();
      return;
    }
    if (!broken) {
      this.printToken(open, Gap.Space);
      this.withGroup(() => {
        this.withIndent(() => {
          this.push(SOFTBREAK);
          this.emitSlot(slots, 0);
        });
        this.push(SOFTBREAK);
      });
      this.printToken(close, Gap.None);
      return;
    }
    const restore = this.with({ trailingBlockOnNewLine: true, pairLeadingBlock: false });
    this.printToken(open, Gap.Space);
    const { comments, att } = this.closeComments(close);
    this.withIndent(() => {
      entries.forEach((opt, i) => {
        if (i > 0) {
          const r = this.with({ trailingBlockOnNewLine: false });
          this.printToken(co.commas[i - 1], Gap.Inline);
          r();
        }
        this.emitSlot(slots, i);
        this.printPath(opt.path, i > 0 && slots.blankBefore[i] === true ? Gap.Blankline : Gap.Newline);
        if (opt.eq) {
          this.printToken(opt.eq, Gap.Space);
          const r = this.with({ indentExpr: true, pathInValue: true });
          if (opt.value) this.printExpr(opt.value, Gap.Space);
          r();
        }
      });
      this.emitSlot(slots, entries.length);
      if (comments.length > 0 || hasComment(this.pending)) this.emitCloseComments(comments, slots.blankBeforeClose);
    });
    this.emitTrivia(Gap.None);
    this.emitCloseTok(close, close.text, comments, att);
    restore();
  }

  // ---- types, paths and values

  private printType(t: Type, gap: Gap): void {
    switch (t.kind) {
      case "path":
        this.printPath(t.path, gap);
        return;
      case "prefixed":
        this.printToken(t.prefix, gap);
        this.printType(t.type, Gap.Space);
        return;
      case "generic": {
        this.printPath(t.path, gap);
        const d = this.trivia.scope(t.open);
        this.printToken(t.open, Gap.Preserve);
        t.args.forEach((a, i) => {
          this.emitSlot(d, i);
          let g = Gap.Preserve;
          if (i > 0) {
            this.printToken(t.commas[i - 1], Gap.Inline);
            g = Gap.Space;
          }
          this.printType(a, g);
        });
        this.emitRemainingSlots(d, t.args.length);
        this.printToken(t.open.close, Gap.Preserve);
      }
    }
  }

  private printPath(path: Path, gap: Gap): void {
    const restore = this.ctx.pathInValue ? this.with({ lineToBlock: true, pathInValue: false }) : this.with({ lineToBlock: true, trailingBlockOnNewLine: false });
    let first = true;
    for (const c of path) {
      if (c.sep) this.printToken(c.sep, first ? gap : Gap.Preserve);
      const g = first && !c.sep ? gap : Gap.Preserve;
      first = false;
      if (c.ext) {
        const d = this.trivia.scope(c.name);
        // A comment after "(" goes right after it, as buf writes it.
        const r = this.with({ tightTrailing: true });
        this.printToken(c.name, g);
        r();
        this.emitSlot(d, 0);
        this.printPath(c.ext, Gap.PreserveTight);
        this.emitSlot(d, 1);
        this.printToken(c.name.close, Gap.Preserve);
      } else this.printToken(c.name, g);
    }
    restore();
  }

  private printExpr(e: Expr, gap: Gap): void {
    switch (e.kind) {
      case "literal":
        if (e.tok.children) this.printCompoundString(e.tok);
        else this.printToken(e.tok, gap);
        return;
      case "path":
        this.printPath(e.path, gap);
        return;
      case "prefixed": {
        this.printToken(e.prefix, gap);
        let valueGap = Gap.None;
        const inner = e.expr;
        const first = inner.kind === "literal" ? inner.tok : inner.kind === "path" ? pathFirstToken(inner.path) : undefined;
        const att = first && this.trivia.token(first);
        if (att && hasComment(att.leading)) valueGap = Gap.Space;
        this.printExpr(inner, valueGap);
        return;
      }
      case "range":
        this.printExpr(e.start, gap);
        this.printToken(e.to, Gap.Space);
        this.printExpr(e.end, Gap.Space);
        return;
      case "array":
        this.printArray(e, gap);
        return;
      case "dict":
        this.printDict(e, gap);
        return;
    }
  }

  private printCompoundString(open: Tok): void {
    const close = open.close!;
    const d = this.trivia.scope(open);
    const parts = open.children!.filter((t) => t.kind === "string");
    const indented = this.ctx.indentExpr;
    const restore = this.with({ lineToBlock: false, trailingBlockOnNewLine: sourceWasFlat(open, close), pairLeadingBlock: false });
    const printParts = () => {
      this.printTokenAs(open, Gap.Newline, open.text);
      parts.forEach((p, i) => {
        this.emitSlot(d, i);
        this.printToken(p, Gap.Newline);
      });
      this.emitRemainingSlots(d, parts.length);
      const att = this.trivia.token(close);
      if (att) {
        this.pending.push(...att.leading);
        this.emitTrivia(Gap.Newline);
      } else this.emitGap(Gap.Newline);
      this.pushText(close.text);
      if (att) {
        restore();
        this.emitTrailing(att.trailing);
      }
    };
    if (indented) this.withIndent(printParts);
    else printParts();
    restore();
  }

  private closeTrailingMods(outerLineToBlock: boolean): Partial<Ctx> {
    return outerLineToBlock ? { lineToBlock: true, trailingBlockOnNewLine: false } : { lineToBlock: false };
  }

  private printArray(e: Extract<Expr, { kind: "array" }>, gap: Gap): void {
    const outerLineToBlock = this.ctx.lineToBlock;
    const restoreAll = this.with({ lineToBlock: false, indentExpr: false });
    const open = e.open;
    const close = open.close!;
    const slots = this.trivia.scope(open);
    // A field name in brackets with a comment inside is written on lines of its own.
    const comments = detachedHasComments(slots) || (e.key === true && this.scopeHasAttachedComments(open));
    if (e.elements.length === 0 && !comments) {
      this.printToken(open, gap);
      const r = this.with(this.closeTrailingMods(outerLineToBlock));
      this.printToken(close, Gap.None);
      r();
      restoreAll();
      return;
    }
    if (!comments && e.elements.length < 2 && !e.elements.some(isComposite)) {
      this.printToken(open, gap);
      this.withGroup(() => {
        this.withIndent(() => {
          this.push(SOFTBREAK);
          e.elements.forEach((el, i) => {
            this.emitSlot(slots, i);
            let g = Gap.None;
            if (i > 0) {
              this.printToken(e.commas[i - 1], Gap.None);
              g = Gap.Softline;
            }
            this.printExpr(el, g);
          });
          this.emitSlot(slots, e.elements.length);
        });
        this.push(SOFTBREAK);
      });
      const r = this.with(this.closeTrailingMods(outerLineToBlock));
      this.printToken(close, Gap.None);
      r();
      restoreAll();
      return;
    }
    const cc = this.closeComments(close);
    const restoreBroken = this.with({ trailingBlockOnNewLine: true, pairLeadingBlock: true });
    this.printToken(open, gap);
    this.withIndent(() => {
      e.elements.forEach((el, i) => {
        if (i > 0) {
          const r = this.with({ trailingBlockOnNewLine: false });
          this.printToken(e.commas[i - 1], Gap.Inline);
          r();
        }
        this.emitSlot(slots, i);
        const g = i > 0 && slots.blankBefore[i] === true ? Gap.Blankline : Gap.Newline;
        const r = this.with({ pathInValue: true });
        this.printExpr(el, g);
        r();
      });
      this.emitSlot(slots, e.elements.length);
      if (cc.comments.length > 0 || hasComment(this.pending)) this.emitCloseComments(cc.comments, slots.blankBeforeClose);
    });
    const r = this.with(this.closeTrailingMods(outerLineToBlock));
    this.emitCloseTok(close, close.text, cc.comments, cc.att);
    r();
    restoreBroken();
    restoreAll();
  }

  private printDict(e: Extract<Expr, { kind: "dict" }>, gap: Gap): void {
    const outerLineToBlock = this.ctx.lineToBlock;
    const restoreAll = this.with({ lineToBlock: false, indentExpr: false });
    const open = e.open;
    const close = open.close!;
    const openText = "{";
    const closeText = "}";
    const d = this.trivia.scope(open);
    const comments = detachedHasComments(d) || this.scopeHasAttachedComments(open);
    if (e.fields.length === 0 && !comments) {
      this.printTokenAs(open, gap, openText);
      const r = this.with(this.closeTrailingMods(outerLineToBlock));
      this.printTokenAs(close, Gap.None, closeText);
      r();
      restoreAll();
      return;
    }
    if (!comments && e.fields.length < 2 && !e.fields.some((f) => isComposite(f.value))) {
      this.printTokenAs(open, gap, openText);
      this.withGroup(() => {
        this.withIndent(() => {
          this.push(SOFTBREAK);
          e.fields.forEach((f, i) => {
            this.emitSlot(d, i);
            this.printField(f, i > 0 ? Gap.Softline : Gap.None);
            this.emitCommaTrivia(e.commas[i]);
          });
          this.emitSlot(d, e.fields.length);
        });
        this.push(SOFTBREAK);
      });
      const r = this.with(this.closeTrailingMods(outerLineToBlock));
      this.printTokenAs(close, Gap.None, closeText);
      r();
      restoreAll();
      return;
    }
    const cc = this.closeComments(close);
    const restoreBroken = this.with({ trailingBlockOnNewLine: true, pairLeadingBlock: false });
    const openTrailing = this.openTrailing(open);
    if (openTrailing.length > 0) {
      const att = this.trivia.token(open);
      if (att) {
        this.pending.push(...att.leading);
        this.emitTrivia(gap);
      } else this.emitGap(gap);
      this.pushText(openText);
    } else this.printTokenAs(open, gap, openText);
    this.withIndent(() => {
      if (openTrailing.length > 0) {
        this.pending.push(...openTrailing);
        this.emitTrivia(Gap.Newline);
      }
      e.fields.forEach((f, i) => {
        this.emitSlot(d, i);
        let g = Gap.Newline;
        if (i > 0 && (d.blankBefore[i] === true || this.blankLineBetween(e.fields[i - 1]!, f))) g = Gap.Blankline;
        const nested = f.value.kind === "array" || f.value.kind === "dict";
        const rf = nested ? this.with({ lineToBlock: true }) : () => {};
        this.printField(f, g);
        const rc = this.with(nested ? { trailingBlockOnNewLine: false, lineToBlock: true } : { trailingBlockOnNewLine: false });
        this.emitCommaTrivia(e.commas[i]);
        rc();
        rf();
      });
      this.emitSlot(d, e.fields.length);
      if (cc.comments.length > 0 || hasComment(this.pending)) this.emitCloseComments(cc.comments, d.blankBeforeClose);
    });
    const r = this.with(this.closeTrailingMods(outerLineToBlock));
    this.emitCloseTok(close, closeText, cc.comments, cc.att);
    r();
    restoreBroken();
    restoreAll();
  }

  /** A blank line in the source between two fields of a message value. */
  private blankLineBetween(prev: Field, curr: Field): boolean {
    const from = lastToken(prev.value);
    const to = firstToken(curr.key);
    if (!from || !to) return false;
    return this.source !== undefined && /\n[ \t]*\n/.test(this.source.slice(from.end, to.start));
  }

  source: string | undefined;

  private printField(f: Field, gap: Gap): void {
    this.printExpr(f.key, gap);
    if (f.colon) {
      let colonGap = Gap.Inline;
      const att = this.trivia.token(f.colon);
      if (att && hasComment(att.leading)) colonGap = Gap.Space;
      this.printToken(f.colon, colonGap);
    } else this.pushText(":");
    const r = this.with({ indentExpr: true, pathInValue: true });
    this.printExpr(f.value, Gap.Space);
    r();
  }
}

/** A `//` comment as a block comment, for a place where the line goes on after it. */
function blockFromLine(t: Tok): string {
  return "/*" + t.text.replace(/[ \t]+$/, "").slice(2).replaceAll("*/", "* /") + " */";
}

/** A message or list value: one inside a value puts that value on several lines. */
const isComposite = (e: Expr) => e.kind === "array" || e.kind === "dict";

function firstToken(e: Expr): Tok | undefined {
  switch (e.kind) {
    case "literal":
      return e.tok;
    case "path":
      return pathFirstToken(e.path);
    case "prefixed":
      return e.prefix;
    case "range":
      return firstToken(e.start);
    default:
      return e.open;
  }
}

function lastToken(e: Expr): Tok | undefined {
  switch (e.kind) {
    case "literal":
      return e.tok.close ?? e.tok;
    case "path": {
      const c = e.path[e.path.length - 1];
      return c && (c.name.close ?? c.name);
    }
    case "prefixed":
      return lastToken(e.expr);
    case "range":
      return lastToken(e.end);
    default:
      return e.open.close;
  }
}

function isCommentPrefix(ch: string): boolean {
  return ch >= "!" && ch <= "~" && !/[A-Za-z0-9]/.test(ch);
}

function visualIndent(line: string): number {
  let n = 0;
  for (const c of line) {
    if (c === " ") n++;
    else if (c === "\t") n += 8 - (n % 8);
    else return n;
  }
  return n;
}

function unindent(line: string, n: number): string {
  let pos = 0;
  for (let i = 0; i < line.length; i++) {
    if (pos === n) return line.slice(i);
    if (pos > n) return " ".repeat(pos - n) + line.slice(i);
    const c = line[i];
    if (c === " ") pos++;
    else if (c === "\t") pos += 8 - (pos % 8);
    else return line.slice(i);
  }
  return "";
}

export function printTree(tree: SyntaxTree, source: string): Node[] {
  const nodes: Node[] = [];
  const p = new Printer(new TriviaIndex(tree.tokens), (...n) => void nodes.push(...n));
  p.source = source;
  p.printFile(tree);
  return nodes;
}
