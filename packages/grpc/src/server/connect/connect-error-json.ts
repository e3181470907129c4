import type { JsonValue, MessageType } from "@tsgrpc/protobuf";
import { base64Encode } from "@tsgrpc/protobuf/codegen-support";
import * as errorDetails from "../../gen/google/rpc/error_details_pb.js";
import type { StatusDetail } from "../../protocol/status-details.js";
import type { Status } from "../../status.js";
import { connectCode } from "../../protocol/connect-codes.js";

/** The standard error detail types (google/rpc/error_details.proto), whose JSON form goes in a detail's `debug`. */
const KNOWN_DETAILS = new Map<string, MessageType<object>>(
  Object.values(errorDetails as Record<string, unknown>)
    .filter((t): t is MessageType<object> => typeof t === "object" && t !== null && typeof (t as MessageType).typeName === "string")
    .map((t) => [t.typeName, t]),
);

/** A detail as Connect writes it: the type's full name, the message in base64 (no padding), and its JSON form when known. */
function detailJson(detail: StatusDetail): JsonValue {
  const type = detail.typeUrl.slice(detail.typeUrl.lastIndexOf("/") + 1);
  const json: { [key: string]: JsonValue } = { type, value: base64Encode(detail.value).replace(/=+$/, "") };
  const known = KNOWN_DETAILS.get(type);
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
