import type { JsonReadOptions, JsonValue, JsonWriteOptions } from "../json/json-options.js";
import type { MessageInfo } from "../reflect/type-info.js";
import type { BinaryReader } from "../wire/binary-reader.js";
import type { BinaryWriter } from "../wire/binary-writer.js";
import type { MessageInit } from "./message-shape.js";

export interface BinaryReadOptions {
  /** How deep messages may nest (default 100). */
  recursionLimit?: number;
}

/**
 * One shape for every message type, generated or built from descriptors at run time: the codec, the JSON mapping,
 * comparison and copying, and the schema (`info`) that reflection, the CLI and the JSON mapping walk. Everything that
 * reads a message accepts an initializer too (any field may be missing, at any depth): a missing field is unset.
 */
export interface MessageType<T extends object = Record<string, unknown>> {
  readonly typeName: string;
  readonly info: MessageInfo;
  /** A new message with every field at its default, and `init`'s fields (partial at any depth) copied in. */
  create(init?: MessageInit<T>): T;
  encode(message: MessageInit<T>): Uint8Array;
  decode(bytes: Uint8Array, options?: BinaryReadOptions): T;
  toJson(message: MessageInit<T>, options?: JsonWriteOptions): JsonValue;
  fromJson(json: JsonValue, options?: JsonReadOptions): T;
  toJsonString(message: MessageInit<T>, options?: JsonWriteOptions & { pretty?: boolean }): string;
  fromJsonString(json: string, options?: JsonReadOptions): T;
  /** Whether two messages hold the same fields and unknown fields (numbers compared as `Object.is` does). */
  equals(a: MessageInit<T>, b: MessageInit<T>): boolean;
  /** A deep copy: nothing (lists, maps, nested messages, bytes) is shared with `message`. */
  clone(message: MessageInit<T>): T;
  /** Merges `source` into `target` as protobuf does (scalars replace, messages merge, lists append, map entries
   * replace by key) and returns `target`. */
  merge(target: T, source: MessageInit<T>): T;
  /** Writes the message's fields into `w` (no tag, no length): the building block of nested encoding. */
  encodeTo(message: T, w: BinaryWriter): void;
  /** Reads fields from `r` up to its current end into a new message, or into `target` (merging). For a group,
   * `group` is its field number: reading stops at its end tag. */
  decodeFrom(r: BinaryReader, target?: T, group?: number): T;
}
