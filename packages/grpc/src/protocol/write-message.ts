import type { Http2Stream } from "node:http2";
import { compress, type Encoding } from "./compression.js";
import { isExempt } from "./compressed-flag.js";
import { encodeEnvelope } from "./envelope.js";

/**
 * Writes one encoded message as a length-prefixed envelope, compressed unless the encoding is identity or the message
 * was exempted, and waits while the stream's buffer is full (or until it closes): the sender's side of backpressure.
 */
export async function writeMessage(stream: Http2Stream, message: object, data: Uint8Array, encoding: Encoding): Promise<void> {
  const compressed = encoding !== "identity" && !isExempt(message);
  if (stream.write(encodeEnvelope(compressed ? compress(encoding, data) : data, compressed))) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
  });
}
