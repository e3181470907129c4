import { FieldLabel, SymbolVisibility } from "@tsgrpc/protobuf";
import type { DescriptorProto, EnumDescriptorProto, EnumValueDescriptorProto, FieldDescriptorProto, FileDescriptorProto, MethodDescriptorProto, OneofDescriptorProto, ServiceDescriptorProto } from "@tsgrpc/protobuf";
import { pendingOptions } from "./parsed-options.js";
import { TokenType } from "./tokenizer.js";
import { Edition } from "@tsgrpc/protobuf/codegen-support";
import { EDITION_BY_NAME, F, MAX_RANGE_SENTINEL } from "./parser/constants.js";
import { generateSyntheticOneofs, isMessageSetWireFormat, newEnum, newMessage } from "./parser/descriptor-builders.js";
import { ImportParser } from "./parser/import-parser.js";
import { Loc } from "./parser/source-location.js";

export { newFile, parseFloatToken, parseIntegerToken } from "./parser/descriptor-builders.js";

/**
 * A recursive-descent parser for proto2, proto3 and editions, built after protoc's: it produces an unlinked
 * FileDescriptorProto (type names as written, options uninterpreted) and source code info in protoc's order.
 * The layers below it (parser/) read tokens, options, fields and ranges; this one reads declarations.
 */
export class Parser extends ImportParser {
  /** Parses the whole file; false when there were errors (all of them are in the diagnostics). */
  parse(file: FileDescriptorProto): boolean {
    if (this.lookingAtType(TokenType.Start)) {
      const { detached, leading } = this.input.nextWithComments();
      this.upcomingDetachedComments = detached;
      this.upcomingDocComments = leading;
    }
    const root = new Loc(this, undefined, []);
    if (this.lookingAt("syntax") || this.lookingAt("edition")) {
      if (!this.parseSyntaxIdentifier(root)) {
        root.end();
        return false;
      }
      file.syntax = this.syntax;
      if (this.syntax === "editions") file.edition = this.edition;
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

  protected parseSyntaxIdentifier(parent: Loc): boolean {
    const loc = new Loc(this, parent, [F.file.syntax]);
    try {
      const isEdition = this.tryConsume("edition");
      if (!isEdition && !this.consume("syntax", "File must begin with a syntax statement, e.g. 'syntax = \"proto2\";'.")) return false;
      if (!this.consume("=")) return false;
      const token = this.input.current;
      const syntax = this.consumeString("Expected syntax identifier.");
      if (syntax === undefined) return false;
      if (!this.consumeEndOfDeclaration(";", loc)) return false;
      if (isEdition) {
        // As protoc: the edition's name is an Edition enum value without its prefix; the legacy ones are not editions.
        const edition = EDITION_BY_NAME[syntax];
        if (edition === undefined) {
          this.error(`Unknown edition "${syntax}".`, token.line, token.column);
          return false;
        }
        this.syntax = "editions";
        this.edition = edition;
        return true;
      }
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

  protected parseTopLevelStatement(file: FileDescriptorProto, root: Loc): boolean {
    if (this.tryConsumeEndOfDeclaration(";", null)) return true;
    const visibility = this.parseVisibility();
    if (visibility === null) return false;
    if (this.lookingAt("message")) {
      const loc = new Loc(this, root, [F.file.messageType, file.messageType.length]);
      const m = newMessage(visibility);
      file.messageType.push(m);
      return this.withLoc(loc, () => this.parseMessageDefinition(m, loc));
    }
    if (this.lookingAt("enum")) {
      const loc = new Loc(this, root, [F.file.enumType, file.enumType.length]);
      const e = newEnum(visibility);
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

  /**
   * Edition 2024's `export` or `local` before a message or enum: undefined when absent (or when the file is of an
   * earlier edition, where protoc reads neither as a keyword), null after an error.
   */
  protected parseVisibility(): SymbolVisibility | undefined | null {
    if (this.syntax !== "editions" || this.edition < Edition.EDITION_2024) return undefined;
    const visibility = this.tryConsume("export") ? SymbolVisibility.EXPORT : this.tryConsume("local") ? SymbolVisibility.LOCAL : undefined;
    if (visibility !== undefined && !this.lookingAt("message") && !this.lookingAt("enum")) {
      this.error("'local' and 'export' visibility modifiers are valid only on 'message' and 'enum'");
      return null;
    }
    return visibility;
  }

  protected parseMessageDefinition(message: DescriptorProto, messageLoc: Loc): boolean {
    if (!this.consume("message")) return false;
    const nameLoc = new Loc(this, messageLoc, [F.message.name]);
    const name = this.withLoc(nameLoc, () => this.consumeIdentifier("Expected message name."));
    if (name === undefined) return false;
    message.name = name;
    return this.parseMessageBlock(message, messageLoc);
  }

  protected parseMessageBlock(message: DescriptorProto, messageLoc: Loc): boolean {
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

  protected parseMessageStatement(message: DescriptorProto, messageLoc: Loc): boolean {
    if (this.tryConsumeEndOfDeclaration(";", null)) return true;
    const visibility = this.parseVisibility();
    if (visibility === null) return false;
    if (this.lookingAt("message")) {
      const loc = new Loc(this, messageLoc, [F.message.nestedType, message.nestedType.length]);
      const m = newMessage(visibility);
      message.nestedType.push(m);
      return this.withLoc(loc, () => this.parseMessageDefinition(m, loc));
    }
    if (this.lookingAt("enum")) {
      const loc = new Loc(this, messageLoc, [F.message.enumType, message.enumType.length]);
      const e = newEnum(visibility);
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

  protected parseExtend(extensions: FieldDescriptorProto[], messages: DescriptorProto[], parentLoc: Loc, nestedTypeFieldNo: number, extendLoc: Loc): boolean {
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

  protected parseOneof(oneof: OneofDescriptorProto, message: DescriptorProto, index: number, oneofLoc: Loc, messageLoc: Loc): boolean {
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

  protected parseEnumDefinition(e: EnumDescriptorProto, enumLoc: Loc): boolean {
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

  protected validateEnum(e: EnumDescriptorProto): boolean {
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

  protected parseEnumStatement(e: EnumDescriptorProto, enumLoc: Loc): boolean {
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

  protected parseEnumConstant(v: EnumValueDescriptorProto, valueLoc: Loc): boolean {
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

  protected parseServiceDefinition(s: ServiceDescriptorProto, serviceLoc: Loc): boolean {
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

  protected parseServiceStatement(s: ServiceDescriptorProto, serviceLoc: Loc): boolean {
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

  protected parseServiceMethod(m: MethodDescriptorProto, methodLoc: Loc): boolean {
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

  protected parsePackage(file: FileDescriptorProto, root: Loc): boolean {
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

}
