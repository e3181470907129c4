import { connect, type ClientHttp2Session, type ClientHttp2Stream, type OutgoingHttpHeaders, type SecureClientSessionOptions } from "node:http2";
import { connect as connectTcp } from "node:net";
import { connect as connectTls } from "node:tls";
import { waitForDrain } from "../protocol/write-message.js";
import { serverNameOf } from "./engine-call-connection.js";
import type { Address } from "./resolver/address.js";
import type { CallConnection, CallStream, CallStreamEvents } from "./call-stream.js";
import { KeepalivePinger, type ChannelKeepalive } from "./keepalive.js";
import type { CallCounts } from "../stats/call-counts.js";

/**
 * A channel connection on node:http2 to one address (TCP or a unix socket), with `authority` on every request and
 * the channel's `keepalive` (gRFC A8).
 */
export function connectNode(address: Address, authority: string, tls: SecureClientSessionOptions | undefined, keepalive: ChannelKeepalive): Promise<CallConnection> {
  return new Promise((resolve, reject) => {
    const socket = () => (tls ? connectTls({ ...address, servername: serverNameOf(authority), ...tls, ALPNProtocols: ["h2"] }) : connectTcp(address));
    const session = connect(`${tls ? "https" : "http"}://${authority}`, { ...tls, settings: { enablePush: false }, createConnection: socket });
    const fail = (e: Error) => {
      session.destroy();
      reject(e);
    };
    session.once("error", fail);
    session.once("connect", () => {
      session.off("error", fail);
      session.on("error", () => {});
      resolve(new NodeCallConnection(session, keepalive));
    });
  });
}

class NodeCallConnection implements CallConnection {
  subchannelCalls: CallCounts | undefined = undefined;
  private readonly keepalive: KeepalivePinger;
  /** Why the session was closed, when we closed it (keepalive). */
  private failure: Error | undefined;

  constructor(private readonly session: ClientHttp2Session, keepalive: ChannelKeepalive) {
    session.unref(); // idle until a call starts
    const ping = (onAck: () => void) => session.ping((error) => !error && onAck());
    this.keepalive = new KeepalivePinger(keepalive, ping, (error) => {
      this.failure = error;
      session.destroy();
    });
    session.on("goaway", (code: number, _lastStreamId: number, debug?: Buffer) => this.keepalive.serverGoaway(code, debug?.toString("latin1") ?? ""));
    session.once("close", () => this.keepalive.stop());
  }

  get usable(): boolean {
    return !this.session.closed && !this.session.destroyed;
  }

  open(headers: OutgoingHttpHeaders, events: CallStreamEvents): CallStream {
    const stream = this.session.request(headers, { endStream: false });
    stream.on("response", (h) => events.onResponse(h));
    stream.on("data", (chunk: Buffer) => events.onData(chunk));
    stream.on("trailers", (t) => events.onTrailers(t));
    stream.on("error", () => {});
    stream.on("close", () => {
      const session = stream.session;
      events.onClose(stream.rstCode, session === undefined || session.destroyed || session.closed, this.failure);
    });
    return new NodeCallStream(stream);
  }

  private calls = 0;

  callStarted(): void {
    if (this.calls++ === 0) this.session.ref();
    this.keepalive.callStarted();
  }

  callEnded(): void {
    if (--this.calls === 0 && !this.session.destroyed) this.session.unref();
    this.keepalive.callEnded();
  }

  close(): void {
    this.session.close();
  }

  onGone(callback: () => void): void {
    let called = false;
    const once = () => !called && ((called = true), callback());
    this.session.once("goaway", once);
    this.session.once("close", once);
  }
}

class NodeCallStream implements CallStream {
  constructor(private readonly stream: ClientHttp2Stream) {}

  write(bytes: Uint8Array): boolean {
    return this.stream.write(bytes);
  }

  drained(): Promise<void> {
    return waitForDrain(this.stream);
  }

  end(): void {
    this.stream.end();
  }

  get writableEnded(): boolean {
    return this.stream.writableEnded;
  }

  get destroyed(): boolean {
    return this.stream.destroyed;
  }

  close(code: number): void {
    if (!this.stream.destroyed) this.stream.close(code);
  }

  pause(): void {
    this.stream.pause();
  }

  resume(): void {
    this.stream.resume();
  }
}
