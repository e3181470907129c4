import { kMaxLength } from "node:buffer";
import type { Socket } from "node:net";
import type { MethodDefinition } from "@tsgrpc/protobuf";
import { GrpcError } from "../../grpc-error.js";
import { ACCEPT_ENCODING, compress, decompress, type Encoding } from "../../protocol/compression.js";
import { encodeEnvelope, EnvelopeReader } from "../../protocol/envelope.js";
import { Status } from "../../status.js";
import type { CallExchange, HeaderMap } from "../call-exchange.js";
import { withExposedHeaders } from "../cors.js";
import type { HttpExchange } from "../http-exchange.js";
import { withoutGrpcFields } from "./call-status.js";
import { connectContentType, type ConnectFormat } from "./connect-format.js";
import { endStreamEnvelope } from "./end-stream.js";
import { decompressRequest, messageCodec, UNPARSABLE_REQUEST, type MessageCodec } from "./message-codec.js";

/**
 * A streaming Connect call (connectrpc.com/docs/protocol#streaming-request): messages in envelopes both ways, as gRPC's
 * (flag 0x01: compressed, with connect-content-encoding), and the status with the trailers in a last JSON envelope
 * (flag 0x02) of an HTTP 200 response. Binary envelopes pass through untouched; JSON ones are transcoded to and from
 * the binary form the call runner reads and writes.
 */
export class ConnectStreamExchange implements CallExchange {
  private readonly codec: MessageCodec;
  /** The response's message encoding, once the headers name it. */
  private encoding: Encoding = "identity";
  private readonly responses = new EnvelopeReader(Infinity);
  readonly unparsableRequest = UNPARSABLE_REQUEST;

  constructor(
    private readonly http: HttpExchange,
    private readonly format: ConnectFormat,
    private readonly method: MethodDefinition,
    private readonly cors: HeaderMap,
    /** connect-content-encoding of the request messages (checked by the runner). */
    private readonly requestEncoding: Encoding,
    private readonly limit: number,
  ) {
    this.codec = messageCodec(format.codec);
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
    if (this.format.codec === "proto") return this.http.read(onData, onEnd, onClose);
    const requests = new EnvelopeReader(this.limit);
    const onChunk = (chunk: Uint8Array) => {
      try {
        for (const envelope of requests.push(chunk)) {
          if (envelope.flags > 1) throw new GrpcError(Status.INVALID_ARGUMENT, `Unexpected request envelope flags 0x${envelope.flags.toString(16)}`);
          const plain = envelope.compressed ? decompressRequest(this.requestEncoding, envelope.data, this.limit) : envelope.data;
          onData(encodeEnvelope(this.codec.toBinary(this.method.input, plain)));
        }
      } catch (e) {
        onError(e);
      }
    };
    this.http.read(onChunk, onEnd, onClose);
  }

  pauseRequest(): void {
    this.http.pause();
  }

  resumeRequest(): void {
    this.http.resume();
  }

  private responseHeaders(metadata: HeaderMap): HeaderMap {
    const headers: HeaderMap = { "content-type": connectContentType(this.format), "connect-accept-encoding": ACCEPT_ENCODING, ...metadata, ...this.cors };
    if (this.encoding !== "identity") headers["connect-content-encoding"] = this.encoding;
    return withExposedHeaders(headers, this.cors, metadata, ["connect-content-encoding"]);
  }

  sendHeaders(headers: HeaderMap): void {
    this.encoding = (headers["grpc-encoding"] ?? "identity") as Encoding;
    this.http.respond(200, this.responseHeaders(withoutGrpcFields(headers)), false);
  }

  write(bytes: Uint8Array): void {
    this.http.write(this.transcode(bytes));
  }

  /** Response envelopes from the runner (binary messages) in the call's codec. */
  private transcode(bytes: Uint8Array): Uint8Array {
    if (this.format.codec === "proto") return bytes;
    const out = this.responses.push(bytes).map((envelope) => {
      const binary = envelope.compressed ? decompress(this.encoding, envelope.data, kMaxLength) : envelope.data;
      const data = this.codec.fromBinary(this.method.output, binary);
      return encodeEnvelope(envelope.compressed ? compress(this.encoding, data) : data, envelope.compressed);
    });
    return Buffer.concat(out);
  }

  end(trailers: HeaderMap, last?: Uint8Array): void {
    if (last) this.write(last);
    this.http.end(endStreamEnvelope(trailers));
  }

  /** A status before any message: an HTTP 200 whose body is only the end-of-stream message (with all metadata). */
  endTrailersOnly(fields: HeaderMap): void {
    this.http.respond(200, this.responseHeaders({}), false);
    this.http.end(endStreamEnvelope(fields));
  }

  discardRest(): void {
    this.http.discardRest();
  }
}
