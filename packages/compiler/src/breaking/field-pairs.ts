/** The fields both sides have, which the field rules compare. */
import type { FieldEl } from "../lint/elements.js";
import { pairs, type BreakingContext } from "./context.js";
import type { BreakingRule } from "./rules.js";

/** Every field both sides have, as [current, previous]: fields of the same message by number, then extensions. */
export function fieldPairs(ctx: BreakingContext): [FieldEl, FieldEl][] {
  const out: [FieldEl, FieldEl][] = [];
  for (const [m, p] of pairs(ctx.current.messages, ctx.previous.messages)) out.push(...pairs(ctx.current.fieldsOf(m), ctx.previous.fieldsOf(p)));
  for (const [extendee, previous] of ctx.previous.extensions) out.push(...pairs(ctx.current.extensions.get(extendee) ?? new Map<number, FieldEl>(), previous));
  return out;
}

/** A rule run on each field pair. */
export function fieldRule(id: string, purpose: string, cats: BreakingRule["categories"], check: (ctx: BreakingContext, field: FieldEl, previous: FieldEl) => void): BreakingRule {
  return { id, purpose, categories: cats, check: (ctx) => fieldPairs(ctx).forEach(([f, p]) => check(ctx, f, p)) };
}

