import { closeNames } from "@tsgrpc/compiler";
import { UsageError } from "./errors.js";

/** One flag a command accepts. */
export interface FlagSpec {
  /** Its spellings ("-o", "--descriptor_set_out"); any of them names it in lookups, the first in messages. */
  readonly names: readonly string[];
  /** What its value is called in messages ("DIR", "MS"); a flag without one is a switch. */
  readonly value?: string;
  /** May be given more than once (every value is kept, in order); other flags given twice are a usage error. */
  readonly repeatable?: boolean;
}

/** The arguments of a command once checked against its flags. */
export class ParsedArgs {
  constructor(
    /** The arguments that are not flags, in order. */
    readonly positional: readonly string[],
    private readonly given: ReadonlyMap<FlagSpec, string[]>,
    private readonly specs: ReadonlyMap<string, FlagSpec>,
  ) {}

  private spec(name: string): FlagSpec {
    const spec = this.specs.get(name);
    // A lookup of a flag the command did not declare is a bug in the command, not the user's mistake.
    if (!spec) throw new Error(`${name} is not one of this command's flags`);
    return spec;
  }

  has(name: string): boolean {
    return this.given.has(this.spec(name));
  }

  /** The value of a flag given once, or undefined. */
  value(name: string): string | undefined {
    return this.given.get(this.spec(name))?.[0];
  }

  /** Every value of a repeatable flag, in order. */
  values(name: string): string[] {
    return [...(this.given.get(this.spec(name)) ?? [])];
  }

  /** A whole number of at least `min`, or `fallback` when the flag is absent. */
  int(name: string, min: number, fallback?: number): number | undefined {
    const v = this.value(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min) throw new UsageError(`${name} needs ${min === 1 ? "a positive whole number" : `a whole number of at least ${min}`}, not "${v}"`);
    return n;
  }

  /** The positional arguments, when there are `min` to `max` of them; `needed` says what the first `min` are. */
  expect(min: number, max: number, needed: string): string[] {
    if (this.positional.length < min) throw new UsageError(`${needed} ${min === 1 ? "is" : "are"} needed`);
    if (this.positional.length > max) throw new UsageError(`unexpected argument "${this.positional[max]}"`);
    return [...this.positional];
  }
}

const bare = (name: string) => name.replace(/^-+/, "");

function unknownFlag(flag: string, known: Iterable<string>): string {
  const byBareName = new Map<string, string>();
  for (const name of known) if (!byBareName.has(bare(name))) byBareName.set(bare(name), name);
  const close = closeNames(bare(flag), byBareName.keys()).map((n) => byBareName.get(n)!);
  return `unknown flag ${flag}${close.length ? `; did you mean ${close.join(" or ")}?` : ""}`;
}

/**
 * Checks `argv` against the flags a command declares: every flag must be one of them (a misspelled one is a usage
 * error with the close names suggested, never silently ignored), a flag that takes a value gets one, and only
 * repeatable flags come twice. Values come as `--flag VALUE`, `--flag=VALUE`, `-f VALUE` or protoc's `-fVALUE`
 * (`-IDIR`); `--` ends the flags; `-` alone is an argument (stdin or stdout).
 */
export function parseArgs(argv: readonly string[], flags: readonly FlagSpec[]): ParsedArgs {
  const specs = new Map<string, FlagSpec>();
  for (const spec of flags) for (const name of spec.names) specs.set(name, spec);
  const given = new Map<FlagSpec, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positional.push(arg);
      continue;
    }
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = eq < 0 ? arg : arg.slice(0, eq);
    let shown = name; // messages name the flag as it was typed
    let spec = specs.get(name);
    let attached = eq < 0 ? undefined : arg.slice(eq + 1);
    // grpcurl spells long flags with one dash (-plaintext): say so rather than read it as -p with "laintext".
    if (!spec && !arg.startsWith("--") && specs.has(`-${name}`)) throw new UsageError(`unknown flag ${name}; did you mean -${name}?`);
    if (!spec && !arg.startsWith("--") && specs.get(arg.slice(0, 2))?.value) {
      shown = arg.slice(0, 2);
      spec = specs.get(shown);
      attached = arg.slice(2);
    }
    if (!spec) throw new UsageError(unknownFlag(name, specs.keys()));
    if (!spec.value && attached !== undefined) throw new UsageError(`${shown} takes no value`);
    const value = spec.value ? (attached ?? argv[++i]) : "";
    if (value === undefined) throw new UsageError(`${shown} needs a value: ${shown} ${spec.value}`);
    const values = given.get(spec) ?? [];
    if (values.length && !spec.repeatable) throw new UsageError(`${shown} was given twice`);
    values.push(value);
    given.set(spec, values);
  }
  return new ParsedArgs(positional, given, specs);
}
