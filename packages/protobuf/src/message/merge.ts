import { FieldType } from "../descriptor/descriptor-types.js";
import { getField, setField } from "../reflect/field-access.js";
import { isZeroValue } from "../reflect/scalar.js";
import type { FieldInfo, MessageInfo } from "../reflect/type-info.js";
import { createDynamic } from "./create-dynamic.js";
import { setOwn } from "./set-own.js";
import { UnknownFields } from "./unknown-fields.js";

type Message = Record<string, unknown> & { [UnknownFields]?: Uint8Array[] };

/** A deep copy of a message: lists, maps, nested messages, bytes and unknown fields are all copied. */
export function cloneDynamic(info: MessageInfo, msg: Message): Message {
  const copy = createDynamic(info);
  mergeDynamic(info, copy, msg, true);
  return copy;
}

/**
 * Merges `source` into `target` with protobuf's merge semantics (what decoding the two encodings one after the other
 * gives): set scalars replace (implicit-presence zero values count as unset), messages merge, lists append, map
 * entries replace by key, a set oneof member replaces the other members (or merges, for the same message member),
 * and unknown fields append. Everything taken from `source` is copied. `all` copies implicit-presence zeros too (a
 * clone keeps -0 and every property).
 */
export function mergeDynamic(info: MessageInfo, target: Message, source: Message, all = false): Message {
  for (const f of info.fields) {
    const v = getField(source, f);
    if (v === undefined || v === null) continue;
    if (f.map) {
      const map = (target[f.localName] ??= {}) as Record<string, unknown>;
      for (const k of Object.keys(v as object)) setOwn(map, k, copyValue(f.map.value, (v as Record<string, unknown>)[k]));
    } else if (f.repeated) {
      const list = (target[f.localName] ??= []) as unknown[];
      for (const e of (v as unknown[]).slice()) list.push(copyValue(f, e)); // a copy: the source may be this very list
    } else if (f.type === FieldType.MESSAGE || f.type === FieldType.GROUP) {
      const existing = getField(target, f) as Message | undefined;
      if (existing !== undefined) mergeDynamic(f.message!, existing, v as Message, all);
      else setField(target, f, copyValue(f, v));
    } else if (f.explicitPresence || all || !isZeroValue(f.type, v)) {
      setField(target, f, copyValue(f, v));
    }
  }
  const unknown = source[UnknownFields];
  if (unknown !== undefined && unknown.length > 0) (target[UnknownFields] ??= []).push(...unknown.map((c) => c.slice()));
  return target;
}

function copyValue(f: FieldInfo, v: unknown): unknown {
  if (f.type === FieldType.MESSAGE || f.type === FieldType.GROUP) return cloneDynamic(f.message!, (v ?? {}) as Message);
  if (f.type === FieldType.BYTES) return (v as Uint8Array).slice();
  return v;
}
