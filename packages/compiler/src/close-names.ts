/** Levenshtein distance, case-insensitive, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      prev = row[j]!;
      row[j] = next;
    }
  }
  return row[b.length]!;
}

/**
 * The candidates closest to `name` that are close enough to be what was meant: within a third of its length (at least
 * 2 edits), and fewer edits than it has letters, so that "-x" is not "close" to every other one-letter flag.
 */
export function closeNames(name: string, candidates: Iterable<string>): string[] {
  const limit = Math.min(Math.max(2, Math.floor(name.length / 3)), name.length - 1);
  const scored = [...new Set(candidates)].map((c) => ({ c, d: distance(name, c) })).filter((s) => s.d <= limit);
  const best = Math.min(...scored.map((s) => s.d));
  return scored.filter((s) => s.d === best).map((s) => s.c);
}

/** ` Did you mean "a" or "b"?` for the close names of `name`, or "" when there are none: for the end of a message. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const close = closeNames(name, candidates);
  return close.length ? ` Did you mean ${close.map((c) => `"${c}"`).join(" or ")}?` : "";
}
