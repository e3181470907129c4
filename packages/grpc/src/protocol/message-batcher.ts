import { type MessageType } from "@tsgrpc/protobuf";
import { BinaryWriter } from "@tsgrpc/protobuf/codegen-support";
import { compress, type Encoding } from "./compression.js";
import { isExempt } from "./compressed-flag.js";
import { checkSendSize, HEADER_SIZE, writeEnvelopeHeader } from "./envelope.js";
import { PreparedMessage } from "./prepared-message.js";

/** Where a stream of response bytes goes, with the sender's side of backpressure. */
export interface ByteSink {
  write(bytes: Uint8Array): void;
  /** True while the buffer is over its high-water mark: wait for `drained()` before writing more. */
  readonly needsDrain: boolean;
  /** Settles when the buffer drains, or when the exchange closes. */
  drained(): Promise<void>;
  readonly closed: boolean;
}

/** Envelopes are gathered into chunks of about this size (the default HTTP/2 frame size is 16 KiB). */
const CHUNK_SIZE = 16 * 1024;
/** Room for the message that takes a chunk past CHUNK_SIZE; larger ones grow the buffer. */
const CHUNK_MARGIN = 1024;
const SMALL_BUFFER = 2048;
/**
 * A handler that streams without awaiting anything (a generator over data in memory, to a peer that reads as fast)
 * gives the event loop a turn after this long, so that other calls, cancellations and deadlines are served.
 */
const SLICE_MS = 5;

/**
 * Writes a stream of messages the way a handler produces them: each message is encoded straight into a shared chunk
 * behind its 5-byte envelope header, and the chunk is one stream write when it is full, at the end of the tick, or on
 * `flush()` (before the trailers), instead of an allocation, a copy and a write per message. Backpressure: while the
 * sink's buffer is over its high-water mark, `write` returns a promise that settles when the stream drains (and after
 * SLICE_MS without a wait, one that settles on the next turn of the event loop).
 */
export class MessageBatcher {
  /** Small at first (a call may send one message a minute); chunks of a busy stream get a large buffer. */
  private readonly writer = new BinaryWriter(SMALL_BUFFER);
  private scheduled = false;
  /** When the writer last let the event loop run (checked as each full chunk goes out). */
  private sliceStart = performance.now();
  private readonly flushSoon = () => {
    this.scheduled = false;
    this.flush();
  };

  constructor(
    private readonly sink: ByteSink,
    private readonly maxMessageSize: number,
    /** Called before the first bytes go out (to send the response headers). */
    private readonly beforeFirstWrite: () => void,
  ) {}

  write<T extends object>(type: MessageType<T>, message: T | PreparedMessage<T>, encoding: Encoding): Promise<void> | undefined {
    const w = this.writer;
    if (message instanceof PreparedMessage) {
      w.raw(message.envelope(type, encoding, this.maxMessageSize));
    } else {
      const compressed = encoding !== "identity" && !isExempt(message);
      const start = w.pos;
      w.ensure(HEADER_SIZE);
      w.pos += HEADER_SIZE;
      try {
        if (compressed) {
          const data = type.encode(message);
          checkSendSize(data.length, this.maxMessageSize);
          w.raw(compress(encoding, data));
        } else {
          type.encodeTo(message, w);
          checkSendSize(w.pos - start - HEADER_SIZE, this.maxMessageSize);
        }
      } catch (e) {
        w.pos = start; // nothing of a message that could not be sent
        throw e;
      }
      writeEnvelopeHeader(w.buf, start, w.pos - start - HEADER_SIZE, compressed);
    }
    let yieldNow = false;
    if (w.pos >= CHUNK_SIZE) {
      this.flush();
      yieldNow = performance.now() - this.sliceStart > SLICE_MS;
    } else if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.flushSoon);
    }
    // Asked of the sink each time (not remembered from a refused write): one drain answers every refusal before it.
    if (this.sink.needsDrain) return this.wait(this.sink.drained());
    return yieldNow ? this.wait(new Promise((resolve) => setImmediate(resolve))) : undefined;
  }

  private wait(settled: Promise<void>): Promise<void> {
    return settled.then(() => {
      this.sliceStart = performance.now();
    });
  }

  /** Writes what is gathered now. */
  flush(): void {
    if (this.writer.pos === 0) return;
    // After a full chunk, the writer goes on in the rest of its buffer only if a whole chunk fits there (so that it
    // never grows by copying mid-chunk), else in a buffer for several chunks; after a small write, in a small buffer.
    const full = this.writer.pos >= CHUNK_SIZE;
    const bytes = full ? this.writer.take(CHUNK_SIZE + CHUNK_MARGIN, CHUNK_SIZE * 4) : this.writer.take(CHUNK_MARGIN, SMALL_BUFFER);
    this.beforeFirstWrite();
    if (!this.sink.closed) this.sink.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  }
}
