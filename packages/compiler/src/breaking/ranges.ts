/** Number ranges (reserved, extension) as buf compares them: inclusive, merged, and what a previous range lost. */
import type { ElementFile } from "../lint/elements.js";
import type { BreakingContext } from "./context.js";

/** [start, end], end included. */
export type Range = [number, number];

export const MESSAGE_MAX = 536870911;
export const MESSAGE_SET_MAX = 2147483646;
export const ENUM_MAX = 2147483647;

/** Ranges sorted and merged where they overlap or touch. */
function merged(ranges: readonly Range[]): Range[] {
  const out: Range[] = [];
  for (const [s, e] of [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1])) {
    const last = out[out.length - 1];
    if (last && s <= last[1] + 1) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** The parts of [start, end] no range covers. */
export function uncovered(start: number, end: number, ranges: readonly Range[]): Range[] {
  const out: Range[] = [];
  let at = start;
  for (const [s, e] of merged(ranges)) {
    if (e < at) continue;
    if (s > end) break;
    if (s > at) out.push([at, s - 1]);
    at = e + 1;
    if (at > end) return out;
  }
  if (at <= end) out.push([at, end]);
  return out;
}

const show = ([s, e]: Range, max: number) => (s === e ? `[${s}]` : e === max ? `[${s},max]` : `[${s},${e}]`);

export interface RangeOwner {
  file: ElementFile;
  paths: (readonly number[] | undefined)[];
  kind: "message" | "enum";
  name: string;
  max: number;
}

/** Reports each previous range of `what` ("reserved", "extension") the current ranges no longer cover entirely. */
export function checkRanges(ctx: BreakingContext, what: string, now: RangeOwner, before: RangeOwner, previous: readonly Range[], current: readonly Range[]): void {
  for (const range of previous) {
    const lost = uncovered(range[0], range[1], current);
    if (!lost.length) continue;
    ctx.report(now.file, now.paths, before.file, `Previously present ${what} range "${show(range, before.max)}" on ${now.kind} "${now.name}" is missing values: ${lost.map((r) => show(r, now.max)).join(", ")} were removed.`);
  }
}
