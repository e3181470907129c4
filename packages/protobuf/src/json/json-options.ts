import type { Registry } from "../reflect/registry.js";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface JsonWriteOptions {
  /** Write fields that hold their default value (proto3 zero values, empty lists and maps). */
  emitDefaults?: boolean;
  /** Write enum values as numbers instead of names. */
  enumAsInteger?: boolean;
  /** Use the .proto field names instead of their lowerCamelCase JSON names. */
  useProtoFieldName?: boolean;
  /** Where `google.protobuf.Any` finds the types it packs. */
  registry?: Registry;
}

export interface JsonReadOptions {
  /** Skip fields (and enum names) the schema does not know instead of failing. */
  ignoreUnknownFields?: boolean;
  /** Where `google.protobuf.Any` finds the types it packs. */
  registry?: Registry;
}
