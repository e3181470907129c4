import { zeroValue } from "../reflect/scalar.js";
import type { MessageInfo } from "../reflect/type-info.js";

/**
 * A new message of type `info` in tsgrpc's shape: every field present as a property (so that all messages of a type
 * share one object shape), repeated fields as empty arrays, maps as empty objects, implicit-presence scalars at their
 * zero value, and everything with explicit presence `undefined`. `init` values are copied over.
 */
export function createDynamic(info: MessageInfo, init?: Record<string, unknown>): Record<string, unknown> {
  const msg: Record<string, unknown> = {};
  for (const f of info.fields) {
    msg[f.localName] = f.map ? {} : f.repeated ? [] : f.explicitPresence ? undefined : zeroValue(f.type);
  }
  if (init) {
    for (const f of info.fields) {
      const v = init[f.localName];
      if (v !== undefined) msg[f.localName] = v;
    }
  }
  return msg;
}
