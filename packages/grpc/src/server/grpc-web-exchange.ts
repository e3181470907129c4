import type { Socket } from "node:net";
import { encodeTrailersFrame, grpcWebContentType, Base64StreamDecoder, type GrpcWebFormat } from "../protocol/grpc-web.js";
import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import type { CallExchange, HeaderMap } from "./call-exchange.js";
import type { HttpExchange } from "./http-exchange.js";
import { withExposedHeaders } from "./cors.js";

const GRPC_STATUS_FIELDS = ["grpc-status", "grpc-message", "grpc-status-details-bin"];

/**
 * A gRPC-Web call (PROTOCOL-WEB.md): the status travels in the body as the last frame (flag 0x80), in text format the
 * whole body is base64 (each write encoded on its own, so that every message reaches the client when it is sent), and a
 * cross-origin caller gets the CORS headers the server's policy grants.
 */
export class GrpcWebExchange implements CallExchange {
  private readonly decoder: Base64StreamDecoder | undefined;

  constructor(
    private readonly http: HttpExchange,
    private readonly format: GrpcWebFormat,
    /** CORS response headers for this caller (empty for a same-origin or non-browser caller). */
    private readonly cors: HeaderMap,
  ) {
    if (format === "text") this.decoder = new Base64StreamDecoder();
  }

  get socket(): Socket | undefined {
    return this.http.socket;
  }

  get closed(): boolean {
    return this.http.closed;
  }

  get needsDrain(): boolean {
    return this.http.needsDrain;
  }

  drained(): Promise<void> {
    return this.http.drained();
  }

  readRequest(onData: (chunk: Uint8Array) => void, onEnd: () => void, onClose: () => void, onError: (e: unknown) => void): void {
    const decoder = this.decoder;
    this.http.read(
      decoder
        ? (chunk) => {
            let bytes: Uint8Array;
            try {
              bytes = decoder.push(chunk);
            } catch (e) {
              return onError(e);
            }
            onData(bytes);
          }
        : onData,
      () => {
        if (decoder && decoder.pending > 0) onError(new GrpcError(Status.INTERNAL, "The grpc-web-text body ends in the middle of a base64 group"));
        else onEnd();
      },
      onClose,
    );
  }

  pauseRequest(): void {
    this.http.pause();
  }

  resumeRequest(): void {
    this.http.resume();
  }

  private headers(extra: HeaderMap): HeaderMap {
    const headers: HeaderMap = { "content-type": grpcWebContentType(this.format), ...extra, ...this.cors };
    return withExposedHeaders(headers, this.cors, extra, GRPC_STATUS_FIELDS);
  }

  sendHeaders(headers: HeaderMap): void {
    this.http.respond(200, this.headers(headers), false);
  }

  write(bytes: Uint8Array): void {
    this.http.write(this.encode(bytes));
  }

  end(trailers: HeaderMap, last?: Uint8Array): void {
    const frame = encodeTrailersFrame(trailers);
    if (this.format === "text") {
      const body = last ? Buffer.concat([last, frame]) : frame;
      this.http.end(this.encode(body));
    } else {
      if (last) this.http.write(last);
      this.http.end(frame);
    }
  }

  endTrailersOnly(headers: HeaderMap): void {
    this.http.respond(200, this.headers(headers), true);
  }

  discardRest(): void {
    this.http.discardRest();
  }

  private encode(bytes: Uint8Array): Uint8Array {
    if (this.format === "binary") return bytes;
    return Buffer.from(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64"), "latin1");
  }
}
