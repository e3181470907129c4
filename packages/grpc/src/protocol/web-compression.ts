import { GrpcError } from "../grpc-error.js";
import { concatBytes } from "./concat-bytes.js";
import { Status } from "../status.js";

/**
 * Message compression with the Compression Streams API (CompressionStream / DecompressionStream), for the fetch-based
 * clients: nothing from Node, so it runs in browsers. Connect names an encoding "gzip" or "br"; the streams call
 * Brotli "brotli". gzip is in every current browser and in Node; Brotli only where the runtime offers it (neither
 * Node 20 nor Chromium 156 does), which `webEncodingSupported` tells.
 */
export type WebEncoding = "gzip" | "br";

const FORMATS: Record<WebEncoding, string> = { gzip: "gzip", br: "brotli" };

type Format = ConstructorParameters<typeof CompressionStream>[0];

/** Whether this runtime can compress and decompress `encoding` with the Compression Streams API. */
export function webEncodingSupported(encoding: string): encoding is WebEncoding {
  if (!Object.hasOwn(FORMATS, encoding) || typeof CompressionStream !== "function" || typeof DecompressionStream !== "function") return false;
  const format = FORMATS[encoding as WebEncoding] as Format;
  try {
    new CompressionStream(format);
    new DecompressionStream(format);
    return true;
  } catch {
    return false;
  }
}

export function webCompress(encoding: WebEncoding, data: Uint8Array): Promise<Uint8Array> {
  return pipeThrough(data, new CompressionStream(FORMATS[encoding] as Format), Infinity);
}

/**
 * Decompresses one message, refusing to produce more than `maxLength` bytes (a compression bomb is RESOURCE_EXHAUSTED,
 * stopped as soon as it passes the limit); data that does not decompress is INTERNAL.
 */
export async function webDecompress(encoding: WebEncoding, data: Uint8Array, maxLength: number): Promise<Uint8Array> {
  try {
    return await pipeThrough(data, new DecompressionStream(FORMATS[encoding] as Format), maxLength);
  } catch (e) {
    if (e instanceof GrpcError) throw e;
    throw new GrpcError(Status.INTERNAL, `Could not decompress a ${encoding} message: ${(e as Error).message}`);
  }
}

/** Writes `data` through a (de)compression stream and gathers what comes out, at most `maxLength` bytes. */
async function pipeThrough(data: Uint8Array, stream: CompressionStream | DecompressionStream, maxLength: number): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  // A write fails with the same error the reader gets: it is reported there.
  writer.write(data).then(() => writer.close()).catch(() => {});
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concatBytes(chunks);
    size += value.length;
    if (size > maxLength) {
      void reader.cancel().catch(() => {});
      throw new GrpcError(Status.RESOURCE_EXHAUSTED, `Decompressed message larger than max (${maxLength})`);
    }
    chunks.push(value);
  }
}
