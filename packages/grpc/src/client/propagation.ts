import { serverCallStorage } from "../server/server-context.js";
import { type CallOptions, ownDeadline } from "./call-options.js";

/** The deadline and abort signal a call runs under: its own, combined with those of the server call it runs in. */
export function effectiveLimits(options: CallOptions): { deadline: number | undefined; signal: AbortSignal | undefined } {
  let deadline = ownDeadline(options);
  let signal = options.signal;
  const parent = options.propagate === false ? undefined : serverCallStorage.getStore();
  if (parent) {
    if (parent.deadline !== undefined) deadline = Math.min(deadline ?? Infinity, parent.deadline);
    signal = signal ? AbortSignal.any([signal, parent.signal]) : parent.signal;
  }
  return { deadline, signal };
}
