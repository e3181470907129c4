import { FieldLabel, FieldType } from "@tsgrpc/protobuf";
import type { DescriptorProto, FieldDescriptorProto } from "@tsgrpc/protobuf";
import { formatDouble } from "../format-number.js";
import { cEscape } from "../string-literal.js";
import { TokenType } from "../tokenizer.js";
import { F, INT32_MAX, SCALAR_TYPES, UINT64_MAX } from "./constants.js";
import { generateMapEntry, newMessage } from "./descriptor-builders.js";
import { OptionParser } from "./option-parser.js";
import { Loc } from "./source-location.js";

/** Fields: label, type (scalar, named, map, group), name, number, and the bracketed options, default and json_name. */
export abstract class FieldParser extends OptionParser {
  protected abstract parseMessageBlock(message: DescriptorProto, messageLoc: Loc): boolean;

  protected parseMessageField(field: FieldDescriptorProto, messages: DescriptorProto[], parentLoc: Loc, nestedTypeFieldNo: number, fieldLoc: Loc): boolean {
    const labels: Record<string, FieldLabel> = { optional: FieldLabel.OPTIONAL, repeated: FieldLabel.REPEATED, required: FieldLabel.REQUIRED };
    const label = labels[this.input.current.text];
    if (label !== undefined && this.lookingAtType(TokenType.Identifier)) {
      if (this.syntax === "editions" && label === FieldLabel.OPTIONAL) {
        this.error('Label "optional" is not supported in editions. By default, all singular fields have presence unless features.field_presence is set.');
      } else if (this.syntax === "editions" && label === FieldLabel.REQUIRED) {
        this.error('Label "required" is not supported in editions, use features.field_presence = LEGACY_REQUIRED.');
      }
      const labelLoc = new Loc(this, fieldLoc, [F.field.label]);
      this.withLoc(labelLoc, () => this.input.next());
      field.label = label;
      if (label === FieldLabel.OPTIONAL && this.syntax === "proto3") field.proto3Optional = true;
    }
    return this.parseMessageFieldNoLabel(field, messages, parentLoc, nestedTypeFieldNo, fieldLoc);
  }

  protected parseMessageFieldNoLabel(field: FieldDescriptorProto, messages: DescriptorProto[], parentLoc: Loc, nestedTypeFieldNo: number, fieldLoc: Loc): boolean {
    let map: { key: [FieldType | undefined, string]; value: [FieldType | undefined, string] } | undefined;
    {
      const loc = new Loc(this, fieldLoc, []);
      try {
        let typeParsed = false;
        let type: FieldType | undefined;
        let typeName = "";
        if (this.tryConsume("map")) {
          if (this.lookingAt("<")) map = { key: [undefined, ""], value: [undefined, ""] };
          else {
            typeParsed = true;
            typeName = "map";
          }
        }
        if (map) {
          if (field.oneofIndex !== undefined) {
            this.error("Map fields are not allowed in oneofs.");
            return false;
          }
          if (field.label !== undefined) {
            this.error("Field labels (required/optional/repeated) are not allowed on map fields.");
            return false;
          }
          if (field.extendee !== undefined) {
            this.error("Map fields are not allowed to be extensions.");
            return false;
          }
          field.label = FieldLabel.REPEATED;
          if (!this.consume("<")) return false;
          const key = this.parseType();
          if (!key || !this.consume(",")) return false;
          const value = this.parseType();
          if (!value || !this.consume(">")) return false;
          map = { key, value };
          loc.addPath(F.field.typeName);
        } else {
          if (field.label === undefined && (this.syntax === "proto3" || this.syntax === "editions")) field.label = FieldLabel.OPTIONAL;
          if (field.label === undefined) {
            this.error('Expected "required", "optional", or "repeated".');
            field.label = FieldLabel.OPTIONAL;
          }
          if (!typeParsed) {
            const parsed = this.parseType();
            if (!parsed) return false;
            [type, typeName] = parsed;
          }
          if (typeName === "") {
            loc.addPath(F.field.type);
            field.type = type;
          } else {
            loc.addPath(F.field.typeName);
            field.typeName = typeName;
          }
        }
      } finally {
        loc.end();
      }
    }

    const nameToken = this.input.current;
    const nameLoc = new Loc(this, fieldLoc, [F.field.name]);
    const name = this.withLoc(nameLoc, () => this.consumeIdentifier("Expected field name."));
    if (name === undefined) return false;
    field.name = name;
    if (!this.consume("=", "Missing field number.")) return false;

    const numberLoc = new Loc(this, fieldLoc, [F.field.number]);
    const number = this.withLoc(numberLoc, () => this.consumeInteger("Expected field number."));
    if (number === undefined) return false;
    field.number = number;

    if (!this.parseFieldOptions(field, fieldLoc)) return false;

    if (field.type === FieldType.GROUP) {
      const groupLoc = new Loc(this, parentLoc, []);
      groupLoc.startAtLoc(fieldLoc);
      groupLoc.addPath(nestedTypeFieldNo);
      groupLoc.addPath(messages.length);
      const group = newMessage();
      group.name = field.name;
      messages.push(group);
      try {
        const gName = new Loc(this, groupLoc, [F.message.name]);
        gName.startAt(nameToken);
        gName.endAt(nameToken);
        const tName = new Loc(this, fieldLoc, [F.field.typeName]);
        tName.startAt(nameToken);
        tName.endAt(nameToken);
        const first = group.name[0]!;
        if (first < "A" || first > "Z") this.error("Group names must start with a capital letter.", nameToken.line, nameToken.column);
        field.name = field.name.toLowerCase();
        field.typeName = group.name;
        if (!this.lookingAt("{")) {
          this.error("Missing group body.");
          return false;
        }
        if (!this.parseMessageBlock(group, groupLoc)) return false;
      } finally {
        groupLoc.end();
      }
    } else if (!this.consumeEndOfDeclaration(";", fieldLoc)) return false;

    if (map) generateMapEntry(map, field, messages);
    return true;
  }

  /** A field type: a scalar keyword, or a (possibly qualified) message or enum name. */
  protected parseType(): [FieldType | undefined, string] | undefined {
    const scalar = SCALAR_TYPES[this.input.current.text];
    if (scalar !== undefined && this.lookingAtType(TokenType.Identifier)) {
      if (scalar === FieldType.GROUP && this.syntax === "editions") {
        this.error("Group syntax is no longer supported in editions. To get group behavior you can specify features.message_encoding = DELIMITED on a message field.");
      }
      this.input.next();
      return [scalar, ""];
    }
    const name = this.parseUserDefinedType();
    return name === undefined ? undefined : [undefined, name];
  }

  protected parseUserDefinedType(): string | undefined {
    if (SCALAR_TYPES[this.input.current.text] !== undefined && this.lookingAtType(TokenType.Identifier)) {
      this.error("Expected message type.");
      const text = this.input.current.text;
      this.input.next();
      return text;
    }
    let name = "";
    if (this.tryConsume(".")) name += ".";
    const first = this.consumeIdentifier("Expected type name.");
    if (first === undefined) return undefined;
    name += first;
    while (this.tryConsume(".")) {
      const part = this.consumeIdentifier("Expected identifier.");
      if (part === undefined) return undefined;
      name += "." + part;
    }
    return name;
  }

  protected parseFieldOptions(field: FieldDescriptorProto, fieldLoc: Loc): boolean {
    if (!this.lookingAt("[")) return true;
    const loc = new Loc(this, fieldLoc, [F.field.options]);
    return this.withLoc(loc, () => {
      if (!this.consume("[")) return false;
      do {
        if (this.lookingAt("default")) {
          if (!this.parseDefaultAssignment(field, fieldLoc)) return false;
        } else if (this.lookingAt("json_name")) {
          if (!this.parseJsonName(field, fieldLoc)) return false;
        } else if (!this.parseOption(field, loc, "assignment")) return false;
      } while (this.tryConsume(","));
      return this.consume("]");
    });
  }

  protected parseDefaultAssignment(field: FieldDescriptorProto, fieldLoc: Loc): boolean {
    if (field.defaultValue !== undefined) {
      this.error('Already set option "default".');
      field.defaultValue = undefined;
    }
    if (!this.consume("default") || !this.consume("=")) return false;
    const loc = new Loc(this, fieldLoc, [F.field.defaultValue]);
    return this.withLoc(loc, () => {
      if (field.type === undefined) {
        // A named type: enum or message, not known yet. Keep the token; the linker checks it.
        field.defaultValue = this.input.current.text;
        this.input.next();
        return true;
      }
      let text = "";
      switch (field.type) {
        case FieldType.INT32: case FieldType.INT64: case FieldType.SINT32: case FieldType.SINT64: case FieldType.SFIXED32: case FieldType.SFIXED64: {
          let max = field.type === FieldType.INT64 || field.type === FieldType.SINT64 || field.type === FieldType.SFIXED64 ? 0x7fffffffffffffffn : INT32_MAX;
          if (this.tryConsume("-")) {
            text = "-";
            max += 1n;
          }
          const v = this.consumeInteger64(max, "Expected integer for field default value.");
          if (v === undefined) return false;
          text += v.toString();
          break;
        }
        case FieldType.UINT32: case FieldType.UINT64: case FieldType.FIXED32: case FieldType.FIXED64: {
          const max = field.type === FieldType.UINT32 || field.type === FieldType.FIXED32 ? 0xffffffffn : UINT64_MAX;
          if (this.tryConsume("-")) this.error("Unsigned field can't have negative default value.");
          const v = this.consumeInteger64(max, "Expected integer for field default value.");
          if (v === undefined) return false;
          text += v.toString();
          break;
        }
        case FieldType.FLOAT: case FieldType.DOUBLE: {
          if (this.tryConsume("-")) text = "-";
          const v = this.consumeNumber("Expected number.");
          if (v === undefined) return false;
          text += formatDouble(v);
          break;
        }
        case FieldType.BOOL:
          if (this.tryConsume("true")) text = "true";
          else if (this.tryConsume("false")) text = "false";
          else {
            this.error('Expected "true" or "false".');
            return false;
          }
          break;
        case FieldType.STRING: {
          const s = this.consumeString("Expected string for field default value.");
          if (s === undefined) return false;
          text = s;
          break;
        }
        case FieldType.BYTES: {
          const b = this.consumeStringBytes("Expected string.");
          if (b === undefined) return false;
          text = cEscape(b);
          break;
        }
        default:
          this.error("Messages can't have default values.");
          return false;
      }
      field.defaultValue = text;
      return true;
    });
  }

  protected parseJsonName(field: FieldDescriptorProto, fieldLoc: Loc): boolean {
    if (field.jsonName !== undefined) {
      this.error('Already set option "json_name".');
      field.jsonName = undefined;
    }
    const loc = new Loc(this, fieldLoc, [F.field.jsonName]);
    return this.withLoc(loc, () => {
      if (!this.consume("json_name") || !this.consume("=")) return false;
      const valueLoc = new Loc(this, loc, []);
      return this.withLoc(valueLoc, () => {
        const s = this.consumeString("Expected string for JSON name.");
        if (s === undefined) return false;
        field.jsonName = s;
        return true;
      });
    });
  }
}
