import type { JsonValue } from "@tsgrpc/protobuf";
import { Status } from "../../status.js";
import type { HeaderMap } from "../call-exchange.js";
import { callStatus, withoutGrpcFields } from "./call-status.js";
import { connectErrorJson } from "./connect-error-json.js";

/** Flag of the envelope that ends a Connect stream (its payload is JSON, never compressed). */
export const END_STREAM_FLAG = 0x02;

/** The end-of-stream message of a Connect streaming response: the status as an error (if any) and the trailers. */
export function endStreamEnvelope(fields: HeaderMap): Uint8Array {
  const status = callStatus(fields);
  const json: { [key: string]: JsonValue } = {};
  if (status.code !== Status.OK) json["error"] = connectErrorJson(status.code, status.message, status.details);
  const metadata: { [key: string]: JsonValue } = {};
  for (const [name, value] of Object.entries(withoutGrpcFields(status.metadata))) metadata[name] = Array.isArray(value) ? value : [value];
  if (Object.keys(metadata).length) json["metadata"] = metadata;
  const payload = Buffer.from(JSON.stringify(json));
  const out = Buffer.alloc(5 + payload.length);
  out[0] = END_STREAM_FLAG;
  out.writeUInt32BE(payload.length, 1);
  payload.copy(out, 5);
  return out;
}
