import { FieldType } from "../descriptor/descriptor-types.js";
import type { BinaryReader } from "../wire/binary-reader.js";
import type { BinaryWriter } from "../wire/binary-writer.js";

/** Reads one scalar or enum value of `type`. */
export function readScalar(r: BinaryReader, type: FieldType, utf8Strict: boolean): unknown {
  switch (type) {
    case FieldType.DOUBLE: return r.double();
    case FieldType.FLOAT: return r.float();
    case FieldType.INT64: return r.int64();
    case FieldType.UINT64: return r.uint64();
    case FieldType.INT32: return r.int32();
    case FieldType.FIXED64: return r.fixed64();
    case FieldType.FIXED32: return r.fixed32();
    case FieldType.BOOL: return r.bool();
    case FieldType.STRING: return r.string(utf8Strict);
    case FieldType.BYTES: return r.bytes();
    case FieldType.UINT32: return r.uint32();
    case FieldType.ENUM: return r.int32();
    case FieldType.SFIXED32: return r.sfixed32();
    case FieldType.SFIXED64: return r.sfixed64();
    case FieldType.SINT32: return r.sint32();
    case FieldType.SINT64: return r.sint64();
    default: throw new Error(`not a scalar type: ${type}`);
  }
}

/** Writes one scalar or enum value of `type` (no tag). */
export function writeScalar(w: BinaryWriter, type: FieldType, v: unknown): void {
  switch (type) {
    case FieldType.DOUBLE: w.double(v as number); return;
    case FieldType.FLOAT: w.float(v as number); return;
    case FieldType.INT64: w.int64(v as bigint); return;
    case FieldType.UINT64: w.uint64(v as bigint); return;
    case FieldType.INT32: w.int32(v as number); return;
    case FieldType.FIXED64: w.fixed64(v as bigint); return;
    case FieldType.FIXED32: w.fixed32(v as number); return;
    case FieldType.BOOL: w.bool(v as boolean); return;
    case FieldType.STRING: w.string(v as string); return;
    case FieldType.BYTES: w.bytes(v as Uint8Array); return;
    case FieldType.UINT32: w.uint32(v as number); return;
    case FieldType.ENUM: w.int32(v as number); return;
    case FieldType.SFIXED32: w.sfixed32(v as number); return;
    case FieldType.SFIXED64: w.sfixed64(v as bigint); return;
    case FieldType.SINT32: w.sint32(v as number); return;
    case FieldType.SINT64: w.sint64(v as bigint); return;
    default: throw new Error(`not a scalar type: ${type}`);
  }
}
