import type { MessageType } from "@tsgrpc/protobuf";
import * as errorDetails from "../gen/google/rpc/error_details_pb.js";

/** The standard error detail types (google/rpc/error_details.proto), by full name. */
const KNOWN_DETAILS = new Map<string, MessageType<object>>(
  Object.values(errorDetails as Record<string, unknown>)
    .filter((t): t is MessageType<object> => typeof t === "object" && t !== null && typeof (t as MessageType).typeName === "string")
    .map((t) => [t.typeName, t]),
);

/** The standard error detail type a detail's type URL names, if it is one: what the JSON forms of an error show field by field. */
export function errorDetailType(typeUrl: string): MessageType<object> | undefined {
  return KNOWN_DETAILS.get(typeUrl.slice(typeUrl.lastIndexOf("/") + 1));
}
