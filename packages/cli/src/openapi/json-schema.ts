/**
 * JSON Schema (2020-12, as OpenAPI 3.1 uses it) for protobuf messages and enums in their proto3 JSON form: 64-bit
 * integers as strings, enums by name, bytes as base64, maps as objects, and the well-known types in their own JSON
 * forms. Messages and enums go to `components.schemas` by full name and are referenced from there.
 */
import { FieldType, type EnumInfo, type FieldInfo, type MessageInfo } from "@tsgrpc/protobuf";

export type Schema = { [key: string]: unknown };

/** The JSON forms of the well-known types that are not objects of their fields. */
const WELL_KNOWN: Record<string, Schema> = {
  "google.protobuf.Timestamp": { type: "string", format: "date-time" },
  "google.protobuf.Duration": { type: "string", pattern: "^-?[0-9]+(\\.[0-9]{1,9})?s$", description: 'Seconds with up to 9 fractional digits and an "s", e.g. "1.5s".' },
  "google.protobuf.FieldMask": { type: "string", description: 'Field paths in lowerCamelCase, separated by ",".' },
  "google.protobuf.Struct": { type: "object", additionalProperties: true },
  "google.protobuf.Value": { description: "Any JSON value." },
  "google.protobuf.ListValue": { type: "array", items: {} },
  "google.protobuf.Empty": { type: "object", additionalProperties: false },
  "google.protobuf.Any": { type: "object", properties: { "@type": { type: "string" } }, required: ["@type"], additionalProperties: true },
  "google.protobuf.DoubleValue": { type: "number" },
  "google.protobuf.FloatValue": { type: "number" },
  "google.protobuf.Int64Value": { type: "string", format: "int64" },
  "google.protobuf.UInt64Value": { type: "string", format: "uint64" },
  "google.protobuf.Int32Value": { type: "integer", format: "int32" },
  "google.protobuf.UInt32Value": { type: "integer", format: "uint32", minimum: 0 },
  "google.protobuf.BoolValue": { type: "boolean" },
  "google.protobuf.StringValue": { type: "string" },
  "google.protobuf.BytesValue": { type: "string", contentEncoding: "base64" },
};

function scalarSchema(type: FieldType): Schema {
  switch (type) {
    case FieldType.DOUBLE:
    case FieldType.FLOAT:
      return { type: "number", format: type === FieldType.DOUBLE ? "double" : "float" };
    case FieldType.INT32:
    case FieldType.SINT32:
    case FieldType.SFIXED32:
      return { type: "integer", format: "int32" };
    case FieldType.UINT32:
    case FieldType.FIXED32:
      return { type: "integer", format: "uint32", minimum: 0, maximum: 4294967295 };
    case FieldType.INT64:
    case FieldType.SINT64:
    case FieldType.SFIXED64:
      return { type: "string", format: "int64" };
    case FieldType.UINT64:
    case FieldType.FIXED64:
      return { type: "string", format: "uint64" };
    case FieldType.BOOL:
      return { type: "boolean" };
    case FieldType.BYTES:
      return { type: "string", contentEncoding: "base64" };
    default:
      return { type: "string" };
  }
}

/** The schemas of a document: each message and enum once, under its full name. */
export class SchemaSet {
  readonly schemas: Record<string, Schema> = {};

  constructor(private readonly describe: (typeName: string) => string | undefined = () => undefined) {}

  /** A reference to the message's schema (or the well-known type's own form, inline), adding it on first use. */
  message(info: MessageInfo): Schema {
    const known = WELL_KNOWN[info.typeName];
    if (known) return { ...known };
    if (!(info.typeName in this.schemas)) {
      this.schemas[info.typeName] = {}; // placed first: a recursive message refers to itself
      const properties: Record<string, Schema> = {};
      for (const f of info.fields) properties[f.jsonName] = this.field(f);
      const description = this.describe(info.typeName);
      this.schemas[info.typeName] = { type: "object", ...(description && { description }), properties };
    }
    return { $ref: `#/components/schemas/${info.typeName}` };
  }

  enum(info: EnumInfo): Schema {
    if (info.typeName === "google.protobuf.NullValue") return { type: "null" };
    if (!(info.typeName in this.schemas)) {
      const description = this.describe(info.typeName);
      this.schemas[info.typeName] = { type: "string", ...(description && { description }), enum: [...info.byName.keys()] };
    }
    return { $ref: `#/components/schemas/${info.typeName}` };
  }

  /** One value of the field (a list's item, a map's value). */
  value(field: FieldInfo): Schema {
    if (field.message) return this.message(field.message);
    if (field.enum) return this.enum(field.enum);
    return scalarSchema(field.type);
  }

  field(field: FieldInfo): Schema {
    if (field.map) return { type: "object", additionalProperties: this.value(field.map.value) };
    if (field.repeated) return { type: "array", items: this.value(field) };
    return this.value(field);
  }
}
