/** buf's name conversions: words split on delimiters and on case changes, as its lint messages suggest them. */

const isDelimiter = (c: string) => c === "." || c === "-" || c === "_" || c === " " || c === "\t" || c === "\n" || c === "\r";
const isUpper = (c: string | undefined) => c !== undefined && c >= "A" && c <= "Z";
const isLower = (c: string | undefined) => c !== undefined && c >= "a" && c <= "z";

/** PascalCase: delimiters dropped, the letter after one (and the first) upper-cased, upper-case letters kept. */
export function toPascalCase(s: string): string {
  let out = "";
  let previous = "";
  const t = s.trim();
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (!isDelimiter(c)) out += i === 0 || isDelimiter(previous) || isUpper(c) ? c.toUpperCase() : c.toLowerCase();
    previous = c;
  }
  return out;
}

function toSnakeCase(input: string): string {
  let start = 0;
  let end = input.length;
  while (start < end && isDelimiter(input[start]!)) start++;
  while (end > start && isDelimiter(input[end - 1]!)) end--;
  const s = input.slice(start, end);
  let out = "";
  for (let i = 0; i < s.length; i++) {
    let c = s[i]!;
    if (isDelimiter(c)) c = "_";
    if (i === 0) {
      out += c;
      continue;
    }
    const next = s[i + 1];
    // A capital starts a word unless it follows a break already, and only when the next letter is not another capital
    // or digit (so "HTTPServer" is "http_server") or the previous is lower-case ("fooBar").
    const newWord =
      isUpper(c) && out[out.length - 1] !== "_" && ((next !== undefined && !isUpper(next) && !(next >= "0" && next <= "9") && !isDelimiter(next)) || isLower(s[i - 1]));
    if (newWord) out += "_" + c;
    else if (!(c === "_" && out[out.length - 1] === "_")) out += c;
  }
  return out;
}

export const toLowerSnakeCase = (s: string) => toSnakeCase(s).toLowerCase();
export const toUpperSnakeCase = (s: string) => toSnakeCase(s).toUpperCase();

export type Stability = "stable" | "alpha" | "beta" | "test";

function number(s: string, min: number): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return n >= min && n <= 2147483647 ? n : undefined;
}

/**
 * The stability of a package's version suffix (v1, v1beta2, v1p1alpha1, v2test...), or undefined when the last
 * component of a package of at least two components is no version: buf's PACKAGE_VERSION_SUFFIX.
 */
export function packageVersion(pkg: string): Stability | undefined {
  const parts = pkg.split(".");
  if (!pkg || parts.length < 2) return undefined;
  const c = parts[parts.length - 1]!;
  if (c.length < 2 || c[0] !== "v") return undefined;
  const v = c.slice(1);
  const t = v.indexOf("test");
  if (t >= 0) return number(v.slice(0, t), 1) !== undefined ? "test" : undefined;
  const alpha = v.includes("alpha");
  const beta = v.includes("beta");
  if (alpha && beta) return undefined;
  if (!alpha && !beta) return number(v, 1) !== undefined ? "stable" : undefined;
  const word = alpha ? "alpha" : "beta";
  const at = v.indexOf(word);
  const minor = v.slice(at + word.length);
  if (minor !== "" && number(minor, 1) === undefined) return undefined;
  // Before the word: the major version, optionally with a patch ("1p1").
  const head = v.slice(0, at);
  const p = head.split("p");
  if (p.length === 1) return number(head, 1) !== undefined ? word : undefined;
  if (p.length === 2 && number(p[0]!, 1) !== undefined && number(p[1]!, 1) !== undefined) return word;
  return undefined;
}
