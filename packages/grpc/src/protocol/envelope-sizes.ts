import { HEADER_SIZE } from "./envelope.js";

/**
 * Finds the messages in a byte stream of envelopes, chunked anyhow, and reports each one's payload size (as sent:
 * compressed, without its 5-byte prefix) as soon as its prefix is complete. It keeps nothing of the payloads.
 */
export class EnvelopeSizes {
  /** Payload bytes of the current message still to skip. */
  private skip = 0;
  /** Bytes of a prefix split across chunks. */
  private readonly prefix = new Uint8Array(HEADER_SIZE);
  private prefixLength = 0;

  constructor(private readonly onMessage: (payloadBytes: number) => void) {}

  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      this.prefix[this.prefixLength++] = chunk[i++]!;
      if (this.prefixLength < HEADER_SIZE) continue;
      const p = this.prefix;
      const length = ((p[1]! << 24) >>> 0) + (p[2]! << 16) + (p[3]! << 8) + p[4]!;
      this.prefixLength = 0;
      this.skip = length;
      this.onMessage(length);
    }
  }
}
