import { decodeDynamic } from "../binary/decode-dynamic.js";
import { encodeDynamic } from "../binary/encode-dynamic.js";
import { messageFromJson } from "../json/from-json.js";
import type { JsonReadOptions, JsonValue, JsonWriteOptions } from "../json/json-options.js";
import { messageToJson } from "../json/to-json.js";
import type { MessageInfo } from "../reflect/type-info.js";
import { BinaryReader } from "../wire/binary-reader.js";
import { BinaryWriter } from "../wire/binary-writer.js";
import { DecodeError } from "../wire/decode-error.js";
import { createDynamic } from "./create-dynamic.js";
import type { BinaryReadOptions, MessageType } from "./message-type.js";

type Message = Record<string, unknown>;

/** The fast parts a generated message type brings; anything it leaves out falls back to the descriptor walk. */
export interface MessageCodec<T> {
  create?: (init?: Partial<T>) => T;
  encodeTo?: (message: T, w: BinaryWriter) => void;
  decodeFrom?: (r: BinaryReader, target?: T, group?: number) => T;
}

/**
 * A MessageType for `info`. Without `codec` every operation walks the descriptor (the dynamic codec, for types known
 * only at run time); generated code passes its straight-line `encodeTo`/`decodeFrom`, and JSON stays on the walk.
 */
export function messageType<T extends object = Message>(info: MessageInfo, codec: MessageCodec<T> = {}): MessageType<T> {
  const create = codec.create ?? ((init?: Partial<T>) => createDynamic(info, init as Message) as T);
  const encodeTo = codec.encodeTo ?? ((m: T, w: BinaryWriter) => encodeDynamic(info, m as Message, w));
  const decodeFrom = codec.decodeFrom ?? ((r: BinaryReader, target?: T, group?: number) => decodeDynamic(info, r, (target ?? create()) as Message, group) as T);
  return {
    typeName: info.typeName,
    info,
    create,
    encodeTo,
    decodeFrom,
    encode(message: T): Uint8Array {
      return BinaryWriter.encodeWith((w) => encodeTo(message, w));
    },
    decode(bytes: Uint8Array, options?: BinaryReadOptions): T {
      const r = new BinaryReader(bytes, 0, bytes.length, options?.recursionLimit);
      const m = decodeFrom(r);
      if (r.pos !== bytes.length) throw new DecodeError(`${info.typeName}: unexpected end-group tag`);
      return m;
    },
    toJson: (message: T, options?: JsonWriteOptions) => messageToJson(info, message as Message, options),
    fromJson: (json: JsonValue, options?: JsonReadOptions) => messageFromJson(info, json, options) as T,
    toJsonString(message: T, options?: JsonWriteOptions & { pretty?: boolean }): string {
      return JSON.stringify(messageToJson(info, message as Message, options), null, options?.pretty ? 2 : undefined);
    },
    fromJsonString(json: string, options?: JsonReadOptions): T {
      let parsed: JsonValue;
      try {
        parsed = JSON.parse(json) as JsonValue;
      } catch (e) {
        throw new DecodeError(`invalid JSON for ${info.typeName}: ${(e as Error).message}`);
      }
      return messageFromJson(info, parsed, options) as T;
    },
  };
}
