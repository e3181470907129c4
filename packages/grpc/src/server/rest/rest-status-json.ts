import type { JsonValue } from "@tsgrpc/protobuf";
import { base64Encode } from "@tsgrpc/protobuf/codegen-support";
import { errorDetailType } from "../../protocol/error-detail-types.js";
import type { StatusDetail } from "../../protocol/status-details.js";
import type { Status } from "../../status.js";

/** A detail as google.protobuf.Any's JSON form: "@type" and the message's fields, or its bytes when the type is unknown. */
function detailJson(detail: StatusDetail): JsonValue {
  const known = errorDetailType(detail.typeUrl);
  if (known) {
    try {
      return { "@type": detail.typeUrl, ...(known.toJson(known.decode(detail.value)) as { [key: string]: JsonValue }) };
    } catch {
      // A detail that does not decode as its type still travels as bytes.
    }
  }
  return { "@type": detail.typeUrl, value: base64Encode(detail.value) };
}

/** A REST error body: google.rpc.Status in its JSON form (code as a number, message, details), as transcoders write it. */
export function restStatusJson(code: Status, message: string, details: StatusDetail[]): JsonValue {
  return { code, message, details: details.map(detailJson) };
}
