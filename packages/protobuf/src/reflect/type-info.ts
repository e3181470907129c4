import type { DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FieldType, FileDescriptorProto, MethodDescriptorProto, ServiceDescriptorProto } from "../descriptor/descriptor-types.js";

/** A message type resolved against its registry: what the dynamic codec and the JSON mapping walk. */
export interface MessageInfo {
  readonly kind: "message";
  /** Full name without the leading dot, e.g. `userservice.User`. */
  readonly typeName: string;
  readonly proto: DescriptorProto;
  readonly file: FileDescriptorProto;
  readonly fields: FieldInfo[];
  readonly fieldsByNumber: Map<number, FieldInfo>;
  readonly oneofs: OneofInfo[];
  /** True for the synthesized entry message of a map field. */
  readonly mapEntry: boolean;
}

export interface OneofInfo {
  readonly name: string;
  readonly localName: string;
  readonly fields: FieldInfo[];
}

export interface EnumInfo {
  readonly kind: "enum";
  readonly typeName: string;
  readonly proto: EnumDescriptorProto;
  readonly file: FileDescriptorProto;
  /** Closed (feature enum_type = CLOSED; proto2's enums): an unknown number read from the wire goes to the unknown
   * fields. */
  readonly closed: boolean;
  readonly byNumber: Map<number, string>;
  readonly byName: Map<string, number>;
}

/** One field of a message, or an extension. Scalars, enums and messages; maps and repeated fields. */
export interface FieldInfo {
  readonly no: number;
  readonly name: string;
  readonly localName: string;
  readonly jsonName: string;
  /** The value type; for a map field, the map's value type. A message field with message_encoding = DELIMITED is
   * GROUP here (it is encoded as a group), though its descriptor says MESSAGE. */
  readonly type: FieldType;
  readonly repeated: boolean;
  /** Repeated scalars written packed (the `packed` option, else feature repeated_field_encoding). Both forms are
   * accepted when reading. */
  readonly packed: boolean;
  /** Explicit presence: the property is `undefined` when the field is not set (feature field_presence EXPLICIT or
   * LEGACY_REQUIRED, as in proto2; proto3 `optional`; messages; oneof members; extensions). Without it (IMPLICIT, as
   * in proto3), a scalar always has a value and its zero value is not written. */
  readonly explicitPresence: boolean;
  readonly required: boolean;
  readonly oneof: OneofInfo | undefined;
  /** Strings are checked for valid UTF-8 (feature utf8_validation = VERIFY, as in proto3). */
  readonly utf8Strict: boolean;
  /** The message type of a message or group field, or a map's value message. Resolved after the registry is built. */
  message: MessageInfo | undefined;
  enum: EnumInfo | undefined;
  /** For a map field, the key and value fields of its entry message. */
  map: { key: FieldInfo; value: FieldInfo } | undefined;
  /** The proto2 default as a value of the field's type, when the .proto gave one. */
  defaultValue: unknown;
  /** For an extension, the full name of the message it extends. */
  readonly extendee: string | undefined;
  /** For an extension, its own full name (`pkg.my_option`), which is also its JSON key (`[pkg.my_option]`). */
  fullName?: string;
  readonly proto: FieldDescriptorProto;
}

export interface ServiceInfo {
  readonly kind: "service";
  readonly typeName: string;
  readonly proto: ServiceDescriptorProto;
  readonly file: FileDescriptorProto;
  readonly methods: MethodInfo[];
}

export interface MethodInfo {
  readonly name: string;
  /** `/package.Service/Method` */
  readonly path: string;
  readonly input: MessageInfo;
  readonly output: MessageInfo;
  readonly clientStreaming: boolean;
  readonly serverStreaming: boolean;
  readonly proto: MethodDescriptorProto;
}
