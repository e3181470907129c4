/** C's printf("%.<precision>g"): what protoc's SimpleDtoa and SimpleFtoa build on. */
function formatG(x: number, precision: number): string {
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const exp = Number(x.toExponential(precision - 1).split("e")[1]);
  if (exp < -4 || exp >= precision) {
    const [mantissa, e] = x.toExponential(precision - 1).split("e") as [string, string];
    const m = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
    const n = Number(e);
    return `${m}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  }
  const fixed = x.toFixed(Math.max(0, precision - 1 - exp));
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}

function special(x: number): string | undefined {
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (Number.isNaN(x)) return "nan";
  return undefined;
}

/** protoc's SimpleDtoa: the shortest of %.15g and %.17g that reads back as the same double. */
export function formatDouble(x: number): string {
  const s = special(x);
  if (s) return s;
  const short = formatG(x, 15);
  return Number(short) === x ? short : formatG(x, 17);
}

/** protoc's SimpleFtoa: %.6g, or %.9g when that does not read back as the same float. */
export function formatFloat(x: number): string {
  const s = special(x);
  if (s) return s;
  const f = Math.fround(x);
  const short = formatG(f, 6);
  return Math.fround(Number(short)) === f ? short : formatG(f, 9);
}
