/** `--name value` and `--name=value` flags, as the official interop programs take them. */
export function parseFlags(argv: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("--")) continue;
    const eq = a.indexOf("=");
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else flags.set(a.slice(2), argv[i + 1] !== undefined && !argv[i + 1]!.startsWith("--") ? argv[++i]! : "true");
  }
  return flags;
}
