/** HTTP/2 error codes (RFC 9113 section 7). */
export enum ErrorCode {
  NO_ERROR = 0x0,
  PROTOCOL_ERROR = 0x1,
  INTERNAL_ERROR = 0x2,
  FLOW_CONTROL_ERROR = 0x3,
  SETTINGS_TIMEOUT = 0x4,
  STREAM_CLOSED = 0x5,
  FRAME_SIZE_ERROR = 0x6,
  REFUSED_STREAM = 0x7,
  CANCEL = 0x8,
  COMPRESSION_ERROR = 0x9,
  CONNECT_ERROR = 0xa,
  ENHANCE_YOUR_CALM = 0xb,
  INADEQUATE_SECURITY = 0xc,
  HTTP_1_1_REQUIRED = 0xd,
}

/**
 * A protocol error: with `streamId`, a stream error (RST_STREAM that stream, RFC 9113 5.4.2); without, a connection
 * error (GOAWAY and close, 5.4.1).
 */
export class Http2Error extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly streamId?: number,
  ) {
    super(message);
    this.name = "Http2Error";
  }
}
