/** The six wire types of the protobuf binary format (encoding guide, "Message Structure"). */
export const enum WireType {
  Varint = 0,
  Bit64 = 1,
  LengthDelimited = 2,
  StartGroup = 3,
  EndGroup = 4,
  Bit32 = 5,
}

/** Field numbers are 29-bit: 1 to 2^29 - 1. */
export const MAX_FIELD_NUMBER = 0x1fffffff;
