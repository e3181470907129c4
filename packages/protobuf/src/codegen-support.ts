// @tsgrpc/protobuf/codegen-support: what generated modules import (each name aliased with a `$`), and the lower
// layers that tooling (the compiler, code generation, the CLI, the gRPC runtime) builds on. Applications import
// `@tsgrpc/protobuf` instead; nothing here is needed to use generated code.
export { BinaryReader, DEFAULT_RECURSION_LIMIT } from "./wire/binary-reader.js";
export { BinaryWriter } from "./wire/binary-writer.js";
export { DecodeError } from "./wire/decode-error.js";
export { WireType, MAX_FIELD_NUMBER } from "./wire/wire-type.js";
export { UnknownFields, addUnknown } from "./message/unknown-fields.js";
export { setOwn } from "./message/set-own.js";
export { createDynamic } from "./message/create-dynamic.js";
export { messageType, type MessageCodec } from "./message/dynamic-message-type.js";
export type { Message, MessageInit } from "./message/message-shape.js";
export type { MessageType } from "./message/message-type.js";
export { Registry } from "./reflect/registry.js";
export { jsonNameOf, localNameOf, methodLocalNamesOf, isReservedPropertyName } from "./reflect/names.js";
export { getField, setField, membersOf, isOneof } from "./reflect/field-access.js";
export { isZeroValue, zeroValue, scalarWireType, is64Bit, isPackable, parseDefaultValue } from "./reflect/scalar.js";
export { encodeDynamic, writeField } from "./binary/encode-dynamic.js";
export { decodeDynamic } from "./binary/decode-dynamic.js";
export { readScalar, writeScalar } from "./binary/scalar-io.js";
export { messageToJson } from "./json/to-json.js";
export { messageFromJson } from "./json/from-json.js";
export { base64Encode, base64Decode } from "./json/base64.js";
export { skipField, writeUnknown } from "./binary/generated-support.js";
export { defineFile, getDescriptorRegistry, getFileDescriptorType, type FileDefinition } from "./generated/define-file.js";
export { methodKind, type ServiceDefinition } from "./reflect/service-definition.js";
export { Edition, MINIMUM_EDITION, MAXIMUM_EDITION, FieldPresence, EnumType, RepeatedFieldEncoding, Utf8Validation, MessageEncoding, JsonFormat, editionOf, editionName, featureDefaults, mergeFeatures, fileFeatures, type ResolvedFeatures } from "./reflect/features.js";
