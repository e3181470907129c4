import type { FieldInfo, MessageInfo } from "@tsgrpc/protobuf";
import { FieldType } from "@tsgrpc/protobuf";
import { getField, setField } from "@tsgrpc/protobuf/codegen-support";

type Message = Record<string, unknown>;

/**
 * An initializer made from a complete message: at every depth about half of the fields are left out, so that what a
 * `create` fills in itself (defaults, nested messages' defaults, well-known types' missing fields) is exercised too.
 * Oneofs keep their `{ case, value }`.
 */
export function partialInit(info: MessageInfo, msg: Message, random: () => number): Message {
  const init: Message = {};
  for (const f of info.fields) {
    const v = getField(msg, f);
    if (v === undefined || random() < 0.3) continue;
    setField(init, f, partialValue(f, v, random));
  }
  return init;
}

/** A google.protobuf.Value stays whole: one without its `kind` has no JSON form at all. */
function partialMessage(info: MessageInfo, msg: Message, random: () => number): Message {
  return info.typeName === "google.protobuf.Value" ? msg : partialInit(info, msg, random);
}

function partialValue(f: FieldInfo, v: unknown, random: () => number): unknown {
  const isMessage = f.type === FieldType.MESSAGE || f.type === FieldType.GROUP;
  const message = (x: unknown) => (f.message && isMessage ? partialMessage(f.message, x as Message, random) : x);
  if (f.map) {
    const value = f.map.value;
    const out: Message = {};
    for (const k of Object.keys(v as object)) out[k] = value.message ? partialMessage(value.message, (v as Message)[k] as Message, random) : (v as Message)[k];
    return out;
  }
  if (f.repeated) return (v as unknown[]).map(message);
  return message(v);
}
