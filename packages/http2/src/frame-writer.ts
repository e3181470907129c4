import { Flag, FRAME_HEADER_SIZE, FrameType } from "./frame.js";

const CHUNK_SIZE = 64 * 1024;
/**
 * A connection's first chunk: room for its SETTINGS, WINDOW_UPDATE and a GOAWAY, and small enough to be cut from
 * Buffer's shared pool. A connection that writes more goes on in 64 KiB chunks; an idle one, or one closed after a few
 * frames, holds no 64 KiB of its own. Such memory is outside V8's heap, and one 64 KiB per connection set off a full
 * collection every couple of hundred connections when a flood opened thousands (bench/attacks).
 */
const FIRST_CHUNK_SIZE = 512;
/** Payloads this large go out as their own buffer instead of being copied into the chunk. */
const COPY_LIMIT = 4096;

/**
 * Frames waiting to go out on a connection, gathered into few large buffers so that everything produced in one turn of
 * the event loop leaves in one write.
 */
export class FrameWriter {
  private chunk = Buffer.allocUnsafe(FIRST_CHUNK_SIZE);
  /** Where the bytes not yet handed to `chunks` start in `chunk`, and where writing goes on. */
  private start = 0;
  private pos = 0;
  private readonly chunks: Buffer[] = [];
  /** Bytes written since the last `take`. */
  pending = 0;

  get empty(): boolean {
    return this.pending === 0;
  }

  /** Takes everything written so far, as buffers to write in order. */
  take(): Buffer[] {
    this.seal();
    this.pending = 0;
    return this.chunks.splice(0);
  }

  header(length: number, type: FrameType, flags: number, streamId: number): void {
    this.room(FRAME_HEADER_SIZE);
    const c = this.chunk;
    const p = this.pos;
    c[p] = length >>> 16;
    c[p + 1] = (length >>> 8) & 0xff;
    c[p + 2] = length & 0xff;
    c[p + 3] = type;
    c[p + 4] = flags;
    c.writeUInt32BE(streamId, p + 5);
    this.pos = p + FRAME_HEADER_SIZE;
    this.pending += FRAME_HEADER_SIZE;
  }

  bytes(payload: Uint8Array): void {
    if (payload.length < COPY_LIMIT) return this.copy(payload, 0, payload.length);
    this.pending += payload.length;
    this.seal();
    this.chunks.push(Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.length));
  }

  uint32(value: number): void {
    this.room(4);
    this.chunk.writeUInt32BE(value >>> 0, this.pos);
    this.pos += 4;
    this.pending += 4;
  }

  uint16(value: number): void {
    this.room(2);
    this.chunk.writeUInt16BE(value, this.pos);
    this.pos += 2;
    this.pending += 2;
  }

  data(streamId: number, payload: Uint8Array, endStream: boolean): void {
    this.header(payload.length, FrameType.DATA, endStream ? Flag.END_STREAM : 0, streamId);
    if (payload.length) this.bytes(payload);
  }

  /** A header block as HEADERS and as many CONTINUATION frames as `maxFrameSize` asks for (copied: see `copy`). */
  headers(streamId: number, block: Uint8Array, endStream: boolean, maxFrameSize: number): void {
    let offset = Math.min(block.length, maxFrameSize);
    const flags = (endStream ? Flag.END_STREAM : 0) | (offset === block.length ? Flag.END_HEADERS : 0);
    this.header(offset, FrameType.HEADERS, flags, streamId);
    this.copy(block, 0, offset);
    while (offset < block.length) {
      const end = Math.min(block.length, offset + maxFrameSize);
      this.header(end - offset, FrameType.CONTINUATION, end === block.length ? Flag.END_HEADERS : 0, streamId);
      this.copy(block, offset, end);
      offset = end;
    }
  }

  /** Copies `bytes[start, end)` in, whatever its size (header blocks come from the encoder's reused buffer). */
  private copy(bytes: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.room(n);
    this.chunk.set(n === bytes.length ? bytes : bytes.subarray(start, end), this.pos);
    this.pos += n;
    this.pending += n;
  }

  settings(values: readonly (readonly [id: number, value: number])[]): void {
    this.header(values.length * 6, FrameType.SETTINGS, 0, 0);
    for (const [id, value] of values) {
      this.uint16(id);
      this.uint32(value);
    }
  }

  settingsAck(): void {
    this.header(0, FrameType.SETTINGS, Flag.ACK, 0);
  }

  ping(payload: Uint8Array, ack: boolean): void {
    this.header(8, FrameType.PING, ack ? Flag.ACK : 0, 0);
    this.bytes(payload);
  }

  rstStream(streamId: number, code: number): void {
    this.header(4, FrameType.RST_STREAM, 0, streamId);
    this.uint32(code);
  }

  windowUpdate(streamId: number, increment: number): void {
    this.header(4, FrameType.WINDOW_UPDATE, 0, streamId);
    this.uint32(increment);
  }

  goaway(lastStreamId: number, code: number, debug: string): void {
    const text = Buffer.from(debug.slice(0, 256));
    this.header(8 + text.length, FrameType.GOAWAY, 0, 0);
    this.uint32(lastStreamId);
    this.uint32(code);
    this.bytes(text);
  }

  private seal(): void {
    if (this.pos > this.start) this.chunks.push(this.chunk.subarray(this.start, this.pos));
    this.start = this.pos;
  }

  private room(n: number): void {
    if (this.pos + n <= this.chunk.length) return;
    this.seal();
    this.chunk = Buffer.allocUnsafe(Math.max(CHUNK_SIZE, n));
    this.start = this.pos = 0;
  }
}
