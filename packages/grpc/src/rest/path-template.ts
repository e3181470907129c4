/**
 * google.api.http path templates (google/api/http.proto):
 *
 *     Template = "/" Segments [ Verb ] ;   Segments = Segment { "/" Segment } ;
 *     Segment  = "*" | "**" | LITERAL | Variable ;   Variable = "{" FieldPath [ "=" Segments ] "}" ;
 *     FieldPath = IDENT { "." IDENT } ;   Verb = ":" LITERAL ;
 *
 * parsed once when routes are built (a bad template is an error naming the character), then matched against request
 * paths: which segments each variable captured, decoded as http.proto says (a one-segment variable fully; a
 * multi-segment one except for RFC 6570's reserved characters, so that "%2F" stays inside a segment).
 */

/** One segment of a template, after variables are flattened: a literal, `*` (one segment) or `**` (the rest). */
export type TemplateSegment = { kind: "literal"; text: string } | { kind: "one" } | { kind: "rest" };

export interface TemplateVariable {
  /** The field path, e.g. ["sub", "subfield"]. */
  fieldPath: string[];
  /** The field path as written ("sub.subfield"): the key of what it captured. */
  key: string;
  /** The segments it captures: [start, end) into the template's segments. */
  start: number;
  end: number;
}

export interface PathTemplate {
  /** The template as written. */
  source: string;
  segments: TemplateSegment[];
  variables: TemplateVariable[];
  verb: string | undefined;
}

export class PathTemplateError extends Error {
  override name = "PathTemplateError";
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** What a literal segment or verb may hold: RFC 3986 unreserved characters, sub-delimiters but not "*", "@", and %XX. */
const LITERAL = /^(?:[A-Za-z0-9\-._~!$&'()+,;=@]|%[0-9A-Fa-f]{2})+$/;

/** Parses a path template; throws a PathTemplateError saying where and what is wrong. */
export function parseTemplate(source: string): PathTemplate {
  const fail = (why: string): never => {
    throw new PathTemplateError(`path template "${source}": ${why}`);
  };
  if (!source.startsWith("/")) fail('it must start with "/"');
  // The verb: a ":" after the last "/" that is outside braces.
  let body = source.slice(1);
  let verb: string | undefined;
  const lastSlash = body.lastIndexOf("/");
  const colon = body.indexOf(":", lastSlash + 1);
  if (colon >= 0 && body.lastIndexOf("}") < colon) {
    verb = body.slice(colon + 1);
    body = body.slice(0, colon);
    if (!LITERAL.test(verb)) fail(`the verb ":${verb}" is not a literal`);
  }
  const segments: TemplateSegment[] = [];
  const variables: TemplateVariable[] = [];
  const seen = new Set<string>();
  const literal = (text: string, where: string) => {
    if (text === "*") return segments.push({ kind: "one" });
    if (text === "**") return segments.push({ kind: "rest" });
    if (text === "") fail(`an empty segment ${where}`);
    if (!LITERAL.test(text)) fail(`"${text}" is not a literal segment ${where}`);
    return segments.push({ kind: "literal", text: decodeURIComponent(text) });
  };
  let i = 0;
  for (;;) {
    if (body[i] === "{") {
      const close = body.indexOf("}", i);
      if (close < 0) fail(`"{" at ${i + 1} is never closed`);
      const inner = body.slice(i + 1, close);
      if (inner.includes("{")) fail("a variable may not hold another variable");
      const eq = inner.indexOf("=");
      const path = eq < 0 ? inner : inner.slice(0, eq);
      const fieldPath = path.split(".");
      if (!fieldPath.every((p) => IDENT.test(p))) fail(`"${path}" is not a field path`);
      if (seen.has(path)) fail(`the field "${path}" is bound twice`);
      seen.add(path);
      const start = segments.length;
      if (eq < 0) segments.push({ kind: "one" });
      else for (const s of inner.slice(eq + 1).split("/")) literal(s, `in variable "${path}"`);
      variables.push({ fieldPath, key: path, start, end: segments.length });
      i = close + 1;
    } else {
      const next = body.indexOf("/", i);
      const text = body.slice(i, next < 0 ? undefined : next);
      if (text.includes("{") || text.includes("}")) fail(`"${text}" mixes a variable with literal text in one segment`);
      literal(text, `at ${i + 2}`);
      i += text.length;
    }
    if (i === body.length) break;
    if (body[i] !== "/") fail(`expected "/" at ${i + 2}, found "${body[i]}"`);
    i++;
  }
  const rest = segments.findIndex((s) => s.kind === "rest");
  if (rest >= 0 && rest !== segments.length - 1) fail('"**" must be the last segment');
  return { source, segments, variables, verb };
}

/** RFC 6570's reserved characters: left percent-encoded in what a multi-segment variable captures. */
const RESERVED = new Set(":/?#[]@!$&'()*+,;=".split(""));

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** Percent-decodes `text` (strict UTF-8), leaving escapes of reserved characters as they are when asked; undefined when malformed. */
function decode(text: string, keepReserved: boolean): string | undefined {
  if (!text.includes("%")) return text; // most segments: nothing to decode
  try {
    if (!keepReserved) return decodeURIComponent(text);
    return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      let out = "";
      let bytes: number[] = [];
      const flush = () => {
        out += UTF8.decode(new Uint8Array(bytes));
        bytes = [];
      };
      for (let k = 0; k < run.length; k += 3) {
        const byte = parseInt(run.slice(k + 1, k + 3), 16);
        if (byte < 0x80 && RESERVED.has(String.fromCharCode(byte))) {
          flush();
          out += run.slice(k, k + 3);
        } else bytes.push(byte);
      }
      flush();
      return out;
    });
  } catch {
    return undefined; // a malformed escape, or bytes that are not UTF-8
  }
}

/**
 * Matches a request path (as it came, still percent-encoded, without the query) against a template: the value each
 * variable captured, by field path ("sub.subfield"), or undefined when the path does not match (or holds a
 * malformed escape).
 */
export function matchTemplate(template: PathTemplate, path: string): Map<string, string> | undefined {
  if (!path.startsWith("/")) return undefined;
  let rest = path.slice(1);
  if (template.verb !== undefined) {
    const suffix = `:${template.verb}`;
    if (!rest.endsWith(suffix)) return undefined;
    rest = rest.slice(0, -suffix.length);
  }
  const parts = rest.split("/");
  const { segments } = template;
  const endsWithRest = segments.at(-1)?.kind === "rest";
  const fixed = endsWithRest ? segments.length - 1 : segments.length;
  if (endsWithRest ? parts.length < fixed : parts.length !== fixed) return undefined;
  for (let k = 0; k < fixed; k++) {
    const s = segments[k]!;
    const part = parts[k]!;
    if (s.kind === "literal" ? decode(part, false) !== s.text : part === "") return undefined;
  }
  const out = new Map<string, string>();
  for (const v of template.variables) {
    const end = v.end === segments.length && endsWithRest ? parts.length : v.end;
    const single = end - v.start === 1 && segments[v.start]!.kind === "one";
    const value = decode(end - v.start === 1 ? parts[v.start]! : parts.slice(v.start, end).join("/"), !single);
    if (value === undefined) return undefined;
    out.set(v.key, value);
  }
  return out;
}
