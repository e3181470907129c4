import { FieldType } from "@tsgrpc/protobuf";
import { addUnknown, createDynamic, encodeDynamic, getField, is64Bit, setField, setOwn, writeField, BinaryWriter, WireType } from "@tsgrpc/protobuf/codegen-support";
import type { FieldInfo, MessageInfo } from "@tsgrpc/protobuf";
import type { Diagnostic } from "./diagnostics.js";
import { parseFloatToken, parseIntegerToken } from "./parser.js";
import { bytesToString, unescapeStringToken } from "./string-literal.js";
import { Tokenizer, TokenType } from "./tokenizer.js";

type Message = Record<string, unknown>;

/**
 * Parses protobuf text format (the `{ ... }` value of an aggregate option) into a message of type `info`.
 * Extensions (`[pkg.ext]: value`) are looked up through `findExtension` and kept as unknown fields. Throws an Error
 * whose message says what is wrong.
 */
export function parseTextFormat(
  text: string,
  info: MessageInfo,
  findExtension: (name: string, extendee: MessageInfo) => FieldInfo | undefined,
  findMessage: (fullName: string) => MessageInfo | undefined,
): Message {
  const diagnostics: Diagnostic[] = [];
  const tokens = new Tokenizer(text, "aggregate", diagnostics);
  const fail = (message: string): never => {
    throw new Error(`Error while parsing option value: ${message}`);
  };
  // The tokenizer reports what it cannot read (a bad escape, "0x" without digits) and goes on: here that is the end.
  const input = {
    get current() {
      return tokens.current;
    },
    next(): void {
      tokens.next();
      if (diagnostics.length > 0) fail(diagnostics[0]!.message);
    },
  };
  input.next();
  const lookingAt = (t: string) => input.current.text === t && input.current.type !== TokenType.String;
  const tryConsume = (t: string) => (lookingAt(t) ? (input.next(), true) : false);
  const expect = (t: string) => {
    if (!tryConsume(t)) fail(`Expected "${t}", found "${input.current.text}".`);
  };

  const parseMessage = (type: MessageInfo, msg: Message, close: string | undefined, depth: number): void => {
    if (depth > 100) fail("Message is too deep");
    for (;;) {
      if (close === undefined ? input.current.type === TokenType.End : tryConsume(close)) return;
      if (input.current.type === TokenType.End) fail(`Expected "${close}".`);
      parseField(type, msg, depth);
      if (!tryConsume(";")) tryConsume(",");
    }
  };

  const parseField = (type: MessageInfo, msg: Message, depth: number): void => {
    let field: FieldInfo | undefined;
    let isExtension = false;
    if (tryConsume("[")) {
      let name = "";
      while (!lookingAt("]")) {
        if (input.current.type === TokenType.End) fail('Expected "]".');
        name += input.current.text;
        input.next();
      }
      input.next();
      if (name.includes("/") && type.typeName === "google.protobuf.Any") {
        parseAnyExpansion(name, msg, depth);
        return;
      }
      field = findExtension(name, type);
      if (!field) fail(`Extension "${name}" is not defined or is not an extension of "${type.typeName}".`);
      isExtension = true;
    } else {
      const name = input.current.text;
      if (input.current.type !== TokenType.Identifier) fail(`Expected identifier, got: ${name}`);
      input.next();
      field = type.fields.find((f) => f.name === name) ?? type.fields.find((f) => f.type === FieldType.GROUP && f.message?.proto.name === name);
      if (!field) fail(`Message type "${type.typeName}" has no field named "${name}".`);
    }
    const isMessage = field!.type === FieldType.MESSAGE || field!.type === FieldType.GROUP;
    if (isMessage) tryConsume(":");
    else expect(":");
    const store = (v: unknown) => {
      const f = field!;
      if (isExtension) {
        const w = new BinaryWriter(32);
        if (type.proto.options?.["messageSetWireFormat"] === true && f.message) {
          // MessageSet: each extension is an Item group holding its type id and the message's bytes.
          const inner = new BinaryWriter(32);
          encodeDynamic(f.message, v as Message, inner);
          w.tag(1, WireType.StartGroup).tag(2, WireType.Varint).uint32(f.no).tag(3, WireType.LengthDelimited).bytes(inner.finish()).tag(1, WireType.EndGroup);
        } else writeField(f, v, w);
        addUnknown(msg, w.finish());
      } else if (f.map) {
        const entry = v as Message;
        const map = (msg[f.localName] ??= {}) as Message;
        setOwn(map, String(entry["key"]), entry["value"]);
      } else if (f.repeated) ((msg[f.localName] ??= []) as unknown[]).push(v);
      else {
        if (getField(msg, f) !== undefined && f.explicitPresence) fail(`Non-repeated field "${f.name}" is specified multiple times.`);
        const other = f.oneof?.fields.find((o) => o !== f && getField(msg, o) !== undefined);
        if (other) fail(`Field "${f.name}" is specified along with field "${other.name}", another member of oneof "${f.oneof!.name}".`);
        setField(msg, f, v);
      }
    };
    if (tryConsume("[")) {
      if (!field!.repeated) fail(`Field "${field!.name}" is not repeated.`);
      if (!tryConsume("]")) {
        do store(parseValue(field!, depth));
        while (tryConsume(","));
        expect("]");
      }
      return;
    }
    store(parseValue(field!, depth));
  };

  /** `[type.googleapis.com/pkg.Msg] { ... }` inside an Any: the message, packed. */
  const parseAnyExpansion = (typeUrl: string, msg: Message, depth: number): void => {
    const inner = findMessage(typeUrl.slice(typeUrl.lastIndexOf("/") + 1));
    if (!inner) fail(`Could not find type "${typeUrl}" stored in google.protobuf.Any.`);
    tryConsume(":");
    const close = tryConsume("{") ? "}" : tryConsume("<") ? ">" : fail(`Expected "{" or "<".`);
    const m = createDynamic(inner!);
    parseMessage(inner!, m, close, depth + 1);
    const w = new BinaryWriter();
    encodeDynamic(inner!, m, w);
    msg["typeUrl"] = typeUrl;
    msg["value"] = w.finish();
  };

  const parseValue = (f: FieldInfo, depth: number): unknown => {
    if (f.type === FieldType.MESSAGE || f.type === FieldType.GROUP) {
      const close = tryConsume("{") ? "}" : tryConsume("<") ? ">" : fail(`Expected "{" or "<".`);
      const m = createDynamic(f.message!);
      parseMessage(f.message!, m, close, depth + 1);
      return m;
    }
    const negative = tryConsume("-");
    const t = input.current;
    const sign = negative ? -1 : 1;
    switch (f.type) {
      case FieldType.STRING:
      case FieldType.BYTES: {
        if (t.type !== TokenType.String) fail(`Expected string, got: ${t.text}`);
        const parts: number[] = [];
        while (input.current.type === TokenType.String) {
          parts.push(...unescapeStringToken(input.current.text));
          input.next();
        }
        const bytes = Uint8Array.from(parts);
        return f.type === FieldType.STRING ? bytesToString(bytes) : bytes;
      }
      case FieldType.BOOL: {
        input.next();
        if (t.text === "true" || t.text === "True" || t.text === "t" || t.text === "1") return true;
        if (t.text === "false" || t.text === "False" || t.text === "f" || t.text === "0") return false;
        return fail(`Invalid value for boolean field "${f.name}". Value: "${t.text}".`);
      }
      case FieldType.ENUM: {
        input.next();
        if (t.type === TokenType.Integer) return sign * Number(parseIntegerToken(t.text));
        const n = f.enum!.byName.get(t.text);
        if (n === undefined) fail(`Unknown enumeration value of "${t.text}" for field "${f.name}".`);
        return n;
      }
      case FieldType.FLOAT:
      case FieldType.DOUBLE: {
        input.next();
        if (t.type === TokenType.Integer) return sign * Number(parseIntegerToken(t.text));
        if (t.type === TokenType.Float) return sign * parseFloatToken(t.text.replace(/[fF]$/, ""));
        const word = t.text.toLowerCase();
        if (word === "inf" || word === "infinity") return sign * Infinity;
        if (word === "nan") return NaN;
        return fail(`Expected double, got: ${t.text}`);
      }
      default: {
        if (t.type !== TokenType.Integer) fail(`Expected integer, got: ${t.text}`);
        input.next();
        const v = BigInt(sign) * parseIntegerToken(t.text);
        return is64Bit(f.type) ? v : Number(v);
      }
    }
  };

  const msg = createDynamic(info);
  parseMessage(info, msg, undefined, 0);
  if (diagnostics.length) fail(diagnostics[0]!.message);
  return msg;
}
