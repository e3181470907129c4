/**
 * Findings of `tsgrpc lint` and `tsgrpc breaking` printed as buf prints its file annotations: text
 * (`path:line:col:message`), JSON lines, or GitHub Actions commands, sorted and deduplicated as buf does.
 */
import { join, relative, sep } from "node:path";
import type { LintFinding } from "@tsgrpc/compiler";
import type { ParsedArgs } from "./cli-args.js";
import { UsageError } from "./errors.js";

export const ERROR_FORMAT_FLAG = { names: ["--error-format"], value: "FORMAT" } as const;

const FORMATS = ["text", "json", "github-actions"] as const;
export type ErrorFormat = (typeof FORMATS)[number];

/** The --error-format asked for (text by default); another value is a usage error. */
export function errorFormat(args: ParsedArgs): ErrorFormat {
  const how = args.value("--error-format") ?? "text";
  if (!(FORMATS as readonly string[]).includes(how)) throw new UsageError(`--error-format must be one of ${FORMATS.join(", ")}, not "${how}"`);
  return how as ErrorFormat;
}

/** A finding with the path it is shown under; no path for one about the input as a whole (a deleted file). */
export type ShownFinding = LintFinding & { shown: string | undefined };

/** buf's external path of a file of a module: relative to the current directory, or absolute when asked so. */
export function shownPath(root: string, file: string, absolute: boolean): string {
  const abs = join(root, file);
  return absolute ? abs : relative(process.cwd(), abs).split(sep).join("/");
}

function formatFinding(f: ShownFinding, how: ErrorFormat): string {
  if (how === "json")
    return JSON.stringify({ ...(f.shown !== undefined && { path: f.shown }), start_line: f.line, start_column: f.column, end_line: f.endLine, end_column: f.endColumn, type: f.rule, message: f.message });
  if (how === "github-actions") {
    const at = f.shown === undefined ? "" : `,line=${f.line},col=${f.column},endLine=${f.endLine},endColumn=${f.endColumn}`;
    return `::error file=${f.shown ?? "<input>"}${at}::${f.message}`;
  }
  return `${f.shown ?? "<input>"}:${f.line}:${f.column}:${f.message}`;
}

const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/** buf's order: findings without a file first, then by path, line, column, rule, message, end line, end column. */
function compareFindings(a: ShownFinding, b: ShownFinding): number {
  if ((a.shown === undefined) !== (b.shown === undefined)) return a.shown === undefined ? -1 : 1;
  return cmp(a.shown ?? "", b.shown ?? "") || a.line - b.line || a.column - b.column || cmp(a.rule, b.rule) || cmp(a.message, b.message) || a.endLine - b.endLine || a.endColumn - b.endColumn;
}

/** Prints the findings, sorted, each once; returns buf's exit status for them (100 when there are any). */
export function printFindings(findings: ShownFinding[], how: ErrorFormat): number {
  const seen = new Set<string>();
  for (const f of findings.sort(compareFindings)) {
    const key = JSON.stringify([f.shown, f.line, f.column, f.endLine, f.endColumn, f.rule, f.message]);
    if (!seen.has(key)) process.stdout.write(formatFinding(f, how) + "\n");
    seen.add(key);
  }
  return findings.length ? 100 : 0;
}
