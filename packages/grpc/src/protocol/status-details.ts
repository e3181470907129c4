import { base64Decode, base64Encode, BinaryReader, BinaryWriter, WireType } from "@tsgrpc/protobuf";
import { Status } from "../status.js";

export interface StatusDetail {
  typeUrl: string;
  value: Uint8Array;
}

/**
 * grpc-status-details-bin: a google.rpc.Status { code = 1; message = 2; repeated Any details = 3; }, written and read
 * by hand here so that the runtime needs no generated code for it.
 */
export function encodeStatusDetails(code: Status, message: string, details: StatusDetail[]): string {
  const w = new BinaryWriter(64);
  if (code) w.tag(1, WireType.Varint).int32(code);
  if (message) w.tag(2, WireType.LengthDelimited).string(message);
  for (const d of details) {
    w.tag(3, WireType.LengthDelimited);
    const k = w.fork();
    if (d.typeUrl) w.tag(1, WireType.LengthDelimited).string(d.typeUrl);
    if (d.value.length) w.tag(2, WireType.LengthDelimited).bytes(d.value);
    w.join(k);
  }
  return base64Encode(w.finish()).replace(/=+$/, "");
}

/** The details of a grpc-status-details-bin header; an undecodable header gives none rather than an error. */
export function decodeStatusDetails(header: string): StatusDetail[] {
  const bytes = base64Decode(header);
  if (!bytes) return [];
  try {
    const details: StatusDetail[] = [];
    const r = new BinaryReader(bytes);
    while (r.pos < r.end) {
      const tag = r.tag();
      if (tag !== ((3 << 3) | WireType.LengthDelimited)) {
        r.skip(tag & 7, tag >>> 3);
        continue;
      }
      const outer = r.enter(r.length());
      const d: StatusDetail = { typeUrl: "", value: new Uint8Array(0) };
      while (r.pos < r.end) {
        const t = r.tag();
        if (t === ((1 << 3) | WireType.LengthDelimited)) d.typeUrl = r.string();
        else if (t === ((2 << 3) | WireType.LengthDelimited)) d.value = r.bytes();
        else r.skip(t & 7, t >>> 3);
      }
      r.leave(outer);
      details.push(d);
    }
    return details;
  } catch {
    return [];
  }
}
