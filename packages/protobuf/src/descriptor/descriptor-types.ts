/**
 * The messages of google/protobuf/descriptor.proto as plain objects, in tsgrpc's message shape: camelCase fields,
 * optional fields `undefined` when absent, repeated fields always arrays. Options messages are kept open
 * (`OptionsMessage`) because custom options live in them as extensions (unknown fields, until asked for).
 */
import type { UnknownFields } from "../message/unknown-fields.js";

export interface OptionsMessage {
  [field: string]: unknown;
  [UnknownFields]?: Uint8Array[] | undefined;
}

export interface FileDescriptorSet {
  file: FileDescriptorProto[];
}

export interface FileDescriptorProto {
  name?: string | undefined;
  package?: string | undefined;
  dependency: string[];
  publicDependency: number[];
  weakDependency: number[];
  messageType: DescriptorProto[];
  enumType: EnumDescriptorProto[];
  service: ServiceDescriptorProto[];
  extension: FieldDescriptorProto[];
  options?: OptionsMessage | undefined;
  sourceCodeInfo?: SourceCodeInfo | undefined;
  syntax?: string | undefined;
  edition?: number | undefined;
  /** Files imported with `import option` (edition 2024): for their custom options only. */
  optionDependency: string[];
}

export interface DescriptorProto {
  name?: string | undefined;
  field: FieldDescriptorProto[];
  extension: FieldDescriptorProto[];
  nestedType: DescriptorProto[];
  enumType: EnumDescriptorProto[];
  extensionRange: DescriptorProto_ExtensionRange[];
  oneofDecl: OneofDescriptorProto[];
  options?: OptionsMessage | undefined;
  reservedRange: DescriptorProto_ReservedRange[];
  reservedName: string[];
  /** `export` or `local` as written (edition 2024), else undefined. */
  visibility?: SymbolVisibility | undefined;
}

export interface DescriptorProto_ExtensionRange {
  start?: number | undefined;
  end?: number | undefined;
  options?: OptionsMessage | undefined;
}

export interface DescriptorProto_ReservedRange {
  start?: number | undefined;
  end?: number | undefined;
}

/** FieldDescriptorProto.Type */
export enum FieldType {
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
export enum FieldLabel {
  OPTIONAL = 1,
  REQUIRED = 2,
  REPEATED = 3,
}

export interface FieldDescriptorProto {
  name?: string | undefined;
  number?: number | undefined;
  label?: FieldLabel | undefined;
  type?: FieldType | undefined;
  typeName?: string | undefined;
  extendee?: string | undefined;
  defaultValue?: string | undefined;
  oneofIndex?: number | undefined;
  jsonName?: string | undefined;
  options?: OptionsMessage | undefined;
  proto3Optional?: boolean | undefined;
}

export interface OneofDescriptorProto {
  name?: string | undefined;
  options?: OptionsMessage | undefined;
}

export interface EnumDescriptorProto {
  name?: string | undefined;
  value: EnumValueDescriptorProto[];
  options?: OptionsMessage | undefined;
  reservedRange: EnumDescriptorProto_EnumReservedRange[];
  reservedName: string[];
  /** `export` or `local` as written (edition 2024), else undefined. */
  visibility?: SymbolVisibility | undefined;
}

/** descriptor.proto's SymbolVisibility: the keyword a message or enum was declared with. */
export enum SymbolVisibility {
  UNSET = 0,
  LOCAL = 1,
  EXPORT = 2,
}

export interface EnumDescriptorProto_EnumReservedRange {
  start?: number | undefined;
  end?: number | undefined;
}

export interface EnumValueDescriptorProto {
  name?: string | undefined;
  number?: number | undefined;
  options?: OptionsMessage | undefined;
}

export interface ServiceDescriptorProto {
  name?: string | undefined;
  method: MethodDescriptorProto[];
  options?: OptionsMessage | undefined;
}

export interface MethodDescriptorProto {
  name?: string | undefined;
  inputType?: string | undefined;
  outputType?: string | undefined;
  options?: OptionsMessage | undefined;
  clientStreaming?: boolean | undefined;
  serverStreaming?: boolean | undefined;
}

export interface SourceCodeInfo {
  location: SourceCodeInfo_Location[];
}

export interface SourceCodeInfo_Location {
  path: number[];
  span: number[];
  leadingComments?: string | undefined;
  trailingComments?: string | undefined;
  leadingDetachedComments: string[];
}
