// @tsgrpc/protobuf: what an application writes against. Generated code's own needs are in
// `@tsgrpc/protobuf/codegen-support`; the well-known types and their helpers in `@tsgrpc/protobuf/wkt`.
export type { Message, MessageInit } from "./message/message-shape.js";
export type { MessageType, BinaryReadOptions } from "./message/message-type.js";
export type { JsonValue, JsonReadOptions, JsonWriteOptions } from "./json/json-options.js";
export { DecodeError } from "./wire/decode-error.js";
export { UnknownFields } from "./message/unknown-fields.js";
export { getExtension, setExtension, hasExtension, clearExtension } from "./message/extensions.js";
export { createRegistry, type Registry } from "./reflect/registry.js";
export { createMessageType } from "./message/dynamic-message-type.js";
export { createServiceDefinition } from "./reflect/dynamic-service.js";
export type { MessageInfo, FieldInfo, EnumInfo, OneofInfo, ServiceInfo, MethodInfo } from "./reflect/type-info.js";
export type { MethodKind, MethodDefinition, ServiceDefinition } from "./reflect/service-definition.js";
export type { OneofValue } from "./reflect/field-access.js";
export * from "./descriptor/descriptor-types.js";
