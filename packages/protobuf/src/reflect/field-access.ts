import type { FieldInfo, MessageInfo, OneofInfo } from "./type-info.js";

type Message = Record<string, unknown>;

/** A oneof's property: which member is set (its local name) and its value; `{ case: undefined }` when none is. */
export type OneofValue = { case: string; value: unknown } | { case: undefined; value?: undefined };

/**
 * The value of field `f` in `msg`, wherever the message shape keeps it: a oneof member lives in its oneof's
 * `{ case, value }` property, every other field in its own. `undefined` when unset (or when a partial message has no
 * property for it).
 */
export function getField(msg: Message, f: FieldInfo): unknown {
  if (f.oneof === undefined) return msg[f.localName];
  const o = msg[f.oneof.localName] as OneofValue | undefined;
  return o !== undefined && o.case === f.localName ? o.value : undefined;
}

/** Sets field `f`; for a oneof member this selects it, so the member set before is dropped. */
export function setField(msg: Message, f: FieldInfo, value: unknown): void {
  if (f.oneof === undefined) msg[f.localName] = value;
  else msg[f.oneof.localName] = { case: f.localName, value };
}

/** The properties of a message object, in declaration order: each field outside a oneof, and each oneof once, where
 * its first member is declared (protobuf-es calls these a message's members). */
export function membersOf(info: MessageInfo): Array<FieldInfo | OneofInfo> {
  let members = membersCache.get(info);
  if (members === undefined) {
    const seen = new Set<OneofInfo>();
    members = [];
    for (const f of info.fields) {
      if (f.oneof === undefined) members.push(f);
      else if (!seen.has(f.oneof)) {
        seen.add(f.oneof);
        members.push(f.oneof);
      }
    }
    membersCache.set(info, members);
  }
  return members;
}
const membersCache = new WeakMap<MessageInfo, Array<FieldInfo | OneofInfo>>();

export function isOneof(member: FieldInfo | OneofInfo): member is OneofInfo {
  return "fields" in member;
}
