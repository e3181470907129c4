import type { Writable } from "node:stream";
import { compress, type Encoding } from "./compression.js";
import { isExempt } from "./compressed-flag.js";
import { HEADER_SIZE, writeEnvelopeHeader } from "./envelope.js";

/** One encoded message as it goes on the wire: compressed unless the encoding is identity or the message is exempt. */
export function envelopeFor(message: object, data: Uint8Array, encoding: Encoding): Buffer {
  const compressed = encoding !== "identity" && !isExempt(message);
  return envelope(compressed ? compress(encoding, data) : data, compressed);
}

/** The envelope as a Buffer (node:http2 would otherwise copy a Uint8Array into one). */
function envelope(data: Uint8Array, compressed: boolean): Buffer {
  const out = Buffer.allocUnsafe(HEADER_SIZE + data.length);
  writeEnvelopeHeader(out, 0, data.length, compressed);
  out.set(data, HEADER_SIZE);
  return out;
}

/** Settles when the stream's write buffer drains, or when it closes. */
export function waitForDrain(stream: Writable): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
  });
}
