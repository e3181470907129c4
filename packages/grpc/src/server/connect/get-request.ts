import { base64Decode } from "@tsgrpc/protobuf/codegen-support";
import { splitTarget } from "../request-target.js";
import { GrpcError } from "../../grpc-error.js";
import { Status } from "../../status.js";
import type { ConnectFormat } from "./connect-format.js";

/** A unary Connect call made with GET: its message and how it is encoded, from the query (connectrpc.com/docs/protocol#unary-get-request). */
export interface GetRequest {
  format: ConnectFormat;
  message: Uint8Array;
  compression: string | undefined;
  /** The `connect` parameter: "v1", or undefined when the client left it out. */
  version: string | undefined;
}

/** Percent-decodes a query value to bytes ("+" is a space): a proto message sent without base64 is arbitrary bytes, not UTF-8. */
function percentDecode(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === 0x2b) out.push(0x20);
    else if (c < 0x80) out.push(c);
    else out.push(...Buffer.from(text[i]!, "utf8"));
  }
  return Uint8Array.from(out);
}

/** The query parameters of a GET target, by name (first value wins). */
function queryOf(target: string): Map<string, string> {
  const params = new Map<string, string>();
  const { query } = splitTarget(target);
  if (!query) return params;
  for (const pair of query.split("&")) {
    const eq = pair.indexOf("=");
    const name = eq < 0 ? pair : pair.slice(0, eq);
    if (!params.has(name)) params.set(name, eq < 0 ? "" : pair.slice(eq + 1));
  }
  return params;
}

/** Reads a Connect GET's query; a missing or wrong parameter is INVALID_ARGUMENT. */
export function parseGetRequest(target: string): GetRequest {
  const query = queryOf(target);
  const encoding = query.get("encoding");
  if (encoding !== "proto" && encoding !== "json") throw new GrpcError(Status.INVALID_ARGUMENT, `A Connect GET needs encoding=proto or encoding=json (got ${encoding === undefined ? "none" : `"${encoding}"`})`);
  const raw = query.get("message") ?? "";
  let message: Uint8Array;
  if (query.get("base64") === "1") {
    const decoded = base64Decode(new TextDecoder().decode(percentDecode(raw)));
    if (!decoded) throw new GrpcError(Status.INVALID_ARGUMENT, "The message parameter is not base64 (base64=1)");
    message = decoded;
  } else {
    message = percentDecode(raw);
  }
  const compression = query.get("compression");
  return { format: { streaming: false, codec: encoding }, message, compression, version: query.get("connect") };
}
