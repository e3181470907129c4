import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { FrameParser, HpackEncoder } from "@tsgrpc/http2";
import { frame, type Frame } from "@tsgrpc/testing";

// An HTTP/2 peer that speaks raw frames, as either end: a test sends what it likes (wrong included) and reads every
// frame the other side sent (frames built by @tsgrpc/testing, as the engine's own test peer builds them).

export const DATA = 0, HEADERS = 1, SETTINGS = 4, PING = 6, GOAWAY = 7;
export const END_STREAM = 0x1, ACK = 0x1, END_HEADERS = 0x4;
const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

export { frame, type Frame };

export function goawayFrame(lastStreamId: number, code: number, debug = ""): Buffer {
  const payload = Buffer.alloc(8);
  payload.writeUInt32BE(lastStreamId, 0);
  payload.writeUInt32BE(code, 4);
  return frame(GOAWAY, 0, 0, Buffer.concat([payload, Buffer.from(debug)]));
}

export function readGoaway(f: Frame): { lastStreamId: number; code: number; debug: string } {
  return { lastStreamId: f.payload.readUInt32BE(0), code: f.payload.readUInt32BE(4), debug: f.payload.subarray(8).toString() };
}

export class RawHttp2 {
  readonly frames: Frame[] = [];
  readonly encoder = new HpackEncoder();
  closed = false;
  private readonly parser = new FrameParser(1 << 24);
  private waiters: (() => void)[] = [];
  /** Called on every frame as it arrives (a peer's behaviour). */
  onFrame: ((f: Frame) => void) | undefined;

  /** `prefaceToSkip`: a server's peer first reads the client preface. */
  constructor(readonly socket: Socket, private prefaceToSkip = 0) {
    socket.on("data", (chunk: Buffer) => {
      const skip = Math.min(this.prefaceToSkip, chunk.length);
      this.prefaceToSkip -= skip;
      this.parser.push(chunk.subarray(skip), (type, flags, streamId, payload) => {
        const f = { type, flags, streamId, payload: Buffer.from(payload) };
        this.frames.push(f);
        this.onFrame?.(f);
      });
      this.wake();
    });
    socket.on("close", () => {
      this.closed = true;
      this.wake();
    });
    socket.on("error", () => {});
  }

  /** A client: connects, sends the preface and an empty SETTINGS, and acknowledges the server's. */
  static async client(port: number): Promise<RawHttp2> {
    const socket = connect(port, "127.0.0.1");
    await new Promise((r) => socket.once("connect", r));
    const peer = new RawHttp2(socket);
    peer.send(PREFACE, frame(SETTINGS, 0, 0), frame(SETTINGS, ACK, 0));
    return peer;
  }

  send(...bytes: Uint8Array[]): void {
    if (!this.socket.destroyed) this.socket.write(Buffer.concat(bytes));
  }

  /** Waits for a frame matching `match` (at most `ms`), or the connection's end: returns it, or undefined. */
  async next(match: (f: Frame) => boolean, ms = 5000): Promise<Frame | undefined> {
    const end = Date.now() + ms;
    for (;;) {
      const found = this.frames.find(match);
      if (found || this.closed) return found;
      if (Date.now() > end) throw new Error(`no matching frame within ${ms} ms; got types ${this.frames.map((f) => f.type).join(",")}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** A gRPC response on `streamId`: headers, one message (already encoded), trailers with grpc-status 0. */
  grpcResponse(streamId: number, message: Uint8Array = new Uint8Array(0)): Buffer {
    const envelope = Buffer.alloc(5 + message.length);
    envelope.writeUInt32BE(message.length, 1);
    envelope.set(message, 5);
    return Buffer.concat([
      frame(HEADERS, END_HEADERS, streamId, this.encoder.encode([":status", "200", "content-type", "application/grpc"])),
      frame(DATA, 0, streamId, envelope),
      frame(HEADERS, END_HEADERS | END_STREAM, streamId, this.encoder.encode(["grpc-status", "0"])),
    ]);
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** A server whose every connection gets a RawHttp2 peer (after the client preface), handed to `onPeer`. */
export async function rawHttp2Server(onPeer: (peer: RawHttp2) => void): Promise<{ port: number; peers: RawHttp2[]; close(): Promise<void> }> {
  const peers: RawHttp2[] = [];
  const server: Server = createServer((socket) => {
    const peer = new RawHttp2(socket, PREFACE.length);
    peers.push(peer);
    onPeer(peer);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    peers,
    close: async () => {
      for (const p of peers) p.close();
      await new Promise((r) => server.close(r));
    },
  };
}
