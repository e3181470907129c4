import type { Diagnostic } from "../diagnostics.js";
import { render } from "./doc.js";
import { printTree } from "./printer.js";
import { parseSyntaxTree } from "./syntax.js";
import { hasComment, tokenize } from "./tokens.js";

export type FormatResult = { ok: true; text: string } | { ok: false; diagnostics: Diagnostic[] };

/**
 * Formats a .proto file the way `buf format` does. Works from the tokens and a concrete syntax tree that keeps every
 * comment, not from descriptors, so it formats files the compiler would reject for other reasons (unknown types,
 * editions); a file that does not parse gives its diagnostics instead.
 */
export function format(text: string, fileName: string): FormatResult {
  const diagnostics: Diagnostic[] = [];
  // A byte order mark is dropped, as buf drops it.
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  const tokens = tokenize(text, fileName, diagnostics);
  const tree = diagnostics.length === 0 ? parseSyntaxTree(tokens, text, fileName, diagnostics) : undefined;
  if (!tree) return { ok: false, diagnostics };
  if (tree.decls.length === 0 && !hasComment(tokens)) return { ok: true, text: "" };
  return { ok: true, text: render(printTree(tree, text)) };
}
