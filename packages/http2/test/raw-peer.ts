import { connect, createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { CLIENT_PREFACE } from "../src/frame.js";
import { FrameParser } from "../src/frame-parser.js";
import { HpackDecoder } from "../src/hpack/decoder.js";
import { HpackEncoder } from "../src/hpack/encoder.js";
import { ServerConnection, type ServerConnectionOptions } from "../src/server-connection.js";
import type { ServerStream } from "../src/server-stream.js";
import { frame, type Frame } from "@tsgrpc/testing";

export { frame, type Frame };

export const u32 = (...values: number[]) => Buffer.concat(values.map((v) => { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; }));
export const setting = (id: number, value: number) => { const b = Buffer.alloc(6); b.writeUInt16BE(id); b.writeUInt32BE(value >>> 0, 2); return b; };

/** An engine server whose streams answer with `respond`, or echo the request body by default. */
export async function engineServer(options: ServerConnectionOptions = {}, respond?: (stream: ServerStream) => void): Promise<{ port: number; server: Server; connections: ServerConnection[]; streams: ServerStream[]; close(): Promise<void> }> {
  const connections: ServerConnection[] = [];
  const streams: ServerStream[] = [];
  const server = createServer((socket) => {
    connections.push(new ServerConnection(socket, (stream) => {
      streams.push(stream);
      if (respond) return respond(stream);
      const body: Buffer[] = [];
      stream.read((c) => body.push(Buffer.from(c)), () => {
        stream.respond({ ":status": 200, "x-path": String(stream.headers[":path"]) });
        stream.end(Buffer.concat(body), { "x-done": "1" });
      }, () => {});
    }, options));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    server,
    connections,
    streams,
    close: async () => {
      for (const c of connections) c.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A client that speaks raw frames: it sends what a test writes and records every frame the server sends. */
/**
 * Waits until `condition()` holds, checking every few milliseconds, at most `ms` (then throws, naming `what`): for a
 * state that no event announces.
 */
export async function waitUntil(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const POLL_MS = 5;
  for (let polls = Math.ceil(ms / POLL_MS); !condition(); polls--) {
    if (polls <= 0) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export class RawPeer {
  readonly frames: Frame[] = [];
  readonly encoder = new HpackEncoder();
  readonly decoder = new HpackDecoder();
  closed = false;
  private readonly parser = new FrameParser(1 << 24);
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.parser.push(chunk, (type, flags, streamId, payload) => this.frames.push({ type, flags, streamId, payload: Buffer.from(payload) }));
      this.wake();
    });
    socket.on("close", () => {
      this.closed = true;
      this.wake();
    });
    socket.on("error", () => {});
  }

  /** Connects, sends the preface and an empty SETTINGS (unless `handshake` is false). */
  static async connect(port: number, handshake = true, settings: Buffer[] = []): Promise<RawPeer> {
    const socket = connect(port, "127.0.0.1");
    await new Promise((r) => socket.once("connect", r));
    const peer = new RawPeer(socket);
    if (handshake) peer.send(CLIENT_PREFACE, frame(4, 0, 0, Buffer.concat(settings)), frame(4, 1, 0));
    return peer;
  }

  send(...bytes: Uint8Array[]): void {
    if (!this.socket.destroyed) this.socket.write(Buffer.concat(bytes));
  }

  /** A request's HEADERS frame. */
  headers(streamId: number, fields: string[], flags = 0x4 | 0x1): Buffer {
    return frame(1, flags, streamId, this.encoder.encode(fields));
  }

  request(streamId: number, path = "/echo", extra: string[] = []): string[] {
    return [":method", "POST", ":scheme", "http", ":path", path, ":authority", "localhost", ...extra];
  }

  /** Waits until a frame matching `match` has arrived (or the connection closed); returns it. */
  async next(match: (f: Frame) => boolean, ms = 5000): Promise<Frame | undefined> {
    const end = Date.now() + ms;
    for (;;) {
      const found = this.frames.find(match);
      if (found || this.closed) return found;
      if (Date.now() > end) throw new Error(`no matching frame within ${ms} ms; got ${this.frames.map((f) => f.type).join(",")}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** The GOAWAY the server sent, waiting for it: its last stream id and error code. */
  async goaway(ms = 5000): Promise<{ lastStreamId: number; code: number; debug: string } | undefined> {
    const f = await this.next((f) => f.type === 7, ms);
    return f && { lastStreamId: f.payload.readUInt32BE(0), code: f.payload.readUInt32BE(4), debug: f.payload.subarray(8).toString() };
  }

  async rst(streamId: number, ms = 5000): Promise<number | undefined> {
    const f = await this.next((f) => f.type === 3 && f.streamId === streamId, ms);
    return f?.payload.readUInt32BE(0);
  }

  /** The header fields of the HEADERS frames on a stream, decoded in arrival order. */
  decodedHeaders(streamId: number): string[][] {
    return this.frames.filter((f) => f.type === 1).map((f) => ({ f, fields: this.decodeOnce(f) })).filter(({ f }) => f.streamId === streamId).map(({ fields }) => fields);
  }

  private readonly decoded = new Map<Frame, string[]>();
  private decodeOnce(f: Frame): string[] {
    // Every HEADERS frame must be decoded once, in order, to keep the HPACK table in step.
    for (const g of this.frames) {
      if (g.type !== 1 || this.decoded.has(g)) continue;
      this.decoded.set(g, this.decoder.decode(g.payload, 1 << 20).fields);
      if (g === f) break;
    }
    return this.decoded.get(f)!;
  }

  private pings = 0;
  /**
   * Sends a PING and waits for its ACK. The server handles frames in order and writes frames in order, so once the
   * ACK is here, all it sent in answer to what came before the PING is here too: "it sent nothing more" is checkable
   * without a sleep.
   */
  async roundTrip(ms = 5000): Promise<void> {
    const payload = Buffer.from(`rtt${String(++this.pings).padStart(5, "0")}`);
    this.send(frame(6, 0, 0, payload));
    const ack = await this.next((f) => f.type === 6 && (f.flags & 1) !== 0 && f.payload.equals(payload), ms);
    if (!ack) throw new Error("the connection closed before the PING's ACK");
  }

  data(streamId: number): Buffer {
    return Buffer.concat(this.frames.filter((f) => f.type === 0 && f.streamId === streamId).map((f) => f.payload));
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
