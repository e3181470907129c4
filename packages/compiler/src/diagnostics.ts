/** A problem in a .proto file, reported as `file:line:col: message` (1-based line and column, like protoc). */
export interface Diagnostic {
  file: string;
  /** 0-based, as in source code info. */
  line: number;
  column: number;
  message: string;
  warning?: boolean;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line >= 0 ? `${d.file}:${d.line + 1}:${d.column + 1}` : d.file;
  return `${where}: ${d.warning ? "warning: " : ""}${d.message}`;
}

/** Thrown when compilation fails; carries every diagnostic found, not just the first. */
export class CompileError extends Error {
  override name = "CompileError";
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    // In source order within each file, as a reader goes through it.
    const sorted = [...diagnostics].sort((a, b) => (a.file === b.file ? a.line - b.line || a.column - b.column : 0));
    super(sorted.filter((d) => !d.warning).map(formatDiagnostic).join("\n"));
    this.diagnostics = sorted;
  }
}
