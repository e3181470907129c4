import { FieldType } from "../descriptor/descriptor-types.js";
import { isOneof, membersOf, type OneofValue } from "../reflect/field-access.js";
import { zeroValue } from "../reflect/scalar.js";
import { setOwn } from "./set-own.js";
import type { FieldInfo, MessageInfo, OneofInfo } from "../reflect/type-info.js";

type Message = Record<string, unknown>;

/**
 * A new message of type `info` in tsgrpc's shape: every field present as a property (so that all messages of a type
 * share one object shape), repeated fields as empty arrays, maps as empty objects, implicit-presence scalars at their
 * zero value, everything with explicit presence `undefined`, and each oneof `{ case: undefined }`. `init` may be
 * partial at any depth (nested messages, list and map elements, oneof values): each level is filled in the same way,
 * and lists and maps are copied, so the new message shares no containers with `init`.
 */
export function createDynamic(info: MessageInfo, init?: Message): Message {
  const msg: Message = {};
  for (const m of membersOf(info)) {
    if (isOneof(m)) msg[m.localName] = { case: undefined };
    else msg[m.localName] = m.map ? {} : m.repeated ? [] : m.explicitPresence ? undefined : zeroValue(m.type);
  }
  if (init === undefined) return msg;
  for (const m of membersOf(info)) {
    const v = init[m.localName];
    if (isOneof(m)) refuseFlatMembers(info, m, init);
    if (v === undefined) continue;
    if (isOneof(m)) {
      const o = v as OneofValue;
      const f = o.case === undefined ? undefined : m.fields.find((x) => x.localName === o.case);
      if (f !== undefined && o.value !== undefined) msg[m.localName] = { case: o.case, value: initValue(f, o.value) };
    } else if (m.map) {
      const map = msg[m.localName] as Message;
      for (const k of Object.keys(v as object)) setOwn(map, k, initValue(m.map.value, (v as Message)[k]));
    } else if (m.repeated) {
      msg[m.localName] = (v as unknown[]).map((e) => initValue(m, e));
    } else {
      msg[m.localName] = initValue(m, v);
    }
  }
  return msg;
}

/**
 * A oneof member given as a property of its own (`{ fixedPrice: ... }` instead of `{ pricing: { case: "fixedPrice",
 * value } }`) would be dropped without a word; generated types refuse it at compile time, and this refuses it for
 * dynamic messages, which have no types to do so.
 */
function refuseFlatMembers(info: MessageInfo, oneof: OneofInfo, init: Message): void {
  for (const f of oneof.fields) {
    if (init[f.localName] !== undefined && Object.hasOwn(init, f.localName)) {
      throw new TypeError(`${info.typeName}: "${f.localName}" is a member of oneof "${oneof.name}": set it as ${oneof.localName}: { case: "${f.localName}", value }`);
    }
  }
}

/** One value of `f` from an initializer: a message is created from its (partial) init, anything else is taken. */
function initValue(f: FieldInfo, v: unknown): unknown {
  return f.type === FieldType.MESSAGE || f.type === FieldType.GROUP ? createDynamic(f.message!, v as Message) : v;
}
