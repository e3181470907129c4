import { decodeDynamic } from "../binary/decode-dynamic.js";
import { encodeDynamic } from "../binary/encode-dynamic.js";
import { messageFromJson } from "../json/from-json.js";
import { duplicateKey } from "../json/duplicate-key.js";
import type { JsonReadOptions, JsonValue, JsonWriteOptions } from "../json/json-options.js";
import { messageToJson } from "../json/to-json.js";
import type { MessageInfo } from "../reflect/type-info.js";
import { BinaryReader } from "../wire/binary-reader.js";
import { BinaryWriter } from "../wire/binary-writer.js";
import { DecodeError } from "../wire/decode-error.js";
import { createDynamic } from "./create-dynamic.js";
import { equalsDynamic } from "./equals.js";
import { cloneDynamic, mergeDynamic } from "./merge.js";
import type { MessageInit } from "./message-shape.js";
import type { BinaryReadOptions, MessageType } from "./message-type.js";

type Message = Record<string, unknown>;

/** The fast parts a generated message type brings; anything it leaves out falls back to the descriptor walk. */
export interface MessageCodec<T> {
  create?: (init?: MessageInit<T>) => T;
  encodeTo?: (message: T, w: BinaryWriter) => void;
  decodeFrom?: (r: BinaryReader, target?: T, group?: number) => T;
}

/**
 * A MessageType for `info`. Without `codec` every operation walks the descriptor (the dynamic codec, for types known
 * only at run time); generated code passes its straight-line `create`, `encodeTo` and `decodeFrom`, and JSON,
 * comparison and copying stay on the walk (they are not on a call's hot path).
 */
export function messageType<T extends object = Message>(info: MessageInfo, codec: MessageCodec<T> = {}): MessageType<T> {
  const create = codec.create ?? ((init?: MessageInit<T>) => createDynamic(info, init as Message) as T);
  const encodeTo = codec.encodeTo ?? ((m: T, w: BinaryWriter) => encodeDynamic(info, m as Message, w));
  const decodeFrom = codec.decodeFrom ?? ((r: BinaryReader, target?: T, group?: number) => decodeDynamic(info, r, (target ?? create()) as Message, group) as T);
  return {
    typeName: info.typeName,
    info,
    create,
    encodeTo,
    decodeFrom,
    encode(message: MessageInit<T>): Uint8Array {
      return BinaryWriter.encodeWith((w) => encodeTo(message as T, w));
    },
    decode(bytes: Uint8Array, options?: BinaryReadOptions): T {
      const r = new BinaryReader(bytes, 0, bytes.length, options?.recursionLimit);
      const m = decodeFrom(r);
      if (r.pos !== bytes.length) throw new DecodeError(`${info.typeName}: unexpected end-group tag`);
      return m;
    },
    toJson: (message: MessageInit<T>, options?: JsonWriteOptions) => messageToJson(info, message as Message, options),
    fromJson: (json: JsonValue, options?: JsonReadOptions) => messageFromJson(info, json, options) as T,
    toJsonString(message: MessageInit<T>, options?: JsonWriteOptions & { pretty?: boolean }): string {
      return JSON.stringify(messageToJson(info, message as Message, options), null, options?.pretty ? 2 : undefined);
    },
    fromJsonString(json: string, options?: JsonReadOptions): T {
      let parsed: JsonValue;
      try {
        parsed = JSON.parse(json) as JsonValue;
      } catch (e) {
        throw new DecodeError(`invalid JSON for ${info.typeName}: ${(e as Error).message}`);
      }
      const duplicate = duplicateKey(json, parsed);
      if (duplicate !== undefined) throw new DecodeError(`invalid JSON for ${info.typeName}: the key "${duplicate}" appears twice in one object`);
      return messageFromJson(info, parsed, options) as T;
    },
    equals: (a: MessageInit<T>, b: MessageInit<T>) => equalsDynamic(info, a as Message, b as Message),
    clone: (message: MessageInit<T>) => cloneDynamic(info, message as Message) as T,
    merge: (target: T, source: MessageInit<T>) => mergeDynamic(info, target as Message, source as Message) as T,
  };
}

/**
 * A MessageType for a message known only at run time (`registry.getMessage("pkg.Msg")`, from a descriptor set, the
 * compiler or server reflection): the same API as a generated type, working from the descriptor.
 */
export function createMessageType<T extends object = Message>(info: MessageInfo): MessageType<T> {
  return messageType<T>(info);
}
