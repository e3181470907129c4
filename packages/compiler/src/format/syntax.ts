import type { Diagnostic } from "../diagnostics.js";
import { isSkippable, type Tok } from "./tokens.js";

/** A dotted (or, in Any URLs, slashed) name; a component is an identifier or a parenthesized extension name. */
export interface PathComponent {
  sep?: Tok;
  name: Tok;
  /** When `name` is "(": the path inside the parentheses. */
  ext?: Path;
}
export type Path = PathComponent[];

export type Type =
  | { kind: "path"; path: Path }
  | { kind: "prefixed"; prefix: Tok; type: Type }
  | { kind: "generic"; path: Path; open: Tok; args: Type[]; commas: Tok[] };

export type Expr =
  | { kind: "literal"; tok: Tok }
  | { kind: "path"; path: Path }
  | { kind: "prefixed"; prefix: Tok; expr: Expr }
  | { kind: "range"; start: Expr; to: Tok; end: Expr }
  | { kind: "array"; open: Tok; elements: Expr[]; commas: Tok[]; /** An extension or Any field name: `[pkg.ext]`. */ key?: boolean }
  | { kind: "dict"; open: Tok; fields: Field[]; commas: (Tok | undefined)[] };

export interface Field {
  key: Expr;
  colon?: Tok;
  value: Expr;
}

export interface CompactOption {
  path: Path;
  eq?: Tok;
  value?: Expr;
}
export interface CompactOptions {
  open: Tok;
  entries: CompactOption[];
  commas: Tok[];
}

export interface Body {
  open: Tok;
  decls: Decl[];
}

export type Decl =
  | { kind: "empty"; semi: Tok }
  | { kind: "syntax"; keyword: Tok; eq: Tok; value: Expr; options?: CompactOptions; semi: Tok }
  | { kind: "package"; keyword: Tok; path: Path; options?: CompactOptions; semi: Tok }
  | { kind: "import"; keyword: Tok; modifiers: Tok[]; path: Expr; options?: CompactOptions; semi: Tok }
  | { kind: "option"; keyword: Tok; path: Path; eq?: Tok; value?: Expr; semi: Tok }
  | { kind: "def"; prefixes: Tok[]; keyword: Tok; name: Path; body: Body }
  | { kind: "field"; type: Type; name: Path; eq?: Tok; tag?: Expr; options?: CompactOptions; semi: Tok }
  | { kind: "group"; prefixes: Tok[]; keyword: Tok; name: Path; eq?: Tok; tag?: Expr; options?: CompactOptions; body: Body }
  | { kind: "enumValue"; name: Path; eq?: Tok; tag?: Expr; options?: CompactOptions; semi: Tok }
  | { kind: "method"; keyword: Tok; name: Path; input: Tok; inputs: Type[]; inputCommas: Tok[]; returns: Tok; output: Tok; outputs: Type[]; outputCommas: Tok[]; body?: Body; semi?: Tok }
  | { kind: "range"; keyword: Tok; ranges: Expr[]; commas: Tok[]; options?: CompactOptions; semi: Tok };

export interface SyntaxTree {
  /** The top level of the token tree: the input to the comment index. */
  tokens: Tok[];
  decls: Decl[];
}

class SyntaxError extends Error {}

type BodyKind = "file" | "message" | "enum" | "service" | "extend" | "oneof" | "method";

const LABELS = new Set(["optional", "required", "repeated"]);
const DEF_KEYWORDS = new Set(["message", "enum", "service", "extend", "oneof"]);
/** Edition 2024's visibility modifiers, before message and enum. */
const DEF_PREFIXES = new Set(["export", "local"]);

/** A recursive-descent reader of one level of the token tree (non-skippable tokens only). */
class Reader {
  private readonly toks: Tok[];
  private i = 0;
  constructor(level: Tok[], private readonly owner: Tok | undefined, private readonly p: Parser) {
    this.toks = level.filter((t) => !isSkippable(t));
  }
  peek(n = 0): Tok | undefined {
    return this.toks[this.i + n];
  }
  done(): boolean {
    return this.i >= this.toks.length;
  }
  is(text: string, n = 0): boolean {
    const t = this.peek(n);
    return t !== undefined && (t.kind === "punct" || t.kind === "ident") && t.text === text;
  }
  isIdent(n = 0): boolean {
    return this.peek(n)?.kind === "ident";
  }
  next(): Tok {
    const t = this.toks[this.i];
    if (!t) this.p.fail(this.owner?.close ?? this.p.eof, `unexpected end of ${this.owner ? `"${this.owner.text}...${this.owner.close?.text}"` : "file"}`);
    this.i++;
    return t!;
  }
  expect(text: string, what = `"${text}"`): Tok {
    const t = this.peek();
    if (!t || !this.is(text)) this.p.fail(t ?? this.owner?.close ?? this.p.eof, `expected ${what}${t ? `, found "${t.text}"` : ""}`);
    return this.next();
  }
  expectIdent(what: string): Tok {
    const t = this.peek();
    if (!t || t.kind !== "ident") this.p.fail(t ?? this.owner?.close ?? this.p.eof, `expected ${what}${t ? `, found "${t.text}"` : ""}`);
    return this.next();
  }
  /** True when the next token is a fused bracket opened by `open`. */
  isGroup(open: string, n = 0): boolean {
    const t = this.peek(n);
    return t !== undefined && t.kind === "punct" && t.text === open && t.children !== undefined;
  }
}

class Parser {
  eof: Tok;
  constructor(private readonly file: string, private readonly text: string, private readonly diagnostics: Diagnostic[]) {
    let line = 0;
    for (const c of text) if (c === "\n") line++;
    this.eof = { kind: "space", text: "", start: text.length, end: text.length, line };
  }

  fail(at: Tok, message: string): never {
    const ls = this.text.lastIndexOf("\n", at.start - 1) + 1;
    this.diagnostics.push({ file: this.file, line: at.line, column: Buffer.byteLength(this.text.slice(ls, at.start)), message });
    throw new SyntaxError(message);
  }

  parseFile(tokens: Tok[]): Decl[] {
    return this.parseDecls(new Reader(tokens, undefined, this), "file");
  }

  private parseDecls(r: Reader, kind: BodyKind): Decl[] {
    const decls: Decl[] = [];
    while (!r.done()) decls.push(this.parseDecl(r, kind));
    return decls;
  }

  private body(r: Reader, kind: BodyKind): Body {
    if (!r.isGroup("{")) this.fail(r.peek() ?? this.eof, `expected "{"`);
    const open = r.next();
    return { open, decls: this.parseDecls(new Reader(open.children!, open, this), kind) };
  }

  private semi(r: Reader): Tok {
    return r.expect(";");
  }

  private parseDecl(r: Reader, kind: BodyKind): Decl {
    const t = r.peek()!;
    if (r.is(";")) return { kind: "empty", semi: r.next() };
    if (t.kind !== "ident" && !(r.is(".") && r.isIdent(1))) this.fail(t, `unexpected "${t.text}"`);
    const word = t.text;
    if (kind === "file" && (word === "syntax" || word === "edition") && r.is("=", 1)) {
      const keyword = r.next();
      const eq = r.next();
      const value = this.expr(r);
      const options = this.compactOptions(r);
      return { kind: "syntax", keyword, eq, value, ...(options && { options }), semi: this.semi(r) };
    }
    if (kind === "file" && word === "package" && !r.is("=", 2)) {
      const keyword = r.next();
      const path = this.path(r);
      const options = this.compactOptions(r);
      return { kind: "package", keyword, path, ...(options && { options }), semi: this.semi(r) };
    }
    if (kind === "file" && word === "import" && !r.is("=", 2)) {
      const keyword = r.next();
      const modifiers: Tok[] = [];
      while (r.isIdent() && (r.is("public") || r.is("weak") || r.is("option"))) modifiers.push(r.next());
      if (r.peek()?.kind !== "string") this.fail(r.peek() ?? this.eof, "expected the imported file's name");
      const path = this.expr(r);
      const options = this.compactOptions(r);
      return { kind: "import", keyword, modifiers, path, ...(options && { options }), semi: this.semi(r) };
    }
    if (word === "option" && !r.is("=", 1)) {
      const keyword = r.next();
      const path = this.path(r);
      const eq = r.expect("=");
      const value = this.expr(r);
      return { kind: "option", keyword, path, eq, value, semi: this.semi(r) };
    }
    if ((word === "reserved" || word === "extensions") && kind !== "file" && !r.is("=", 2)) {
      const keyword = r.next();
      const ranges: Expr[] = [];
      const commas: Tok[] = [];
      for (;;) {
        let e = this.expr(r);
        if (r.is("to")) {
          const to = r.next();
          e = { kind: "range", start: e, to, end: this.expr(r) };
        }
        ranges.push(e);
        if (!r.is(",")) break;
        commas.push(r.next());
      }
      const options = this.compactOptions(r);
      return { kind: "range", keyword, ranges, commas, ...(options && { options }), semi: this.semi(r) };
    }
    if (kind === "service" && word === "rpc") return this.method(r);
    // Definitions: [export|local] message|enum|service|extend|oneof NAME {
    let n = 0;
    while (r.isIdent(n) && DEF_PREFIXES.has(r.peek(n)!.text) && r.isIdent(n + 1) && DEF_KEYWORDS.has(r.peek(n + 1)!.text)) n++;
    if (r.isIdent(n) && DEF_KEYWORDS.has(r.peek(n)!.text) && this.isDefinition(r, n + 1)) {
      const prefixes: Tok[] = [];
      for (let k = 0; k < n; k++) prefixes.push(r.next());
      const keyword = r.next();
      const name = this.path(r);
      const bodyKind = keyword.text as BodyKind;
      return { kind: "def", prefixes, keyword, name, body: this.body(r, bodyKind) };
    }
    if (kind === "enum") {
      const name = this.path(r);
      const eq = r.is("=") ? r.next() : undefined;
      const tag = eq ? this.expr(r) : undefined;
      const options = this.compactOptions(r);
      return { kind: "enumValue", name, ...(eq && { eq }), ...(tag && { tag }), ...(options && { options }), semi: this.semi(r) };
    }
    // Groups: [label] group Name = N [options] { ... }
    let g = 0;
    if (r.isIdent() && LABELS.has(word) && r.is("group", 1)) g = 1;
    if (r.is("group", g) && r.isIdent(g + 1) && !r.is("=", g + 1) && (r.is("=", g + 2) || r.isGroup("{", g + 2))) {
      const prefixes: Tok[] = [];
      for (let k = 0; k < g; k++) prefixes.push(r.next());
      const keyword = r.next();
      const name = this.path(r);
      const eq = r.is("=") ? r.next() : undefined;
      const tag = eq ? this.expr(r) : undefined;
      const options = this.compactOptions(r);
      return { kind: "group", prefixes, keyword, name, ...(eq && { eq }), ...(tag && { tag }), ...(options && { options }), body: this.body(r, "message") };
    }
    if (kind === "file" || kind === "message" || kind === "extend" || kind === "oneof") {
      const type = this.type(r);
      const name = this.path(r);
      const eq = r.is("=") ? r.next() : undefined;
      const tag = eq ? this.expr(r) : undefined;
      const options = this.compactOptions(r);
      return { kind: "field", type, name, ...(eq && { eq }), ...(tag && { tag }), ...(options && { options }), semi: this.semi(r) };
    }
    this.fail(t, `unexpected "${t.text}"`);
  }

  /** After `message`/`enum`/...: a name and then a body. */
  private isDefinition(r: Reader, n: number): boolean {
    if (r.is(".", n)) n++;
    if (!r.isIdent(n)) return false;
    n++;
    while (r.is(".", n) && r.isIdent(n + 1)) n += 2;
    return r.isGroup("{", n);
  }

  private method(r: Reader): Decl {
    const keyword = r.next();
    const name = this.path(r);
    if (!r.isGroup("(")) this.fail(r.peek() ?? this.eof, `expected "("`);
    const input = r.next();
    const ins = this.typeList(input);
    const returns = r.expect("returns");
    if (!r.isGroup("(")) this.fail(r.peek() ?? this.eof, `expected "("`);
    const output = r.next();
    const outs = this.typeList(output);
    const common = { kind: "method" as const, keyword, name, input, inputs: ins.types, inputCommas: ins.commas, returns, output, outputs: outs.types, outputCommas: outs.commas };
    if (r.isGroup("{")) return { ...common, body: this.body(r, "method") };
    return { ...common, semi: this.semi(r) };
  }

  private typeList(open: Tok): { types: Type[]; commas: Tok[] } {
    const r = new Reader(open.children!, open, this);
    const types: Type[] = [];
    const commas: Tok[] = [];
    while (!r.done()) {
      if (types.length) commas.push(r.expect(","));
      types.push(this.type(r));
    }
    return { types, commas };
  }

  private type(r: Reader): Type {
    const t = r.peek();
    if (t && t.kind === "ident" && (LABELS.has(t.text) || t.text === "stream") && (r.isIdent(1) || r.is(".", 1))) {
      const prefix = r.next();
      return { kind: "prefixed", prefix, type: this.type(r) };
    }
    const path = this.path(r);
    if (r.isGroup("<")) {
      const open = r.next();
      const inner = new Reader(open.children!, open, this);
      const args: Type[] = [];
      const commas: Tok[] = [];
      while (!inner.done()) {
        if (args.length) commas.push(inner.expect(","));
        args.push(this.type(inner));
      }
      return { kind: "generic", path, open, args, commas };
    }
    return { kind: "path", path };
  }

  path(r: Reader): Path {
    const out: Path = [];
    let sep: Tok | undefined = r.is(".") ? r.next() : undefined;
    for (;;) {
      if (r.isGroup("(")) {
        const open = r.next();
        const inner = new Reader(open.children!, open, this);
        const ext = this.path(inner);
        if (!inner.done()) this.fail(inner.peek()!, `unexpected "${inner.peek()!.text}"`);
        out.push({ ...(sep && { sep }), name: open, ext });
      } else {
        out.push({ ...(sep && { sep }), name: r.expectIdent("a name") });
      }
      if ((r.is(".") || r.is("/")) && (r.isIdent(1) || r.isGroup("(", 1))) sep = r.next();
      else return out;
    }
  }

  private compactOptions(r: Reader): CompactOptions | undefined {
    if (!r.isGroup("[")) return undefined;
    const open = r.next();
    const inner = new Reader(open.children!, open, this);
    const entries: CompactOption[] = [];
    const commas: Tok[] = [];
    while (!inner.done()) {
      if (entries.length) commas.push(inner.expect(","));
      const path = this.path(inner);
      const eq = inner.expect("=");
      entries.push({ path, eq, value: this.expr(inner) });
    }
    return { open, entries, commas };
  }

  expr(r: Reader): Expr {
    const t = r.peek();
    if (!t) this.fail(this.eof, "expected a value");
    if (t.kind === "string" || t.kind === "number") return { kind: "literal", tok: r.next() };
    if (r.is("-") || r.is("+")) {
      const prefix = r.next();
      return { kind: "prefixed", prefix, expr: this.expr(r) };
    }
    if (t.kind === "ident" || r.is(".")) return { kind: "path", path: this.path(r) };
    if (r.isGroup("[")) {
      const open = r.next();
      const inner = new Reader(open.children!, open, this);
      const elements: Expr[] = [];
      const commas: Tok[] = [];
      while (!inner.done()) {
        if (elements.length) commas.push(inner.expect(","));
        elements.push(this.expr(inner));
      }
      return { kind: "array", open, elements, commas };
    }
    if (r.isGroup("{") || r.isGroup("<")) {
      const open = r.next();
      const inner = new Reader(open.children!, open, this);
      const fields: Field[] = [];
      const commas: (Tok | undefined)[] = [];
      while (!inner.done()) {
        let key: Expr;
        if (inner.isGroup("[")) {
          const kopen = inner.next();
          const kr = new Reader(kopen.children!, kopen, this);
          key = { kind: "array", open: kopen, elements: [{ kind: "path", path: this.path(kr) }], commas: [], key: true };
          if (!kr.done()) this.fail(kr.peek()!, `unexpected "${kr.peek()!.text}"`);
        } else key = { kind: "path", path: [{ name: inner.expectIdent("a field name") }] };
        const colon = inner.is(":") ? inner.next() : undefined;
        if (!colon && !inner.isGroup("{") && !inner.isGroup("<") && !inner.isGroup("[")) this.fail(inner.peek() ?? open.close!, `expected ":"`);
        const value = this.expr(inner);
        fields.push({ key, ...(colon && { colon }), value });
        commas.push(inner.is(",") || inner.is(";") ? inner.next() : undefined);
      }
      return { kind: "dict", open, fields, commas };
    }
    this.fail(t, `unexpected "${t.text}"`);
  }
}

/** Parses a .proto file into a concrete syntax tree; undefined (with diagnostics) when it does not parse. */
export function parseSyntaxTree(tokens: Tok[], text: string, file: string, diagnostics: Diagnostic[]): SyntaxTree | undefined {
  const p = new Parser(file, text, diagnostics);
  try {
    return { tokens, decls: p.parseFile(tokens) };
  } catch (e) {
    if (e instanceof SyntaxError) return undefined;
    throw e;
  }
}
