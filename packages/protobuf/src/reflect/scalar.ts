import { FieldType } from "../descriptor/descriptor-types.js";
import { WireType } from "../wire/wire-type.js";

/** The wire type a scalar (or enum) value is written with. */
export function scalarWireType(type: FieldType): WireType {
  switch (type) {
    case FieldType.DOUBLE:
    case FieldType.FIXED64:
    case FieldType.SFIXED64:
      return WireType.Bit64;
    case FieldType.FLOAT:
    case FieldType.FIXED32:
    case FieldType.SFIXED32:
      return WireType.Bit32;
    case FieldType.STRING:
    case FieldType.BYTES:
    case FieldType.MESSAGE:
      return WireType.LengthDelimited;
    case FieldType.GROUP:
      return WireType.StartGroup;
    default:
      return WireType.Varint;
  }
}

export function is64Bit(type: FieldType): boolean {
  return (
    type === FieldType.INT64 ||
    type === FieldType.UINT64 ||
    type === FieldType.SINT64 ||
    type === FieldType.FIXED64 ||
    type === FieldType.SFIXED64
  );
}

/** Scalars that may be packed: every numeric type, bool and enum. */
export function isPackable(type: FieldType): boolean {
  return type !== FieldType.STRING && type !== FieldType.BYTES && type !== FieldType.MESSAGE && type !== FieldType.GROUP;
}

/** The zero value of a scalar or enum type, in tsgrpc's representation. */
export function zeroValue(type: FieldType): unknown {
  switch (type) {
    case FieldType.STRING:
      return "";
    case FieldType.BYTES:
      return new Uint8Array(0);
    case FieldType.BOOL:
      return false;
    case FieldType.MESSAGE:
    case FieldType.GROUP:
      return undefined;
    default:
      return is64Bit(type) ? 0n : 0;
  }
}

/** Whether `value` is the zero value of its type (such values of implicit-presence fields are not written). */
export function isZeroValue(type: FieldType, value: unknown): boolean {
  switch (type) {
    case FieldType.STRING:
      return value === "";
    case FieldType.BYTES:
      return (value as Uint8Array).length === 0;
    case FieldType.BOOL:
      return value === false;
    case FieldType.DOUBLE:
    case FieldType.FLOAT:
      // -0 is not the zero value on the wire: its bit pattern differs, and protobuf writes it.
      return value === 0 && !Object.is(value, -0);
    default:
      return is64Bit(type) ? value === 0n : value === 0;
  }
}

/** Reads a C-escaped string, as protoc writes a bytes field's default value, into bytes. */
export function unescapeCBytes(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x5c /* \ */) {
      out.push(c & 0xff);
      continue;
    }
    const e = text[++i];
    if (e === undefined) break;
    if (e >= "0" && e <= "7") {
      let n = 0;
      let k = 0;
      for (; k < 3 && text[i + k]! >= "0" && text[i + k]! <= "7"; k++) n = n * 8 + Number(text[i + k]);
      i += k - 1;
      out.push(n & 0xff);
    } else if (e === "x" || e === "X") {
      let n = 0;
      let k = 1;
      for (; k < 3 && /[0-9a-fA-F]/.test(text[i + k] ?? ""); k++) n = n * 16 + parseInt(text[i + k]!, 16);
      i += k - 1;
      out.push(n & 0xff);
    } else {
      const simple: Record<string, number> = { n: 10, r: 13, t: 9, a: 7, b: 8, f: 12, v: 11, "\\": 92, "'": 39, '"': 34, "?": 63 };
      out.push(simple[e] ?? e.charCodeAt(0));
    }
  }
  return Uint8Array.from(out);
}

/** A proto2 `default_value` string (as in a descriptor) as a value of the field's type. */
export function parseDefaultValue(type: FieldType, text: string): unknown {
  switch (type) {
    case FieldType.STRING:
      return text;
    case FieldType.BYTES:
      return unescapeCBytes(text);
    case FieldType.BOOL:
      return text === "true";
    case FieldType.DOUBLE:
    case FieldType.FLOAT:
      return text === "inf" ? Infinity : text === "-inf" ? -Infinity : text === "nan" ? NaN : Number(text);
    case FieldType.ENUM:
      return text; // resolved to a number once the enum is known
    default:
      return is64Bit(type) ? BigInt(text) : Number(text);
  }
}
