/**
 * The messages of google/protobuf/descriptor.proto as plain objects, in tsgrpc's message shape: camelCase fields,
 * optional fields `undefined` when absent, repeated fields always arrays. Options messages are kept open
 * (`OptionsMessage`) because custom options live in them as extensions (unknown fields, until asked for).
 */
import type { UnknownFields } from "../message/unknown-fields.js";

export interface OptionsMessage {
  [field: string]: unknown;
  [UnknownFields]?: Uint8Array[];
}

export interface FileDescriptorSet {
  file: FileDescriptorProto[];
}

export interface FileDescriptorProto {
  name?: string;
  package?: string;
  dependency: string[];
  publicDependency: number[];
  weakDependency: number[];
  messageType: DescriptorProto[];
  enumType: EnumDescriptorProto[];
  service: ServiceDescriptorProto[];
  extension: FieldDescriptorProto[];
  options?: OptionsMessage;
  sourceCodeInfo?: SourceCodeInfo;
  syntax?: string;
  edition?: number;
}

export interface DescriptorProto {
  name?: string;
  field: FieldDescriptorProto[];
  extension: FieldDescriptorProto[];
  nestedType: DescriptorProto[];
  enumType: EnumDescriptorProto[];
  extensionRange: DescriptorProto_ExtensionRange[];
  oneofDecl: OneofDescriptorProto[];
  options?: OptionsMessage;
  reservedRange: DescriptorProto_ReservedRange[];
  reservedName: string[];
}

export interface DescriptorProto_ExtensionRange {
  start?: number;
  end?: number;
  options?: OptionsMessage;
}

export interface DescriptorProto_ReservedRange {
  start?: number;
  end?: number;
}

/** FieldDescriptorProto.Type */
export const enum FieldType {
  DOUBLE = 1,
  FLOAT = 2,
  INT64 = 3,
  UINT64 = 4,
  INT32 = 5,
  FIXED64 = 6,
  FIXED32 = 7,
  BOOL = 8,
  STRING = 9,
  GROUP = 10,
  MESSAGE = 11,
  BYTES = 12,
  UINT32 = 13,
  ENUM = 14,
  SFIXED32 = 15,
  SFIXED64 = 16,
  SINT32 = 17,
  SINT64 = 18,
}

/** FieldDescriptorProto.Label */
export const enum FieldLabel {
  OPTIONAL = 1,
  REQUIRED = 2,
  REPEATED = 3,
}

export interface FieldDescriptorProto {
  name?: string;
  number?: number;
  label?: FieldLabel;
  type?: FieldType;
  typeName?: string;
  extendee?: string;
  defaultValue?: string;
  oneofIndex?: number;
  jsonName?: string;
  options?: OptionsMessage;
  proto3Optional?: boolean;
}

export interface OneofDescriptorProto {
  name?: string;
  options?: OptionsMessage;
}

export interface EnumDescriptorProto {
  name?: string;
  value: EnumValueDescriptorProto[];
  options?: OptionsMessage;
  reservedRange: EnumDescriptorProto_EnumReservedRange[];
  reservedName: string[];
}

export interface EnumDescriptorProto_EnumReservedRange {
  start?: number;
  end?: number;
}

export interface EnumValueDescriptorProto {
  name?: string;
  number?: number;
  options?: OptionsMessage;
}

export interface ServiceDescriptorProto {
  name?: string;
  method: MethodDescriptorProto[];
  options?: OptionsMessage;
}

export interface MethodDescriptorProto {
  name?: string;
  inputType?: string;
  outputType?: string;
  options?: OptionsMessage;
  clientStreaming?: boolean;
  serverStreaming?: boolean;
}

export interface SourceCodeInfo {
  location: SourceCodeInfo_Location[];
}

export interface SourceCodeInfo_Location {
  path: number[];
  span: number[];
  leadingComments?: string;
  trailingComments?: string;
  leadingDetachedComments: string[];
}
