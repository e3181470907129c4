// The fuzzing harness (issue 18), shared by every package that has fuzz properties: each package's
// `test/fuzz/properties.ts` lists its properties; its `test/fuzz.test.ts` runs each with a fixed seed and a bounded
// number of runs, after replaying the inputs saved in fuzz/regressions/<name>/ (by `npm run fuzz`, which runs
// the same properties with random seeds for as long as it is told: scripts/fuzz.mjs).
import { test } from "node:test";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as fc from "fast-check";

export interface FuzzProperty<T = any> {
  /** Unique across the repository: the folder its regression inputs are saved in. */
  name: string;
  /** The decoder group it belongs to, for `npm run fuzz -- --only GROUP` and the report. */
  group: string;
  arbitrary: fc.Arbitrary<T>;
  /** Throws (an assertion) when the property does not hold for `input`. */
  check: (input: T) => void | Promise<void>;
  /** Runs in `npm test`. Inputs are bounded in size by the arbitrary, so every run is bounded in time. */
  runs: number;
  async?: boolean;
}

/** The seed `npm test` uses, so that a failure there replays exactly. */
export const SEED = 20261207;

/** fuzz/regressions at the repository root (this file is packages/testing/dist/src/fuzz-harness.js). */
export const REGRESSIONS = fileURLToPath(new URL("../../../../fuzz/regressions/", import.meta.url));

export function propertyOf<T>(p: FuzzProperty<T>): fc.IProperty<[T]> | fc.IAsyncProperty<[T]> {
  return p.async ? fc.asyncProperty(p.arbitrary, async (x) => { await p.check(x); }) : fc.property(p.arbitrary, (x) => { p.check(x); });
}

/** JSON with byte arrays as base64 and bigints as strings, so that any input can be saved and read back. */
export function serialize(input: unknown): string {
  return JSON.stringify(input, function (this: Record<string, unknown>, key: string) {
    const raw = this[key];
    if (raw instanceof Uint8Array) return { $bytes: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("base64") };
    if (typeof raw === "bigint") return { $bigint: raw.toString() };
    return raw;
  }, 1);
}

export function deserialize(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === "object" && "$bytes" in v) return new Uint8Array(Buffer.from((v as { $bytes: string }).$bytes, "base64"));
    if (v && typeof v === "object" && "$bigint" in v) return BigInt((v as { $bigint: string }).$bigint);
    return v;
  });
}

/** Saves a counterexample; returns its path (named by its content, so the same input is saved once). */
export function saveRegression(name: string, input: unknown): string {
  const text = serialize(input);
  const dir = join(REGRESSIONS, name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${createHash("sha256").update(text).digest("hex").slice(0, 16)}.json`);
  writeFileSync(file, text + "\n");
  return file;
}

export function regressionInputs(name: string): Array<[file: string, input: unknown]> {
  const dir = join(REGRESSIONS, name);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => [join(dir, f), deserialize(readFileSync(join(dir, f), "utf8"))]);
}

/** One node:test per property: its saved regression inputs, then `runs` generated inputs from the fixed seed. */
export function fuzzTests(properties: FuzzProperty[]): void {
  for (const p of properties) {
    test(`fuzz ${p.name}: saved regression inputs, then ${p.runs} generated inputs (seed ${SEED})`, async () => {
      for (const [file, input] of regressionInputs(p.name)) {
        try {
          await p.check(input);
        } catch (e) {
          throw new Error(`regression input ${file} fails: ${(e as Error).stack ?? String(e)}`);
        }
      }
      await fc.assert(propertyOf(p) as fc.IAsyncProperty<[unknown]>, { seed: SEED, numRuns: p.runs, includeErrorInReport: true });
    });
  }
}

/** Runs `fn`; when it throws, the error must be an instance of `type` (the decoder's documented error). */
export function throwsOnly<T>(fn: () => T, type: abstract new (...args: never[]) => Error, also?: (e: Error) => void): { value: T } | { error: Error } {
  try {
    return { value: fn() };
  } catch (e) {
    if (!(e instanceof type)) throw new Error(`threw ${(e as Error)?.constructor?.name ?? typeof e} instead of ${type.name}: ${(e as Error)?.stack ?? String(e)}`);
    also?.(e);
    return { error: e };
  }
}

/** Bytes with random damage: some bytes replaced, a cut, an insertion. For mutating valid encodings. */
export function mutated(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant("set" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
    fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 8 }) }),
  );
  return fc.tuple(valid, fc.array(edit, { maxLength: 4 })).map(([bytes, edits]) => {
    let b = Uint8Array.from(bytes);
    for (const e of edits) {
      const at = b.length === 0 ? 0 : e.at % (b.length + 1);
      if (e.kind === "set") { if (at < b.length) b[at] = e.byte; }
      else if (e.kind === "cut") b = b.subarray(0, at);
      else b = Uint8Array.from([...b.subarray(0, at), ...e.bytes, ...b.subarray(at)]);
    }
    return b;
  });
}

/** Splits bytes into chunks at random places (a peer's bytes arrive cut anywhere). */
export function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => (bytes.length ? c % (bytes.length + 1) : 0)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let start = 0;
  for (const p of points) { out.push(bytes.subarray(start, p)); start = p; }
  out.push(bytes.subarray(start));
  return out;
}
