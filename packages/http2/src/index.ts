// @tsgrpc/http2: tsgrpc's own HTTP/2 engine (RFC 9113, HPACK RFC 7541) on node:net and node:tls sockets.
export { ErrorCode, Http2Error } from "./errors.js";
export { ServerConnection, type ServerConnectionOptions } from "./server-connection.js";
export { Http2Stream, type OutgoingHeaders } from "./stream.js";
export { ServerStream } from "./server-stream.js";
export { IdMap } from "./id-map.js";
export { ClientConnection } from "./client-connection.js";
export { ClientStream } from "./client-stream.js";
export type { ConnectionOptions } from "./connection.js";
export type { PingPolicyOptions } from "./ping-policy.js";
export type { HeaderObject } from "./request-headers.js";
export { HpackDecoder, type HeaderBlock } from "./hpack/decoder.js";
export { HpackEncoder } from "./hpack/encoder.js";
export { FrameParser } from "./frame-parser.js";
export { FrameWriter } from "./frame-writer.js";
