import { brotliCompressSync, brotliDecompressSync, deflateSync, gunzipSync, gzipSync, inflateSync } from "node:zlib";
import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";

/** The message encodings tsgrpc speaks (grpc-encoding / grpc-accept-encoding), besides "identity"; "br" is Brotli (Connect's name for it). */
export const SUPPORTED_ENCODINGS = ["gzip", "deflate", "br"] as const;
export type Encoding = (typeof SUPPORTED_ENCODINGS)[number] | "identity";
export const ACCEPT_ENCODING = ["identity", ...SUPPORTED_ENCODINGS].join(",");

export function isSupportedEncoding(name: string): name is Encoding {
  return name === "identity" || (SUPPORTED_ENCODINGS as readonly string[]).includes(name);
}

export function compress(encoding: Encoding, data: Uint8Array): Uint8Array {
  if (encoding === "gzip") return gzipSync(data);
  if (encoding === "deflate") return deflateSync(data);
  if (encoding === "br") return brotliCompressSync(data);
  return data;
}

/**
 * Decompresses one message, refusing to produce more than `maxLength` bytes: a small compressed message that would
 * expand past the receive limit (a compression bomb) is RESOURCE_EXHAUSTED, and never allocated in full.
 */
export function decompress(encoding: Encoding, data: Uint8Array, maxLength: number): Uint8Array {
  if (encoding === "identity") throw new GrpcError(Status.INTERNAL, "Compressed flag set on a message with no grpc-encoding");
  try {
    const options = { maxOutputLength: Math.max(1, maxLength) };
    return encoding === "gzip" ? gunzipSync(data, options) : encoding === "br" ? brotliDecompressSync(data, options) : inflateSync(data, options);
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" || (e as RangeError).name === "RangeError") {
      throw new GrpcError(Status.RESOURCE_EXHAUSTED, `Decompressed message larger than max (${maxLength})`);
    }
    throw new GrpcError(Status.INTERNAL, `Could not decompress a ${encoding} message: ${(e as Error).message}`);
  }
}

