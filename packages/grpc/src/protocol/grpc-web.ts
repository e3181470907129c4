import { base64Decode } from "@tsgrpc/protobuf/codegen-support";
import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import { HEADER_SIZE, writeEnvelopeHeader } from "./envelope.js";

// gRPC-Web (grpc/grpc doc/PROTOCOL-WEB.md), the parts the server and the browser client share. No Node APIs here.

/** The flag byte of the last frame of a gRPC-Web body: it carries the trailers, not a message. */
export const TRAILERS_FLAG = 0x80;

/** How a gRPC-Web body is carried: bytes as they are, or base64 text (`application/grpc-web-text`). */
export type GrpcWebFormat = "binary" | "text";

const GRPC_WEB = /^application\/grpc-web(-text)?(?:\+([a-z0-9.-]+))?\s*(?:;|$)/i;

/**
 * The format of a gRPC-Web content-type; "unsupported" for a codec other than proto (`+json`, `+thrift`), undefined
 * when it is not gRPC-Web at all.
 */
export function grpcWebFormat(contentType: string): GrpcWebFormat | "unsupported" | undefined {
  const m = GRPC_WEB.exec(contentType);
  if (!m) return undefined;
  if (m[2] !== undefined && m[2].toLowerCase() !== "proto") return "unsupported";
  return m[1] ? "text" : "binary";
}

/** The content-type of a gRPC-Web body in a format. */
export function grpcWebContentType(format: GrpcWebFormat): string {
  return format === "text" ? "application/grpc-web-text+proto" : "application/grpc-web+proto";
}

/** The trailers frame: flag 0x80, then the trailers as an HTTP/1 header block (`name: value\r\n` each, lower-case). */
export function encodeTrailersFrame(trailers: Record<string, string | string[]>): Uint8Array {
  let block = "";
  for (const [name, value] of Object.entries(trailers)) {
    for (const v of Array.isArray(value) ? value : [value]) block += `${name.toLowerCase()}: ${v}\r\n`;
  }
  // Header values are ASCII (grpc-message is percent-encoded, -bin values are base64): one byte per character.
  const out = new Uint8Array(HEADER_SIZE + block.length);
  writeEnvelopeHeader(out, 0, block.length, false);
  out[0] = TRAILERS_FLAG;
  for (let i = 0; i < block.length; i++) out[HEADER_SIZE + i] = block.charCodeAt(i) & 0xff;
  return out;
}

/** Parses the payload of a trailers frame into lower-case names (repeated names are joined with ", "). */
export function parseTrailersBlock(payload: Uint8Array): Record<string, string> {
  // A Map, not an object: a peer's trailer may be named "constructor" or "__proto__".
  const out = new Map<string, string>();
  for (const line of latin1(payload).split("\r\n")) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new GrpcError(Status.INTERNAL, `Malformed gRPC-Web trailer line: "${line.slice(0, 80)}"`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const before = out.get(name);
    out.set(name, before === undefined ? value : `${before}, ${value}`);
  }
  return Object.fromEntries(out);
}

function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return s;
}

/**
 * Decodes a `grpc-web-text` body as it arrives. The sender encodes each chunk it flushes on its own, so padding may
 * appear mid-stream and the body as a whole is not one base64 string: it is decoded 4 characters at a time, and a
 * group with padding simply yields fewer bytes. Anything else is an INTERNAL error.
 */
export class Base64StreamDecoder {
  private rest = "";

  /** Decodes the whole 4-character groups received so far. */
  push(chunk: Uint8Array): Uint8Array {
    const text = this.rest + latin1(chunk);
    const whole = text.length - (text.length % 4);
    this.rest = text.slice(whole);
    const parts: Uint8Array[] = [];
    let start = 0;
    let size = 0;
    for (let at = 0; at < whole; at += 4) {
      const padded = text.charCodeAt(at + 3) === 61; /* "=" */
      if (!padded && at + 4 < whole) continue;
      const segment = text.slice(start, at + 4);
      const bytes = base64Decode(segment);
      if (!bytes) throw new GrpcError(Status.INTERNAL, "The grpc-web-text body is not base64");
      parts.push(bytes);
      size += bytes.length;
      start = at + 4;
    }
    // The rest may end in padding: a body's bytes can be cut anywhere, "AA==" as "AA=" and "=". A misplaced "=" fails
    // when its group is whole.
    if (/[^A-Za-z0-9+/=]/.test(this.rest)) throw new GrpcError(Status.INTERNAL, "The grpc-web-text body is not base64");
    if (parts.length === 1) return parts[0]!;
    const out = new Uint8Array(size);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  /** Characters that do not make a whole group (a body that ends here was cut). */
  get pending(): number {
    return this.rest.length;
  }
}
