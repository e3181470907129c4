/**
 * Field default values as FIELD_SAME_DEFAULT compares and prints them: the value a field reads as when unset (its
 * `default`, else its kind's zero, else an enum's first value), compared across kinds leniently (numbers as numbers,
 * strings and bytes as bytes) and printed as Go's %v does.
 */
import { FieldLabel, FieldType } from "@tsgrpc/protobuf";
import { parseDefaultValue } from "@tsgrpc/protobuf/codegen-support";
import type { SourceCodeInfo_Location } from "@tsgrpc/protobuf";
import type { ElementFile, FieldEl } from "../lint/elements.js";
import type { Schema } from "./context.js";
import { isMap, kindOf } from "./facts.js";

export interface FieldDefault {
  /** A string for string and bytes fields (bytes as latin1), else a bigint (integers, bools, enums) or a number. */
  value: string | bigint | number;
  /** float32 values are compared as float32. */
  float32: boolean;
  printed: string;
}

export function canHaveDefault(f: FieldEl, schema: Schema): boolean {
  const kind = kindOf(f, schema);
  return f.proto.label !== FieldLabel.REPEATED && !isMap(f, schema) && kind !== FieldType.MESSAGE && kind !== FieldType.GROUP;
}

export function defaultOf(f: FieldEl, schema: Schema): FieldDefault {
  const text = f.proto.defaultValue;
  switch (kindOf(f, schema)) {
    case FieldType.STRING: {
      const s = text ?? "";
      return { value: latin1(new TextEncoder().encode(s)), float32: false, printed: goQuote(s) };
    }
    case FieldType.BYTES: {
      const bytes = text === undefined ? new Uint8Array() : (parseDefaultValue(FieldType.BYTES, text) as Uint8Array);
      return { value: latin1(bytes), float32: false, printed: `[${[...bytes].map((b) => `0x${b.toString(16).toUpperCase()}`).join(",")}]` };
    }
    case FieldType.ENUM: {
      const e = schema.enumOf(f);
      const v = (text !== undefined ? e?.proto.value.find((x) => x.name === text) : undefined) ?? e?.proto.value[0];
      const n = v?.number ?? 0;
      return { value: BigInt(n), float32: false, printed: v ? `${e!.proto.name}.${v.name}` : `${e?.proto.name}.${n}(?)` };
    }
    case FieldType.BOOL:
      return { value: text === "true" ? 1n : 0n, float32: false, printed: text === "true" ? "true" : "false" };
    case FieldType.DOUBLE:
    case FieldType.FLOAT: {
      const float32 = f.proto.type === FieldType.FLOAT;
      const raw = text === undefined ? 0 : text === "inf" ? Infinity : text === "-inf" ? -Infinity : text === "nan" ? NaN : Number(text);
      const value = float32 ? Math.fround(raw) : raw;
      return { value, float32, printed: goFloat(value, float32) };
    }
    default: {
      const value = BigInt(text ?? "0");
      return { value, float32: false, printed: value.toString() };
    }
  }
}

const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes);

export const isZeroDefault = (d: FieldDefault) => d.value === "" || d.value === 0n || (typeof d.value === "number" && d.value === 0 && !Object.is(d.value, -0));

export function defaultsEqual(a: FieldDefault, b: FieldDefault): boolean {
  if (typeof a.value === "string" || typeof b.value === "string") return a.value === b.value;
  if (typeof a.value === "number" && typeof b.value === "number") {
    if (Number.isNaN(a.value) || Number.isNaN(b.value)) return Number.isNaN(a.value) && Number.isNaN(b.value);
    if (a.float32 !== b.float32) return Math.fround(a.value) === Math.fround(b.value);
    return a.value === b.value;
  }
  if (typeof a.value === "bigint" && typeof b.value === "bigint") return a.value === b.value;
  const [n, i] = (typeof a.value === "number" ? [a.value, b.value] : [b.value, a.value]) as [number, bigint];
  return Number.isFinite(n) && Number.isInteger(n) && BigInt(n) === i;
}

/** Go's strconv.Quote for a string of a schema. */
function goQuote(s: string): string {
  const named: Record<string, string> = { "\x07": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v", '"': '\\"', "\\": "\\\\" };
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (named[ch]) out += named[ch];
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return `"${out}"`;
}

/** Go's %v of a float64 or float32: the shortest digits that read back, in %e form below 1e-4 and from 1e+06. */
function goFloat(x: number, float32: boolean): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "+Inf" : "-Inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  let exp = x.toExponential();
  if (float32)
    for (let p = 1; p <= 9; p++) {
      const candidate = x.toExponential(p - 1);
      if (Math.fround(Number(candidate)) === x) {
        exp = candidate;
        break;
      }
    }
  const [mantissa, e] = exp.split("e") as [string, string];
  const power = Number(e);
  if (power < -4 || power >= 6) return `${mantissa}e${power < 0 ? "-" : "+"}${String(Math.abs(power)).padStart(2, "0")}`;
  const sign = mantissa.startsWith("-") ? "-" : "";
  const digits = mantissa.replace(/^-/, "").replace(".", "");
  if (power < 0) return `${sign}0.${"0".repeat(-power - 1)}${digits}`;
  const whole = digits.slice(0, power + 1).padEnd(power + 1, "0");
  const frac = digits.slice(power + 1);
  return `${sign}${whole}${frac ? `.${frac}` : ""}`;
}

/**
 * The span buf gives a field's default: from the `default` keyword to the end of the value, where protoc's source
 * info (and so tsgrpc's) spans the value only. The keyword's place is worked out from the options around it: right
 * after `[` when the default comes first, after `, ` when another option ends on its line, else `default = ` before
 * the value (as `buf format` lays it out). Source info without the brackets' location (buf's own, which spans the
 * keyword already) is kept as it is.
 */
export function defaultSpan(file: ElementFile, fieldPath: readonly number[], loc: SourceCodeInfo_Location): SourceCodeInfo_Location {
  const [line, start] = loc.span as [number, number];
  const end = loc.span.length === 3 ? [line, loc.span[2]!] : [loc.span[2]!, loc.span[3]!];
  const options = [...fieldPath, 8];
  let brackets: readonly number[] | undefined;
  let before: [number, number] | undefined;
  for (const other of file.proto.sourceCodeInfo?.location ?? []) {
    if (other.path.length < options.length || !options.every((x, i) => x === other.path[i])) continue;
    if (other.path.length === options.length) {
      brackets ??= other.span;
      continue;
    }
    const [l0, c0, a, b] = other.span as [number, number, number, number?];
    const otherEnd: [number, number] = b === undefined ? [l0, a] : [a, b];
    const startsBefore = l0 < line || (l0 === line && c0 < start);
    if (startsBefore && (!before || otherEnd[0] > before[0] || (otherEnd[0] === before[0] && otherEnd[1] > before[1]))) before = otherEnd;
  }
  if (!brackets) return loc;
  let keyword: [number, number];
  if (!before) keyword = brackets[0] === line ? [line, brackets[1]! + 1] : [line, start - "default = ".length];
  else keyword = before[0] === line ? [line, before[1] + ", ".length] : [line, start - "default = ".length];
  if (keyword[1] < 0 || keyword[1] > start) return loc;
  return { ...loc, span: end[0] === line ? [line, keyword[1], end[1]!] : [line, keyword[1], end[0]!, end[1]!] };
}
