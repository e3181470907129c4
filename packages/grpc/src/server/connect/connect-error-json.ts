import type { JsonValue } from "@tsgrpc/protobuf";
import { base64Encode } from "@tsgrpc/protobuf/codegen-support";
import { errorDetailType } from "../../protocol/error-detail-types.js";
import type { StatusDetail } from "../../protocol/status-details.js";
import type { Status } from "../../status.js";
import { connectCode } from "../../protocol/connect-codes.js";

/** A detail as Connect writes it: the type's full name, the message in base64 (no padding), and its JSON form when known. */
function detailJson(detail: StatusDetail): JsonValue {
  const type = detail.typeUrl.slice(detail.typeUrl.lastIndexOf("/") + 1);
  const json: { [key: string]: JsonValue } = { type, value: base64Encode(detail.value).replace(/=+$/, "") };
  const known = errorDetailType(detail.typeUrl);
  if (known) {
    try {
      json["debug"] = known.toJson(known.decode(detail.value));
    } catch {
      // A detail that does not decode as its type still travels as bytes.
    }
  }
  return json;
}

/** A Connect error as JSON (connectrpc.com/docs/protocol#error-end-stream): code, message, details. */
export function connectErrorJson(code: Status, message: string, details: StatusDetail[]): JsonValue {
  const json: { [key: string]: JsonValue } = { code: connectCode(code) };
  if (message) json["message"] = message;
  if (details.length) json["details"] = details.map(detailJson);
  return json;
}
