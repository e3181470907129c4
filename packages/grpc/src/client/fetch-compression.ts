import { GrpcError } from "../grpc-error.js";
import { webCompress, webDecompress, webEncodingSupported, type WebEncoding } from "../protocol/web-compression.js";
import { Status } from "../status.js";

/** Message compression of a fetch-based transport, with connect-es's option names. */
export interface FetchCompressionOptions {
  /**
   * Compress request messages: "gzip", or "br" where the runtime's CompressionStream speaks Brotli (neither Node 20
   * nor Chromium 156 does: the transport refuses it there). Default "identity": no compression.
   */
  sendCompression?: WebEncoding | "identity";
  /** Messages smaller than this are sent uncompressed, as not worth it (default 1024 bytes, as connect-es). */
  compressMinBytes?: number;
  /** The encodings the server may compress responses with (default: every one the runtime can decompress). */
  acceptCompression?: WebEncoding[];
}

const ENCODINGS: WebEncoding[] = ["gzip", "br"];

/** A fetch transport's compression, checked once against what the runtime can do; the protocol names the headers. */
export class FetchCompression {
  /** The encoding of compressed request messages; undefined when the transport does not compress. */
  readonly send: WebEncoding | undefined;
  /** The accepted encodings as a header value; undefined when none. */
  readonly accept: string | undefined;
  private readonly accepted: readonly string[];
  private readonly minBytes: number;

  constructor(options: FetchCompressionOptions) {
    const send = options.sendCompression ?? "identity";
    const accepted = options.acceptCompression ?? ENCODINGS.filter(webEncodingSupported);
    for (const encoding of send === "identity" ? accepted : [send, ...accepted]) {
      if (!webEncodingSupported(encoding)) throw new Error(`Compression "${encoding}" is not supported here: this runtime's CompressionStream speaks ${ENCODINGS.filter(webEncodingSupported).join(", ") || "none"}`);
    }
    this.send = send === "identity" ? undefined : send;
    this.accepted = accepted;
    this.accept = accepted.length ? accepted.join(",") : undefined;
    this.minBytes = options.compressMinBytes ?? 1024;
  }

  /** A request message as it is sent: compressed when the transport compresses and it is large enough. */
  async message(data: Uint8Array): Promise<{ data: Uint8Array; compressed: boolean }> {
    if (this.send === undefined || data.length < this.minBytes) return { data, compressed: false };
    return { data: await webCompress(this.send, data), compressed: true };
  }

  /** A response message that came compressed, with `encoding` (the response's header; null when it has none). */
  decompress(encoding: string | null, data: Uint8Array, maxLength: number): Promise<Uint8Array> {
    if (encoding === null || encoding === "identity") throw new GrpcError(Status.INTERNAL, "Received a compressed message, but the response names no encoding");
    if (!this.accepted.includes(encoding)) throw new GrpcError(Status.INTERNAL, `Received a message compressed with "${encoding}", which the client does not accept`);
    return webDecompress(encoding as WebEncoding, data, maxLength);
  }
}
