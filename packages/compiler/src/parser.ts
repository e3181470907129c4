import { FieldLabel, FieldType } from "@tsgrpc/protobuf";
import type {
  DescriptorProto,
  EnumDescriptorProto,
  EnumValueDescriptorProto,
  FieldDescriptorProto,
  FileDescriptorProto,
  MethodDescriptorProto,
  OneofDescriptorProto,
  ServiceDescriptorProto,
  SourceCodeInfo_Location,
} from "@tsgrpc/protobuf";
import type { Diagnostic } from "./diagnostics.js";
import { pendingOptions, UNINTERPRETED_OPTION, type UninterpretedOption } from "./parsed-options.js";
import { bytesToString, cEscape, unescapeStringToken } from "./string-literal.js";
import { formatDouble } from "./format-number.js";
import { type Token, Tokenizer, TokenType } from "./tokenizer.js";

const SCALAR_TYPES: Record<string, FieldType> = {
  double: FieldType.DOUBLE, float: FieldType.FLOAT, uint64: FieldType.UINT64, fixed64: FieldType.FIXED64,
  fixed32: FieldType.FIXED32, bool: FieldType.BOOL, string: FieldType.STRING, group: FieldType.GROUP,
  bytes: FieldType.BYTES, uint32: FieldType.UINT32, sfixed32: FieldType.SFIXED32, sfixed64: FieldType.SFIXED64,
  int32: FieldType.INT32, int64: FieldType.INT64, sint32: FieldType.SINT32, sint64: FieldType.SINT64,
};

// Field numbers in descriptor.proto, used as source code info paths.
const F = {
  file: { package: 2, dependency: 3, messageType: 4, enumType: 5, service: 6, extension: 7, options: 8, publicDependency: 10, weakDependency: 11, syntax: 12 },
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

const INT32_MAX = 0x7fffffffn;
const UINT64_MAX = 0xffffffffffffffffn;
const MAX_RANGE_SENTINEL = -1;

export function newFile(name: string): FileDescriptorProto {
  return { name, dependency: [], publicDependency: [], weakDependency: [], messageType: [], enumType: [], service: [], extension: [] };
}
export function newMessage(): DescriptorProto {
  return { field: [], extension: [], nestedType: [], enumType: [], extensionRange: [], oneofDecl: [], reservedRange: [], reservedName: [] };
}
function newEnum(): EnumDescriptorProto {
  return { value: [], reservedRange: [], reservedName: [] };
}

/** One source code info location under construction (protoc's LocationRecorder). */
class Loc {
  readonly location: SourceCodeInfo_Location;
  constructor(private readonly parser: Parser, parent: Loc | undefined, path: number[], into?: SourceCodeInfo_Location[]) {
    const t = parser.input.current;
    this.location = { path: [...(parent?.location.path ?? []), ...path], span: [t.line, t.column], leadingDetachedComments: [] };
    (into ?? parser.locations).push(this.location);
  }
  addPath(n: number): void {
    this.location.path.push(n);
  }
  startAt(t: Token): void {
    this.location.span[0] = t.line;
    this.location.span[1] = t.column;
  }
  startAtLoc(other: Loc): void {
    this.location.span[0] = other.location.span[0]!;
    this.location.span[1] = other.location.span[1]!;
  }
  endAt(t: Token): void {
    if (t.line !== this.location.span[0]) this.location.span.push(t.line);
    this.location.span.push(t.endColumn);
  }
  /** What the C++ destructor does: end at the previous token unless already ended. */
  end(): void {
    if (this.location.span.length <= 2) this.endAt(this.parser.input.previous);
  }
  attachComments(leading: string, trailing: string, detached: string[]): void {
    if (leading) this.location.leadingComments = leading;
    if (trailing) this.location.trailingComments = trailing;
    this.location.leadingDetachedComments.push(...detached);
  }
}

/**
 * A recursive-descent parser for proto2 and proto3, built after protoc's: it produces an unlinked
 * FileDescriptorProto (type names as written, options uninterpreted) and source code info in protoc's order.
 */
export class Parser {
  readonly input: Tokenizer;
  readonly locations: SourceCodeInfo_Location[] = [];
  private syntax = "";
  private upcomingDocComments = "";
  private upcomingDetachedComments: string[] = [];
  private hadErrors = false;

  constructor(private readonly fileName: string, text: string, private readonly diagnostics: Diagnostic[]) {
    this.input = new Tokenizer(text, fileName, diagnostics);
  }

  // ---------------------------------------------------------------- helpers

  private error(message: string, line = this.input.current.line, column = this.input.current.column): void {
    this.diagnostics.push({ file: this.fileName, line, column, message });
    this.hadErrors = true;
  }

  private warn(message: string): void {
    this.diagnostics.push({ file: this.fileName, line: this.input.current.line, column: this.input.current.column, message, warning: true });
  }

  private lookingAt(text: string): boolean {
    return this.input.current.text === text;
  }

  private lookingAtType(type: TokenType): boolean {
    return this.input.current.type === type;
  }

  private atEnd(): boolean {
    return this.lookingAtType(TokenType.End);
  }

  private tryConsume(text: string): boolean {
    if (!this.lookingAt(text)) return false;
    this.input.next();
    return true;
  }

  private consume(text: string, error = `Expected "${text}".`): boolean {
    if (this.tryConsume(text)) return true;
    this.error(error);
    return false;
  }

  private consumeIdentifier(error: string): string | undefined {
    if (!this.lookingAtType(TokenType.Identifier)) {
      this.error(error);
      return undefined;
    }
    const text = this.input.current.text;
    this.input.next();
    return text;
  }

  /** An integer token's value, checked against `max`; protoc reports overflow but goes on with 0. */
  private consumeInteger64(max: bigint, error: string): bigint | undefined {
    if (!this.lookingAtType(TokenType.Integer)) {
      this.error(error);
      return undefined;
    }
    const value = parseIntegerToken(this.input.current.text);
    this.input.next();
    if (value > max) {
      this.error("Integer out of range.");
      return 0n;
    }
    return value;
  }

  private consumeInteger(error: string): number | undefined {
    if (!this.lookingAtType(TokenType.Integer)) {
      this.error(error);
      return undefined;
    }
    const value = parseIntegerToken(this.input.current.text);
    if (value > INT32_MAX) this.error("Integer out of range.");
    this.input.next();
    return Number(BigInt.asIntN(32, value));
  }

  private consumeSignedInteger(error: string): number | undefined {
    let max = INT32_MAX;
    const negative = this.tryConsume("-");
    if (negative) max += 1n;
    const v = this.consumeInteger64(max, error);
    if (v === undefined) return undefined;
    return Number(negative ? -v : v);
  }

  private consumeNumber(error: string): number | undefined {
    const t = this.input.current;
    if (t.type === TokenType.Float) {
      this.input.next();
      return parseFloatToken(t.text);
    }
    if (t.type === TokenType.Integer) {
      const v = parseIntegerToken(t.text);
      if (v > UINT64_MAX) this.error("Integer out of range.");
      this.input.next();
      return Number(v);
    }
    if (t.text === "inf") {
      this.input.next();
      return Infinity;
    }
    if (t.text === "nan") {
      this.input.next();
      return NaN;
    }
    this.error(error);
    return undefined;
  }

  /** A string literal, with adjacent literals concatenated as in C. */
  private consumeStringBytes(error: string): Uint8Array | undefined {
    if (!this.lookingAtType(TokenType.String)) {
      this.error(error);
      return undefined;
    }
    const parts: Uint8Array[] = [];
    while (this.lookingAtType(TokenType.String)) {
      parts.push(unescapeStringToken(this.input.current.text));
      this.input.next();
    }
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  private consumeString(error: string): string | undefined {
    const b = this.consumeStringBytes(error);
    return b === undefined ? undefined : bytesToString(b);
  }

  /**
   * Consumes `text` (";", "{" or "}") and sorts the comments after it: the ones gathered before the declaration
   * become its leading and detached comments, the one right after it its trailing comment (protoc's rules).
   */
  private tryConsumeEndOfDeclaration(text: string, location: Loc | null): boolean {
    if (!this.lookingAt(text)) return false;
    const { trailing, detached, leading } = this.input.nextWithComments();
    const docs = this.upcomingDocComments;
    this.upcomingDocComments = leading;
    if (location) {
      const before = this.upcomingDetachedComments;
      this.upcomingDetachedComments = detached;
      location.attachComments(docs, trailing, before);
    } else if (text === "}") {
      this.upcomingDetachedComments = detached;
    } else {
      this.upcomingDetachedComments.push(...detached);
    }
    return true;
  }

  private consumeEndOfDeclaration(text: string, location: Loc | null): boolean {
    if (this.tryConsumeEndOfDeclaration(text, location)) return true;
    this.error(`Expected "${text}".`);
    return false;
  }

  private skipStatement(): void {
    for (;;) {
      if (this.atEnd()) return;
      if (this.lookingAtType(TokenType.Symbol)) {
        if (this.tryConsumeEndOfDeclaration(";", null)) return;
        if (this.tryConsume("{")) {
          this.skipRestOfBlock();
          return;
        }
        if (this.lookingAt("}")) return;
      }
      this.input.next();
    }
  }

  private skipRestOfBlock(): void {
    for (;;) {
      if (this.atEnd()) return;
      if (this.lookingAtType(TokenType.Symbol)) {
        if (this.tryConsumeEndOfDeclaration("}", null)) return;
        if (this.tryConsume("{")) this.skipRestOfBlock();
      }
      this.input.next();
    }
  }

  // ---------------------------------------------------------------- file

  /** Parses the whole file; false when there were errors (all of them are in the diagnostics). */
  parse(file: FileDescriptorProto): boolean {
    if (this.lookingAtType(TokenType.Start)) {
      const { detached, leading } = this.input.nextWithComments();
      this.upcomingDetachedComments = detached;
      this.upcomingDocComments = leading;
    }
    const root = new Loc(this, undefined, []);
    if (this.lookingAt("syntax")) {
      if (!this.parseSyntaxIdentifier(root)) {
        root.end();
        return false;
      }
      file.syntax = this.syntax;
    } else if (this.lookingAt("edition")) {
      this.error('Editions ("edition = ...") are not supported yet: use syntax = "proto2" or "proto3".');
      root.end();
      return false;
    } else {
      this.syntax = "proto2";
    }
    while (!this.atEnd()) {
      if (!this.parseTopLevelStatement(file, root)) {
        this.skipStatement();
        if (this.lookingAt("}")) {
          this.error('Unmatched "}".');
          const { detached, leading } = this.input.nextWithComments();
          this.upcomingDetachedComments = detached;
          this.upcomingDocComments = leading;
        }
      }
    }
    root.end();
    file.sourceCodeInfo = { location: this.locations };
    return !this.hadErrors;
  }

  private parseSyntaxIdentifier(parent: Loc): boolean {
    const loc = new Loc(this, parent, [F.file.syntax]);
    try {
      if (!this.consume("syntax", "File must begin with a syntax statement, e.g. 'syntax = \"proto2\";'.")) return false;
      if (!this.consume("=")) return false;
      const token = this.input.current;
      const syntax = this.consumeString("Expected syntax identifier.");
      if (syntax === undefined) return false;
      if (!this.consumeEndOfDeclaration(";", loc)) return false;
      this.syntax = syntax;
      if (syntax !== "proto2" && syntax !== "proto3") {
        this.error(`Unrecognized syntax identifier "${syntax}".  This parser only recognizes "proto2" and "proto3".`, token.line, token.column);
        return false;
      }
      return true;
    } finally {
      loc.end();
    }
  }

  private withLoc<T>(loc: Loc, body: () => T): T {
    try {
      return body();
    } finally {
      loc.end();
    }
  }

  private parseTopLevelStatement(file: FileDescriptorProto, root: Loc): boolean {
    if (this.tryConsumeEndOfDeclaration(";", null)) return true;
    if (this.lookingAt("message")) {
      const loc = new Loc(this, root, [F.file.messageType, file.messageType.length]);
      const m = newMessage();
      file.messageType.push(m);
      return this.withLoc(loc, () => this.parseMessageDefinition(m, loc));
    }
    if (this.lookingAt("enum")) {
      const loc = new Loc(this, root, [F.file.enumType, file.enumType.length]);
      const e = newEnum();
      file.enumType.push(e);
      return this.withLoc(loc, () => this.parseEnumDefinition(e, loc));
    }
    if (this.lookingAt("service")) {
      const loc = new Loc(this, root, [F.file.service, file.service.length]);
      const s: ServiceDescriptorProto = { method: [] };
      file.service.push(s);
      return this.withLoc(loc, () => this.parseServiceDefinition(s, loc));
    }
    if (this.lookingAt("extend")) {
      const loc = new Loc(this, root, [F.file.extension]);
      return this.withLoc(loc, () => this.parseExtend(file.extension, file.messageType, root, F.file.messageType, loc));
    }
    if (this.lookingAt("import")) return this.parseImport(file, root);
    if (this.lookingAt("package")) return this.parsePackage(file, root);
    if (this.lookingAt("option")) {
      const loc = new Loc(this, root, [F.file.options]);
      return this.withLoc(loc, () => this.parseOption(file, loc, "statement"));
    }
    this.error('Expected top-level statement (e.g. "message").');
    return false;
  }

  // ---------------------------------------------------------------- messages

  private parseMessageDefinition(message: DescriptorProto, messageLoc: Loc): boolean {
    if (!this.consume("message")) return false;
    const nameLoc = new Loc(this, messageLoc, [F.message.name]);
    const name = this.withLoc(nameLoc, () => this.consumeIdentifier("Expected message name."));
    if (name === undefined) return false;
    message.name = name;
    return this.parseMessageBlock(message, messageLoc);
  }

  private parseMessageBlock(message: DescriptorProto, messageLoc: Loc): boolean {
    if (!this.consumeEndOfDeclaration("{", messageLoc)) return false;
    while (!this.tryConsumeEndOfDeclaration("}", null)) {
      if (this.atEnd()) {
        this.error("Reached end of input in message definition (missing '}').");
        return false;
      }
      if (!this.parseMessageStatement(message, messageLoc)) this.skipStatement();
    }
    if (message.extensionRange.length > 0 || message.reservedRange.length > 0) {
      const max = isMessageSetWireFormat(message) ? 0x7fffffff : 0x20000000;
      for (const r of message.extensionRange) if (r.end === MAX_RANGE_SENTINEL) r.end = max;
      for (const r of message.reservedRange) if (r.end === MAX_RANGE_SENTINEL) r.end = max;
    }
    generateSyntheticOneofs(message);
    return true;
  }

  private parseMessageStatement(message: DescriptorProto, messageLoc: Loc): boolean {
    if (this.tryConsumeEndOfDeclaration(";", null)) return true;
    if (this.lookingAt("message")) {
      const loc = new Loc(this, messageLoc, [F.message.nestedType, message.nestedType.length]);
      const m = newMessage();
      message.nestedType.push(m);
      return this.withLoc(loc, () => this.parseMessageDefinition(m, loc));
    }
    if (this.lookingAt("enum")) {
      const loc = new Loc(this, messageLoc, [F.message.enumType, message.enumType.length]);
      const e = newEnum();
      message.enumType.push(e);
      return this.withLoc(loc, () => this.parseEnumDefinition(e, loc));
    }
    if (this.lookingAt("extensions")) {
      const loc = new Loc(this, messageLoc, [F.message.extensionRange]);
      return this.withLoc(loc, () => this.parseExtensions(message, loc));
    }
    if (this.lookingAt("reserved")) return this.parseReserved(message, messageLoc, false);
    if (this.lookingAt("extend")) {
      const loc = new Loc(this, messageLoc, [F.message.extension]);
      return this.withLoc(loc, () => this.parseExtend(message.extension, message.nestedType, messageLoc, F.message.nestedType, loc));
    }
    if (this.lookingAt("option")) {
      const loc = new Loc(this, messageLoc, [F.message.options]);
      return this.withLoc(loc, () => this.parseOption(message, loc, "statement"));
    }
    if (this.lookingAt("oneof")) {
      const index = message.oneofDecl.length;
      const loc = new Loc(this, messageLoc, [F.message.oneofDecl, index]);
      const oneof: OneofDescriptorProto = {};
      message.oneofDecl.push(oneof);
      return this.withLoc(loc, () => this.parseOneof(oneof, message, index, loc, messageLoc));
    }
    const loc = new Loc(this, messageLoc, [F.message.field, message.field.length]);
    const field: FieldDescriptorProto = {};
    message.field.push(field);
    return this.withLoc(loc, () => this.parseMessageField(field, message.nestedType, messageLoc, F.message.nestedType, loc));
  }

  private parseMessageField(field: FieldDescriptorProto, messages: DescriptorProto[], parentLoc: Loc, nestedTypeFieldNo: number, fieldLoc: Loc): boolean {
    const labels: Record<string, FieldLabel> = { optional: FieldLabel.OPTIONAL, repeated: FieldLabel.REPEATED, required: FieldLabel.REQUIRED };
    const label = labels[this.input.current.text];
    if (label !== undefined && this.lookingAtType(TokenType.Identifier)) {
      const labelLoc = new Loc(this, fieldLoc, [F.field.label]);
      this.withLoc(labelLoc, () => this.input.next());
      field.label = label;
      if (label === FieldLabel.OPTIONAL && this.syntax === "proto3") field.proto3Optional = true;
    }
    return this.parseMessageFieldNoLabel(field, messages, parentLoc, nestedTypeFieldNo, fieldLoc);
  }

  private parseMessageFieldNoLabel(field: FieldDescriptorProto, messages: DescriptorProto[], parentLoc: Loc, nestedTypeFieldNo: number, fieldLoc: Loc): boolean {
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
          if (field.label === undefined && this.syntax === "proto3") field.label = FieldLabel.OPTIONAL;
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
  private parseType(): [FieldType | undefined, string] | undefined {
    const scalar = SCALAR_TYPES[this.input.current.text];
    if (scalar !== undefined && this.lookingAtType(TokenType.Identifier)) {
      this.input.next();
      return [scalar, ""];
    }
    const name = this.parseUserDefinedType();
    return name === undefined ? undefined : [undefined, name];
  }

  private parseUserDefinedType(): string | undefined {
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

  private parseFieldOptions(field: FieldDescriptorProto, fieldLoc: Loc): boolean {
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

  private parseDefaultAssignment(field: FieldDescriptorProto, fieldLoc: Loc): boolean {
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

  private parseJsonName(field: FieldDescriptorProto, fieldLoc: Loc): boolean {
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

  // ---------------------------------------------------------------- options

  private parseOptionNamePart(option: UninterpretedOption, partLoc: Loc): boolean {
    if (this.lookingAt("(")) {
      this.consume("(");
      let part = "";
      const loc = new Loc(this, partLoc, [F.namePart.namePart]);
      const ok = this.withLoc(loc, () => {
        if (this.lookingAtType(TokenType.Identifier)) part += this.consumeIdentifier("Expected identifier.");
        while (this.lookingAt(".")) {
          this.consume(".");
          part += ".";
          const id = this.consumeIdentifier("Expected identifier.");
          if (id === undefined) return false;
          part += id;
        }
        return true;
      });
      if (!ok || !this.consume(")")) return false;
      option.name.push({ part, isExtension: true });
      return true;
    }
    const loc = new Loc(this, partLoc, [F.namePart.namePart]);
    const id = this.withLoc(loc, () => this.consumeIdentifier("Expected identifier."));
    if (id === undefined) return false;
    option.name.push({ part: id, isExtension: false });
    return true;
  }

  private parseUninterpretedBlock(): string | undefined {
    if (!this.consume("{")) return undefined;
    let value = "";
    let depth = 1;
    while (!this.atEnd()) {
      if (this.lookingAt("{")) depth++;
      else if (this.lookingAt("}")) {
        depth--;
        if (depth === 0) {
          this.input.next();
          return value;
        }
      }
      if (value) value += " ";
      value += this.input.current.text;
      this.input.next();
    }
    this.error("Unexpected end of stream while parsing aggregate value.");
    return undefined;
  }

  /** An `option name = value;` statement or a `name = value` assignment inside brackets. */
  private parseOption(holder: object, optionsLoc: Loc, style: "statement" | "assignment"): boolean {
    const list = pendingOptions(holder);
    const loc = new Loc(this, optionsLoc, [UNINTERPRETED_OPTION, list.length]);
    return this.withLoc(loc, () => {
      if (style === "statement" && !this.consume("option")) return false;
      const { line, column } = this.input.current;
      const option: UninterpretedOption = { name: [], path: [...loc.location.path], line, column, valueLine: line, valueColumn: column };
      list.push(option);
      const nameLoc = new Loc(this, loc, [F.option.name]);
      const named = this.withLoc(nameLoc, () => {
        const first = new Loc(this, nameLoc, [option.name.length]);
        if (!this.withLoc(first, () => this.parseOptionNamePart(option, first))) return false;
        while (this.lookingAt(".")) {
          this.consume(".");
          const part = new Loc(this, nameLoc, [option.name.length]);
          if (!this.withLoc(part, () => this.parseOptionNamePart(option, part))) return false;
        }
        return true;
      });
      if (!named || !this.consume("=")) return false;
      const valueLoc = new Loc(this, loc, []);
      option.valueLine = this.input.current.line;
      option.valueColumn = this.input.current.column;
      const valued = this.withLoc(valueLoc, () => {
        const negative = this.tryConsume("-");
        const t = this.input.current;
        switch (t.type) {
          case TokenType.End:
            this.error("Unexpected end of stream while parsing option value.");
            return false;
          case TokenType.Identifier: {
            valueLoc.addPath(F.option.identifierValue);
            if (negative) {
              this.error("Invalid '-' symbol before identifier.");
              return false;
            }
            option.identifier = this.consumeIdentifier("Expected identifier.");
            return true;
          }
          case TokenType.Integer: {
            const v = this.consumeInteger64(negative ? 0x8000000000000000n : UINT64_MAX, "Expected integer.");
            if (v === undefined) return false;
            if (negative) {
              valueLoc.addPath(F.option.negativeIntValue);
              option.negative = -v;
            } else {
              valueLoc.addPath(F.option.positiveIntValue);
              option.positive = v;
            }
            return true;
          }
          case TokenType.Float: {
            valueLoc.addPath(F.option.doubleValue);
            const v = this.consumeNumber("Expected number.");
            if (v === undefined) return false;
            option.double = negative ? -v : v;
            return true;
          }
          case TokenType.String: {
            valueLoc.addPath(F.option.stringValue);
            if (negative) {
              this.error("Invalid '-' symbol before string.");
              return false;
            }
            option.string = this.consumeStringBytes("Expected string.");
            return option.string !== undefined;
          }
          default:
            if (this.lookingAt("{")) {
              valueLoc.addPath(F.option.aggregateValue);
              option.aggregate = this.parseUninterpretedBlock();
              return option.aggregate !== undefined;
            }
            this.error("Expected option value.");
            return false;
        }
      });
      if (!valued) return false;
      if (style === "statement") return this.consumeEndOfDeclaration(";", loc);
      return true;
    });
  }

  // ---------------------------------------------------------------- ranges

  private parseExtensions(message: DescriptorProto, extensionsLoc: Loc): boolean {
    if (!this.consume("extensions")) return false;
    const oldSize = message.extensionRange.length;
    do {
      const loc = new Loc(this, extensionsLoc, [message.extensionRange.length]);
      const range: { start?: number; end?: number } = {};
      message.extensionRange.push(range);
      const ok = this.withLoc(loc, () => this.parseRange(loc, range, true));
      if (!ok) return false;
    } while (this.tryConsume(","));

    if (this.lookingAt("[")) {
      const indexPos = extensionsLoc.location.path.length;
      const scratch: SourceCodeInfo_Location[] = [];
      const first = message.extensionRange[oldSize]!;
      const indexLoc = new Loc(this, extensionsLoc, [0], scratch);
      const optLoc = new Loc(this, indexLoc, [F.range.options], scratch);
      const ok = (() => {
        try {
          if (!this.consume("[")) return false;
          do {
            if (!this.parseOptionInto(first, optLoc, scratch)) return false;
          } while (this.tryConsume(","));
          return this.consume("]");
        } finally {
          optLoc.end();
          indexLoc.end();
        }
      })();
      if (!ok) return false;
      for (const o of pendingOptions(first)) o.path[indexPos] = oldSize;
      for (let i = oldSize + 1; i < message.extensionRange.length; i++) {
        const copy = pendingOptions(first).map((o) => ({ ...o, path: [...o.path] }));
        for (const o of copy) o.path[indexPos] = i;
        pendingOptions(message.extensionRange[i]!).push(...copy);
      }
      for (let i = oldSize; i < message.extensionRange.length; i++) {
        for (const l of scratch) {
          if (l.path.length === indexPos + 1) continue;
          const path = [...l.path];
          path[indexPos] = i;
          this.locations.push({ ...l, path, span: [...l.span], leadingDetachedComments: [...l.leadingDetachedComments] });
        }
      }
    }
    return this.consumeEndOfDeclaration(";", extensionsLoc);
  }

  /** parseOption with its locations going to `scratch` (extension range options are recorded once, then copied). */
  private parseOptionInto(holder: object, optionsLoc: Loc, scratch: SourceCodeInfo_Location[]): boolean {
    const before = this.locations.length;
    const ok = this.parseOption(holder, optionsLoc, "assignment");
    scratch.push(...this.locations.splice(before));
    return ok;
  }

  /** `N`, `N to M` or `N to max`, stored with an exclusive end (enum ranges keep theirs inclusive). */
  private parseRange(loc: Loc, range: { start?: number; end?: number }, exclusiveEnd: boolean, signed = false, first = true, what = "field"): boolean {
    const startLoc = new Loc(this, loc, [F.range.start]);
    const startToken = this.input.current;
    const start = this.withLoc(startLoc, () =>
      signed
        ? this.consumeSignedInteger(first ? "Expected enum value or number range." : "Expected enum number range.")
        : this.consumeInteger(exclusiveEnd && what === "extension" ? "Expected field number range." : first ? "Expected field name or number range." : "Expected field number range."),
    );
    if (start === undefined) return false;
    let end: number | undefined;
    if (this.tryConsume("to")) {
      const endLoc = new Loc(this, loc, [F.range.end]);
      end = this.withLoc(endLoc, () => {
        if (this.tryConsume("max")) return signed ? 0x7fffffff : MAX_RANGE_SENTINEL - 1;
        return signed ? this.consumeSignedInteger("Expected integer.") : this.consumeInteger("Expected integer.");
      });
      if (end === undefined) return false;
    } else {
      const endLoc = new Loc(this, loc, [F.range.end]);
      endLoc.startAt(startToken);
      endLoc.endAt(startToken);
      end = start;
    }
    range.start = start;
    range.end = exclusiveEnd ? end + 1 : end;
    return true;
  }

  private parseReserved(container: DescriptorProto | EnumDescriptorProto, containerLoc: Loc, isEnum: boolean): boolean {
    const startToken = this.input.current;
    if (!this.consume("reserved")) return false;
    const names = isEnum ? F.enum.reservedName : F.message.reservedName;
    const ranges = isEnum ? F.enum.reservedRange : F.message.reservedRange;
    if (this.lookingAtType(TokenType.String)) {
      const loc = new Loc(this, containerLoc, [names]);
      loc.startAt(startToken);
      return this.withLoc(loc, () => {
        do {
          const l = new Loc(this, loc, [container.reservedName.length]);
          const s = this.withLoc(l, () => this.consumeString(isEnum ? "Expected enum value." : "Expected field name."));
          if (s === undefined) return false;
          container.reservedName.push(s);
        } while (this.tryConsume(","));
        return this.consumeEndOfDeclaration(";", loc);
      });
    }
    const loc = new Loc(this, containerLoc, [ranges]);
    loc.startAt(startToken);
    return this.withLoc(loc, () => {
      let first = true;
      do {
        const l = new Loc(this, loc, [container.reservedRange.length]);
        const range: { start?: number; end?: number } = {};
        container.reservedRange.push(range);
        if (!this.withLoc(l, () => this.parseRange(l, range, !isEnum, isEnum, first))) return false;
        first = false;
      } while (this.tryConsume(","));
      return this.consumeEndOfDeclaration(";", loc);
    });
  }

  // ---------------------------------------------------------------- extend, oneof

  private parseExtend(extensions: FieldDescriptorProto[], messages: DescriptorProto[], parentLoc: Loc, nestedTypeFieldNo: number, extendLoc: Loc): boolean {
    if (!this.consume("extend")) return false;
    const extendeeStart = this.input.current;
    const extendee = this.parseUserDefinedType();
    if (extendee === undefined) return false;
    const extendeeEnd = this.input.previous;
    if (!this.consumeEndOfDeclaration("{", extendLoc)) return false;
    do {
      if (this.atEnd()) {
        this.error("Reached end of input in extend definition (missing '}').");
        return false;
      }
      const loc = new Loc(this, extendLoc, [extensions.length]);
      const field: FieldDescriptorProto = {};
      extensions.push(field);
      const ok = this.withLoc(loc, () => {
        const eLoc = new Loc(this, loc, [F.field.extendee]);
        eLoc.startAt(extendeeStart);
        eLoc.endAt(extendeeEnd);
        field.extendee = extendee;
        return this.parseMessageField(field, messages, parentLoc, nestedTypeFieldNo, loc);
      });
      if (!ok) this.skipStatement();
    } while (!this.tryConsumeEndOfDeclaration("}", null));
    return true;
  }

  private parseOneof(oneof: OneofDescriptorProto, message: DescriptorProto, index: number, oneofLoc: Loc, messageLoc: Loc): boolean {
    if (!this.consume("oneof")) return false;
    const nameLoc = new Loc(this, oneofLoc, [F.oneof.name]);
    const name = this.withLoc(nameLoc, () => this.consumeIdentifier("Expected oneof name."));
    if (name === undefined) return false;
    oneof.name = name;
    if (!this.consumeEndOfDeclaration("{", oneofLoc)) return false;
    do {
      if (this.atEnd()) {
        this.error("Reached end of input in oneof definition (missing '}').");
        return false;
      }
      if (this.lookingAt("option")) {
        const loc = new Loc(this, oneofLoc, [F.oneof.options]);
        if (!this.withLoc(loc, () => this.parseOption(oneof, loc, "statement"))) return false;
        continue;
      }
      if (this.lookingAt("required") || this.lookingAt("optional") || this.lookingAt("repeated")) {
        this.error("Fields in oneofs must not have labels (required / optional / repeated).");
        this.input.next();
      }
      const loc = new Loc(this, messageLoc, [F.message.field, message.field.length]);
      const field: FieldDescriptorProto = { label: FieldLabel.OPTIONAL, oneofIndex: index };
      message.field.push(field);
      const ok = this.withLoc(loc, () => this.parseMessageFieldNoLabel(field, message.nestedType, messageLoc, F.message.nestedType, loc));
      if (!ok) this.skipStatement();
    } while (!this.tryConsumeEndOfDeclaration("}", null));
    return true;
  }

  // ---------------------------------------------------------------- enums

  private parseEnumDefinition(e: EnumDescriptorProto, enumLoc: Loc): boolean {
    if (!this.consume("enum")) return false;
    const nameLoc = new Loc(this, enumLoc, [F.enum.name]);
    const name = this.withLoc(nameLoc, () => this.consumeIdentifier("Expected enum name."));
    if (name === undefined) return false;
    e.name = name;
    if (!this.consumeEndOfDeclaration("{", enumLoc)) return false;
    while (!this.tryConsumeEndOfDeclaration("}", null)) {
      if (this.atEnd()) {
        this.error("Reached end of input in enum definition (missing '}').");
        return false;
      }
      if (!this.parseEnumStatement(e, enumLoc)) this.skipStatement();
    }
    return this.validateEnum(e);
  }

  private validateEnum(e: EnumDescriptorProto): boolean {
    const allow = pendingOptions(e).find((o) => o.name.length === 1 && !o.name[0]!.isExtension && o.name[0]!.part === "allow_alias");
    const allowAlias = allow?.identifier === "true";
    if (allow && !allowAlias) {
      this.error(`"${e.name}" declares 'option allow_alias = false;' which has no effect. Please remove the declaration.`);
      return false;
    }
    const numbers = new Set(e.value.map((v) => v.number));
    if (allowAlias && numbers.size === e.value.length) {
      this.error(`"${e.name}" declares support for enum aliases but no enum values share field numbers. Please remove the unnecessary 'option allow_alias = true;' declaration.`);
      return false;
    }
    return true;
  }

  private parseEnumStatement(e: EnumDescriptorProto, enumLoc: Loc): boolean {
    if (this.tryConsumeEndOfDeclaration(";", null)) return true;
    if (this.lookingAt("option")) {
      const loc = new Loc(this, enumLoc, [F.enum.options]);
      return this.withLoc(loc, () => this.parseOption(e, loc, "statement"));
    }
    if (this.lookingAt("reserved")) return this.parseReserved(e, enumLoc, true);
    const loc = new Loc(this, enumLoc, [F.enum.value, e.value.length]);
    const v: EnumValueDescriptorProto = {};
    e.value.push(v);
    return this.withLoc(loc, () => this.parseEnumConstant(v, loc));
  }

  private parseEnumConstant(v: EnumValueDescriptorProto, valueLoc: Loc): boolean {
    const nameLoc = new Loc(this, valueLoc, [F.enumValue.name]);
    const name = this.withLoc(nameLoc, () => this.consumeIdentifier("Expected enum constant name."));
    if (name === undefined) return false;
    v.name = name;
    if (!this.consume("=", "Missing numeric value for enum constant.")) return false;
    const numberLoc = new Loc(this, valueLoc, [F.enumValue.number]);
    const number = this.withLoc(numberLoc, () => this.consumeSignedInteger("Expected integer."));
    if (number === undefined) return false;
    v.number = number;
    if (this.lookingAt("[")) {
      const loc = new Loc(this, valueLoc, [F.enumValue.options]);
      const ok = this.withLoc(loc, () => {
        if (!this.consume("[")) return false;
        do {
          if (!this.parseOption(v, loc, "assignment")) return false;
        } while (this.tryConsume(","));
        return this.consume("]");
      });
      if (!ok) return false;
    }
    return this.consumeEndOfDeclaration(";", valueLoc);
  }

  // ---------------------------------------------------------------- services

  private parseServiceDefinition(s: ServiceDescriptorProto, serviceLoc: Loc): boolean {
    if (!this.consume("service")) return false;
    const nameLoc = new Loc(this, serviceLoc, [F.service.name]);
    const name = this.withLoc(nameLoc, () => this.consumeIdentifier("Expected service name."));
    if (name === undefined) return false;
    s.name = name;
    if (!this.consumeEndOfDeclaration("{", serviceLoc)) return false;
    while (!this.tryConsumeEndOfDeclaration("}", null)) {
      if (this.atEnd()) {
        this.error("Reached end of input in service definition (missing '}').");
        return false;
      }
      if (!this.parseServiceStatement(s, serviceLoc)) this.skipStatement();
    }
    return true;
  }

  private parseServiceStatement(s: ServiceDescriptorProto, serviceLoc: Loc): boolean {
    if (this.tryConsumeEndOfDeclaration(";", null)) return true;
    if (this.lookingAt("option")) {
      const loc = new Loc(this, serviceLoc, [F.service.options]);
      return this.withLoc(loc, () => this.parseOption(s, loc, "statement"));
    }
    const loc = new Loc(this, serviceLoc, [F.service.method, s.method.length]);
    const m: MethodDescriptorProto = {};
    s.method.push(m);
    return this.withLoc(loc, () => this.parseServiceMethod(m, loc));
  }

  private parseServiceMethod(m: MethodDescriptorProto, methodLoc: Loc): boolean {
    if (!this.consume("rpc")) return false;
    const nameLoc = new Loc(this, methodLoc, [F.method.name]);
    const name = this.withLoc(nameLoc, () => this.consumeIdentifier("Expected method name."));
    if (name === undefined) return false;
    m.name = name;
    const parseSide = (streamingField: number, typeField: number): string | undefined => {
      if (this.lookingAt("stream")) {
        const l = new Loc(this, methodLoc, [streamingField]);
        this.withLoc(l, () => this.consume("stream"));
        if (streamingField === F.method.clientStreaming) m.clientStreaming = true;
        else m.serverStreaming = true;
      }
      const l = new Loc(this, methodLoc, [typeField]);
      return this.withLoc(l, () => this.parseUserDefinedType());
    };
    if (!this.consume("(")) return false;
    const input = parseSide(F.method.clientStreaming, F.method.inputType);
    if (input === undefined) return false;
    m.inputType = input;
    if (!this.consume(")") || !this.consume("returns") || !this.consume("(")) return false;
    const output = parseSide(F.method.serverStreaming, F.method.outputType);
    if (output === undefined) return false;
    m.outputType = output;
    if (!this.consume(")")) return false;
    if (this.lookingAt("{")) {
      m.options ??= {}; // a method with a body has options, even when the body is empty (as in protoc)
      this.consumeEndOfDeclaration("{", methodLoc);
      while (!this.tryConsumeEndOfDeclaration("}", null)) {
        if (this.atEnd()) {
          this.error("Reached end of input in method options (missing '}').");
          return false;
        }
        if (this.tryConsumeEndOfDeclaration(";", null)) continue;
        const loc = new Loc(this, methodLoc, [F.method.options]);
        if (!this.withLoc(loc, () => this.parseOption(m, loc, "statement"))) this.skipStatement();
      }
      return true;
    }
    return this.consumeEndOfDeclaration(";", methodLoc);
  }

  // ---------------------------------------------------------------- package, import

  private parsePackage(file: FileDescriptorProto, root: Loc): boolean {
    if (file.package !== undefined) {
      this.error("Multiple package definitions.");
      file.package = undefined;
    }
    const loc = new Loc(this, root, [F.file.package]);
    return this.withLoc(loc, () => {
      if (!this.consume("package")) return false;
      let pkg = "";
      for (;;) {
        const id = this.consumeIdentifier("Expected identifier.");
        if (id === undefined) return false;
        pkg += id;
        if (!this.tryConsume(".")) break;
        pkg += ".";
      }
      file.package = pkg;
      return this.consumeEndOfDeclaration(";", loc);
    });
  }

  private parseImport(file: FileDescriptorProto, root: Loc): boolean {
    const loc = new Loc(this, root, [F.file.dependency, file.dependency.length]);
    return this.withLoc(loc, () => {
      if (!this.consume("import")) return false;
      if (this.lookingAt("public")) {
        const l = new Loc(this, root, [F.file.publicDependency, file.publicDependency.length]);
        this.withLoc(l, () => this.consume("public"));
        file.publicDependency.push(file.dependency.length);
      } else if (this.lookingAt("weak")) {
        const l = new Loc(this, root, [F.file.weakDependency, file.weakDependency.length]);
        this.withLoc(l, () => this.consume("weak"));
        file.weakDependency.push(file.dependency.length);
      }
      const name = this.consumeString("Expected a string naming the file to import.");
      if (name === undefined) return false;
      file.dependency.push(name);
      return this.consumeEndOfDeclaration(";", loc);
    });
  }
}

/** An integer token (decimal, 0x hex or 0 octal) as a bigint. */
export function parseIntegerToken(text: string): bigint {
  if (/^0[xX]/.test(text)) return BigInt(text);
  if (text.length > 1 && text[0] === "0") return BigInt("0o" + text.slice(1));
  return BigInt(text);
}

/** A float token as a number ("1e" and similar half-tokens, which the tokenizer reported, read as far as they go). */
export function parseFloatToken(text: string): number {
  const n = Number(text);
  if (!Number.isNaN(n)) return n;
  return parseFloat(text);
}

function isMessageSetWireFormat(m: DescriptorProto): boolean {
  return pendingOptions(m).some((o) => o.name.length === 1 && o.name[0]!.part === "message_set_wire_format" && o.identifier === "true");
}

/** protoc's name for a map field's entry message: the field name in UpperCamelCase, plus "Entry". */
function mapEntryName(fieldName: string): string {
  let out = "";
  let capNext = true;
  for (const c of fieldName) {
    if (c === "_") capNext = true;
    else if (capNext) {
      out += c >= "a" && c <= "z" ? c.toUpperCase() : c;
      capNext = false;
    } else out += c;
  }
  return out + "Entry";
}

function generateMapEntry(map: { key: [FieldType | undefined, string]; value: [FieldType | undefined, string] }, field: FieldDescriptorProto, messages: DescriptorProto[]): void {
  const entry = newMessage();
  const name = mapEntryName(field.name!);
  field.typeName = name;
  entry.name = name;
  entry.options = { mapEntry: true };
  const make = (fieldName: string, number: number, [type, typeName]: [FieldType | undefined, string]): FieldDescriptorProto => {
    const f: FieldDescriptorProto = { name: fieldName, number, label: FieldLabel.OPTIONAL };
    if (typeName === "") f.type = type;
    else f.typeName = typeName;
    return f;
  };
  const key = make("key", 1, map.key);
  const value = make("value", 2, map.value);
  entry.field.push(key, value);
  for (const o of pendingOptions(field)) {
    if (o.name.length === 1 && o.name[0]!.part === "enforce_utf8" && !o.name[0]!.isExtension) {
      if (key.type === FieldType.STRING) pendingOptions(key).push({ ...o, path: [] });
      if (value.type === FieldType.STRING) pendingOptions(value).push({ ...o, path: [] });
    }
  }
  messages.push(entry);
}

/** proto3 `optional` fields each get a one-field oneof, named `_name` (prefixed with X until unique). */
function generateSyntheticOneofs(message: DescriptorProto): void {
  const names = new Set<string>([...message.field.map((f) => f.name!), ...message.oneofDecl.map((o) => o.name!)]);
  for (const f of message.field) {
    if (!f.proto3Optional) continue;
    let name = f.name!;
    if (!name.startsWith("_")) name = "_" + name;
    while (names.has(name)) name = "X" + name;
    names.add(name);
    f.oneofIndex = message.oneofDecl.length;
    message.oneofDecl.push({ name });
  }
}
