const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * The first key that appears twice in one object of `text`, which JSON.parse read as `parsed`: JSON.parse keeps the
 * last of equal keys, where protobuf's JSON format calls the input invalid.
 *
 * Most texts are cleared by counting: without a backslash in the text, its colons are the keys' colons plus those
 * inside strings, which `parsed` holds unchanged; so the text's colons equal `parsed`'s keys plus the colons in its
 * strings exactly when no key was lost to a duplicate. Otherwise each object's keys are compared one by one.
 */
export function duplicateKey(text: string, parsed: unknown): string | undefined {
  if (!text.includes("\\") && colons(text) === keysAndColons(parsed)) return undefined;
  return firstDuplicate(text);
}

function colons(s: string): number {
  let count = 0;
  for (let i = s.indexOf(":"); i !== -1; i = s.indexOf(":", i + 1)) count++;
  return count;
}

function keysAndColons(value: unknown): number {
  if (typeof value === "string") return colons(value);
  if (typeof value !== "object" || value === null) return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (const v of value) count += keysAndColons(v);
    return count;
  }
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) count += 1 + colons(keys[i]!) + keysAndColons((value as Record<string, unknown>)[keys[i]!]);
  return count;
}

/**
 * The first key twice in one object of valid JSON `text`. Strings are skipped with indexOf, so long values (base64
 * bytes) cost little; keys are compared as decoded (`"a"` = `"\u0061"`).
 */
function firstDuplicate(text: string): string | undefined {
  // Per open object, its keys so far (a Set only from its second key on); undefined for an array.
  const keys: (Set<string> | string | null | undefined)[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = text.indexOf('"', i + 1);
      for (;;) {
        let b = end - 1;
        while (text.charCodeAt(b) === BACKSLASH) b--;
        if ((end - 1 - b) % 2 === 0) break; // not escaped
        end = text.indexOf('"', end + 1);
      }
      let next = end + 1;
      while (isSpace(text.charCodeAt(next))) next++;
      if (text.charCodeAt(next) === COLON) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes("\\") ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        const top = keys.length - 1;
        const seen = keys[top];
        if (seen === null) keys[top] = key;
        else if (typeof seen === "string") {
          if (seen === key) return key;
          keys[top] = new Set([seen, key]);
        } else if (seen !== undefined) {
          if (seen.has(key)) return key;
          seen.add(key);
        }
      }
      i = end + 1;
      continue;
    }
    if (c === OPEN_OBJECT) keys.push(null);
    else if (c === OPEN_ARRAY) keys.push(undefined);
    else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) keys.pop();
    i++;
  }
  return undefined;
}
