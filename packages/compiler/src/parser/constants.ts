import { FieldType } from "@tsgrpc/protobuf";

/** The scalar type keywords of the .proto language. */
export const SCALAR_TYPES: Record<string, FieldType> = {
  double: FieldType.DOUBLE, float: FieldType.FLOAT, uint64: FieldType.UINT64, fixed64: FieldType.FIXED64,
  fixed32: FieldType.FIXED32, bool: FieldType.BOOL, string: FieldType.STRING, group: FieldType.GROUP,
  bytes: FieldType.BYTES, uint32: FieldType.UINT32, sfixed32: FieldType.SFIXED32, sfixed64: FieldType.SFIXED64,
  int32: FieldType.INT32, int64: FieldType.INT64, sint32: FieldType.SINT32, sint64: FieldType.SINT64,
};

/** The names `edition = "..."` accepts: descriptor.proto's Edition values without EDITION_, less the legacy ones
 * (PROTO2, PROTO3, LEGACY, UNKNOWN) and MAX. Whether the compiler supports the edition is checked after parsing. */
export const EDITION_BY_NAME: Record<string, number> = {
  "2023": 1000, "2024": 1001,
  "1_TEST_ONLY": 1, "2_TEST_ONLY": 2, "99997_TEST_ONLY": 99997, "99998_TEST_ONLY": 99998, "99999_TEST_ONLY": 99999,
};

// Field numbers in descriptor.proto, used as source code info paths.
export const F = {
  file: { package: 2, dependency: 3, messageType: 4, enumType: 5, service: 6, extension: 7, options: 8, publicDependency: 10, weakDependency: 11, syntax: 12, edition: 14, optionDependency: 15 },
  message: { name: 1, field: 2, nestedType: 3, enumType: 4, extensionRange: 5, extension: 6, options: 7, oneofDecl: 8, reservedRange: 9, reservedName: 10 },
  field: { name: 1, extendee: 2, number: 3, label: 4, type: 5, typeName: 6, defaultValue: 7, options: 8, jsonName: 10 },
  range: { start: 1, end: 2, options: 3 },
  oneof: { name: 1, options: 2 },
  enum: { name: 1, value: 2, options: 3, reservedRange: 4, reservedName: 5 },
  enumValue: { name: 1, number: 2, options: 3 },
  service: { name: 1, method: 2, options: 3 },
  method: { name: 1, inputType: 2, outputType: 3, options: 4, clientStreaming: 5, serverStreaming: 6 },
  option: { name: 2, identifierValue: 3, positiveIntValue: 4, negativeIntValue: 5, doubleValue: 6, stringValue: 7, aggregateValue: 8 },
  namePart: { namePart: 1 },
} as const;

export const INT32_MAX = 0x7fffffffn;
export const UINT64_MAX = 0xffffffffffffffffn;
/** `to max` in a range, until the message's options say which maximum applies. */
export const MAX_RANGE_SENTINEL = -1;
