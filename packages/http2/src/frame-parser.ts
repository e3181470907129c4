import { ErrorCode, Http2Error } from "./errors.js";
import { FRAME_HEADER_SIZE } from "./frame.js";

/**
 * Called for each whole frame. `payload` is a view of the received bytes, not a copy: it stays valid (node does not
 * reuse a socket's chunks), but keeps the chunk it is part of alive while it is held.
 */
export type FrameCallback = (type: number, flags: number, streamId: number, payload: Buffer) => void;

/**
 * Cuts the bytes of a connection into frames (RFC 9113 4.1). A frame wholly inside one chunk is handed on as a view of
 * it; a frame split across chunks is copied, once, into a buffer of its own size (its header alone is small).
 */
export class FrameParser {
  /** The start of a frame split across chunks: its header (when not yet whole), or a buffer of the frame's size. */
  private split: Buffer | undefined;
  private splitFilled = 0;

  /** `maxFrameSize` is our SETTINGS_MAX_FRAME_SIZE: a longer frame is a FRAME_SIZE_ERROR. */
  constructor(public maxFrameSize: number) {}

  push(chunk: Buffer, onFrame: FrameCallback): void {
    if (this.split) {
      if (this.splitFilled < FRAME_HEADER_SIZE) {
        // Rare: even the header was split. Parse the joined bytes as one chunk.
        const joined = Buffer.concat([this.split.subarray(0, this.splitFilled), chunk]);
        this.split = undefined;
        return this.push(joined, onFrame);
      }
      const took = Math.min(this.split.length - this.splitFilled, chunk.length);
      chunk.copy(this.split, this.splitFilled, 0, took);
      this.splitFilled += took;
      if (this.splitFilled < this.split.length) return;
      const frame = this.split;
      this.split = undefined;
      this.deliver(frame, 0, onFrame);
      chunk = chunk.subarray(took);
    }
    let pos = 0;
    while (chunk.length - pos >= FRAME_HEADER_SIZE) {
      const end = pos + FRAME_HEADER_SIZE + this.lengthAt(chunk, pos);
      if (end > chunk.length) break;
      this.deliver(chunk, pos, onFrame);
      pos = end;
    }
    if (pos === chunk.length) return;
    const rest = chunk.subarray(pos);
    this.split = rest.length < FRAME_HEADER_SIZE ? Buffer.from(rest) : Buffer.allocUnsafe(FRAME_HEADER_SIZE + this.lengthAt(rest, 0));
    if (rest.length >= FRAME_HEADER_SIZE) rest.copy(this.split);
    this.splitFilled = rest.length;
  }

  /** Whether a frame is partly read: the connection ends in the middle of one. */
  get inFrame(): boolean {
    return this.split !== undefined;
  }

  private lengthAt(bytes: Buffer, pos: number): number {
    const length = bytes.readUIntBE(pos, 3);
    if (length > this.maxFrameSize) throw new Http2Error(ErrorCode.FRAME_SIZE_ERROR, `a frame of ${length} bytes is larger than the ${this.maxFrameSize} allowed`);
    return length;
  }

  private deliver(bytes: Buffer, pos: number, onFrame: FrameCallback): void {
    const end = pos + FRAME_HEADER_SIZE + bytes.readUIntBE(pos, 3);
    onFrame(bytes[pos + 3]!, bytes[pos + 4]!, bytes.readUInt32BE(pos + 5) & 0x7fffffff, bytes.subarray(pos + FRAME_HEADER_SIZE, end));
  }
}
