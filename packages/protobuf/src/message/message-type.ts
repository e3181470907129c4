import type { JsonReadOptions, JsonValue, JsonWriteOptions } from "../json/json-options.js";
import type { MessageInfo } from "../reflect/type-info.js";
import type { BinaryReader } from "../wire/binary-reader.js";
import type { BinaryWriter } from "../wire/binary-writer.js";

export interface BinaryReadOptions {
  /** How deep messages may nest (default 100). */
  recursionLimit?: number;
}

/**
 * One shape for every message type, generated or built from descriptors at run time: the codec, the JSON mapping,
 * and the schema (`info`) that reflection, the CLI and the JSON mapping walk.
 */
export interface MessageType<T extends object = Record<string, unknown>> {
  readonly typeName: string;
  readonly info: MessageInfo;
  /** A new message with every field at its default; `init` fields copied in. */
  create(init?: Partial<T>): T;
  encode(message: T): Uint8Array;
  decode(bytes: Uint8Array, options?: BinaryReadOptions): T;
  /** Writes the message's fields into `w` (no tag, no length): the building block of nested encoding. */
  encodeTo(message: T, w: BinaryWriter): void;
  /** Reads fields from `r` up to its current end into a new message, or into `target` (merging). For a group,
   * `group` is its field number: reading stops at its end tag. */
  decodeFrom(r: BinaryReader, target?: T, group?: number): T;
  toJson(message: T, options?: JsonWriteOptions): JsonValue;
  fromJson(json: JsonValue, options?: JsonReadOptions): T;
  toJsonString(message: T, options?: JsonWriteOptions & { pretty?: boolean }): string;
  fromJsonString(json: string, options?: JsonReadOptions): T;
}
