// One line that says what a failed tsc run was about (how many errors, in which files, of which codes), put above
// the full output so that a long log of generated-code errors still reads at a glance.
export function summarizeTscErrors(output: string): string {
  const errors = [...output.matchAll(/^(.+?)\(\d+,\d+\): error (TS\d+)/gm)];
  if (errors.length === 0) return "no error lines in the output";
  const count = (keys: string[]) => {
    const counts = new Map<string, number>();
    for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
    return [...counts].map(([k, n]) => `${n} in ${k}`).join(", ");
  };
  return `${errors.length} errors: ${count(errors.map((e) => e[1]!))}; codes: ${count(errors.map((e) => e[2]!))}`;
}
