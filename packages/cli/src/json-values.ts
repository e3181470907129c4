/** One JSON value cut out of a longer text, with the line it starts on (for messages). */
export interface JsonValueText {
  text: string;
  line: number;
}

/**
 * Cuts a text holding JSON values one after another (NDJSON, or pretty-printed objects separated by any whitespace,
 * as grpcurl reads -d) into one text per value. It only follows brackets and strings; each value is parsed later,
 * and a malformed one (an unclosed brace runs to the end) fails there with the parser's message.
 */
export function splitJsonValues(text: string): JsonValueText[] {
  const values: JsonValueText[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\n") line++;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    const startLine = line;
    let depth = 0;
    let inString = false;
    for (; i < text.length; i++) {
      const ch = text[i]!;
      if (inString) {
        if (ch === "\\") i++;
        else if (ch === '"') inString = false;
        if (!inString && depth === 0) {
          i++;
          break;
        }
      } else if (ch === '"') inString = true;
      else if (ch === "{" || ch === "[") depth++;
      else if (ch === "}" || ch === "]") {
        if (--depth <= 0) {
          i++;
          break;
        }
      } else if (depth === 0 && /\s/.test(ch)) break; // the end of a number, true, false or null
      if (ch === "\n") line++;
    }
    values.push({ text: text.slice(start, i), line: startLine });
  }
  return values;
}
