/**
 * The YAML that buf.yaml files are written in: block mappings and sequences by indentation, flow sequences and
 * mappings (`[A, B]`, `{}`), plain, single- and double-quoted scalars, `#` comments. JSON is a subset of it. Anchors,
 * tags, multi-document streams and block scalars (`|`, `>`) are not: they are reported as errors, never misread.
 */

export class YamlError extends Error {
  override name = "YamlError";
}

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  indent: number;
  text: string;
  no: number;
}

function stripComment(s: string): string {
  let quote = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(s[i - 1]!))) return s.slice(0, i);
  }
  return s;
}

function scalar(raw: string, no: number): YamlValue {
  const s = raw.trim();
  if (s.startsWith('"')) {
    try {
      return JSON.parse(s) as string;
    } catch {
      throw new YamlError(`line ${no}: bad double-quoted string ${s}`);
    }
  }
  if (s.startsWith("'")) {
    if (!s.endsWith("'") || s.length < 2) throw new YamlError(`line ${no}: bad single-quoted string ${s}`);
    return s.slice(1, -1).replaceAll("''", "'");
  }
  if (s.startsWith("[") || s.startsWith("{")) return flow(s, no);
  if (/^[&*!|>]/.test(s)) throw new YamlError(`line ${no}: unsupported YAML (${s[0]}): ${s}`);
  if (s === "" || s === "~" || s === "null") return null;
  if (s === "true") return true;
  if (s === "false") return false;
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  return s;
}

/** A flow collection: `[a, "b", {c: d}]`. */
function flow(s: string, no: number): YamlValue {
  let i = 0;
  const ws = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const value = (): YamlValue => {
    ws();
    const c = s[i];
    if (c === "[") {
      i++;
      const out: YamlValue[] = [];
      ws();
      if (s[i] === "]") return i++, out;
      for (;;) {
        out.push(value());
        ws();
        if (s[i] === ",") i++;
        else if (s[i] === "]") return i++, out;
        else throw new YamlError(`line ${no}: expected "," or "]" in ${s}`);
      }
    }
    if (c === "{") {
      i++;
      const out: { [key: string]: YamlValue } = {};
      ws();
      if (s[i] === "}") return i++, out;
      for (;;) {
        const k = value();
        ws();
        if (s[i] !== ":") throw new YamlError(`line ${no}: expected ":" in ${s}`);
        i++;
        out[String(k)] = value();
        ws();
        if (s[i] === ",") i++;
        else if (s[i] === "}") return i++, out;
        else throw new YamlError(`line ${no}: expected "," or "}" in ${s}`);
      }
    }
    if (c === '"' || c === "'") {
      const start = i++;
      while (i < s.length && s[i] !== c) i += s[i] === "\\" && c === '"' ? 2 : 1;
      i++;
      return scalar(s.slice(start, i), no);
    }
    const start = i;
    while (i < s.length && !",]}:".includes(s[i]!)) i++;
    return scalar(s.slice(start, i), no);
  };
  const v = value();
  ws();
  if (i < s.length) throw new YamlError(`line ${no}: unexpected "${s.slice(i)}"`);
  return v;
}

/** The key of a `key: value` line (quoted or plain) and the rest, or undefined when the line is no mapping entry. */
function splitKey(text: string): { key: string; rest: string } | undefined {
  const m = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^\s"'[\]{}#,:][^:#]*?)\s*:(?:\s+|$)(.*)$/.exec(text);
  if (!m) return undefined;
  const key = m[1]!;
  return { key: String(scalar(key, 0)), rest: m[2]! };
}

export function parseYaml(text: string): YamlValue {
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (/^\t/.test(raw)) throw new YamlError(`line ${i + 1}: tabs cannot indent YAML`);
    const body = stripComment(raw).trimEnd();
    if (!body.trim()) return;
    if (body.trim() === "---" || body.trim() === "...") {
      if (lines.length) throw new YamlError(`line ${i + 1}: more than one YAML document`);
      return;
    }
    lines.push({ indent: body.length - body.trimStart().length, text: body.trimStart(), no: i + 1 });
  });
  let pos = 0;
  const block = (indent: number): YamlValue => {
    const first = lines[pos]!;
    if (first.text.startsWith("- ") || first.text === "-") {
      const out: YamlValue[] = [];
      while (pos < lines.length && lines[pos]!.indent === indent && (lines[pos]!.text.startsWith("- ") || lines[pos]!.text === "-")) {
        const line = lines[pos]!;
        const rest = line.text.slice(1).trimStart();
        if (!rest) {
          pos++;
          out.push(pos < lines.length && lines[pos]!.indent > indent ? block(lines[pos]!.indent) : null);
        } else if (splitKey(rest) && !rest.startsWith("[") && !rest.startsWith("{")) {
          // "- key: value" starts a mapping indented by the dash and its space.
          lines[pos] = { indent: indent + (line.text.length - rest.length), text: rest, no: line.no };
          out.push(block(lines[pos]!.indent));
        } else {
          pos++;
          out.push(scalar(rest, line.no));
        }
      }
      return out;
    }
    const out: { [key: string]: YamlValue } = {};
    while (pos < lines.length && lines[pos]!.indent === indent) {
      const line = lines[pos]!;
      const kv = splitKey(line.text);
      if (!kv) throw new YamlError(`line ${line.no}: expected "key: value", got "${line.text}"`);
      if (kv.key in out) throw new YamlError(`line ${line.no}: key "${kv.key}" given twice`);
      pos++;
      if (kv.rest.trim()) out[kv.key] = scalar(kv.rest, line.no);
      else if (pos < lines.length && (lines[pos]!.indent > indent || (lines[pos]!.indent === indent && lines[pos]!.text.startsWith("-")))) out[kv.key] = block(lines[pos]!.indent);
      else out[kv.key] = null;
    }
    return out;
  };
  if (!lines.length) return null;
  const first = lines[0]!;
  if (!splitKey(first.text) && !first.text.startsWith("-")) {
    if (lines.length > 1) throw new YamlError(`line ${lines[1]!.no}: unexpected content`);
    return scalar(first.text, first.no);
  }
  const v = block(first.indent);
  if (pos < lines.length) throw new YamlError(`line ${lines[pos]!.no}: bad indentation`);
  return v;
}
