import { connect as connectTcp, isIP, type Socket } from "node:net";
import { connect as connectTls, type ConnectionOptions as TlsOptions } from "node:tls";
import type { OutgoingHttpHeaders } from "node:http2";
import { ClientConnection, type ClientStream } from "@tsgrpc/http2";
import type { CallConnection, CallStream, CallStreamEvents } from "./call-stream.js";
import { KeepalivePinger, type ChannelKeepalive } from "./keepalive.js";
import { describeAddress, type Address } from "./resolver/address.js";
import type { CallCounts } from "../stats/call-counts.js";

/** The TLS server name (SNI) for an authority: its host, unless that is an IP address (SNI carries names only). */
export function serverNameOf(authority: string): string | undefined {
  const host = authority.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  return isIP(host) ? undefined : host;
}

/**
 * A channel connection on tsgrpc's own HTTP/2 engine to one address: TCP or a unix socket, in h2c with prior
 * knowledge or TLS with ALPN h2 (the certificate checked against the authority's host). `authority` is the
 * `:authority` of every request; `keepalive`, the channel's (gRFC A8).
 */
export function connectEngine(address: Address, authority: string, tls: TlsOptions | undefined, keepalive: ChannelKeepalive): Promise<CallConnection> {
  const target = describeAddress(address);
  return new Promise((resolve, reject) => {
    const socket: Socket = tls ? connectTls({ ...address, servername: serverNameOf(authority), ...tls, ALPNProtocols: ["h2"] }) : connectTcp(address);
    const fail = (e: Error) => {
      socket.destroy();
      reject(e);
    };
    socket.once("error", fail);
    socket.once(tls ? "secureConnect" : "connect", () => {
      if (tls && (socket as import("node:tls").TLSSocket).alpnProtocol !== "h2") return fail(new Error(`${target} did not agree to HTTP/2 (ALPN h2)`));
      socket.off("error", fail);
      // Listens before the connection does, so that the reason is known when the connection fails on these bytes.
      const answer = tls ? undefined : watchFirstAnswer(socket, target);
      resolve(new EngineCallConnection(new ClientConnection(socket), authority, keepalive, answer));
    });
  });
}

/**
 * Why a plaintext connection fails before its server says anything in HTTP/2, when the first bytes tell: a TLS record
 * where the server's preface should be (an alert or a handshake: 0x15 or 0x16, then version 3.x), or no bytes at all
 * before the server closed (what a TLS server does with our preface). The holder gets the error, with the code
 * ERR_TSGRPC_SERVER_SPEAKS_TLS or ERR_TSGRPC_NO_HTTP2_ANSWER, before the HTTP/2 connection fails on the same event.
 */
function watchFirstAnswer(socket: Socket, target: string): { error?: Error } {
  const holder: { error?: Error } = {};
  let answered = false;
  const fail = (code: string, message: string) => (holder.error = Object.assign(new Error(`${target} ${message}`), { code }));
  socket.once("data", (chunk: Buffer) => {
    answered = true;
    if ((chunk[0] === 0x15 || chunk[0] === 0x16) && chunk[1] === 0x03) fail("ERR_TSGRPC_SERVER_SPEAKS_TLS", "answered with TLS on a plaintext (h2c) connection");
  });
  socket.once("close", () => {
    if (!answered) fail("ERR_TSGRPC_NO_HTTP2_ANSWER", "closed the connection without answering in HTTP/2 (a TLS port does that to plaintext)");
  });
  return holder;
}

class EngineCallConnection implements CallConnection {
  subchannelCalls: CallCounts | undefined = undefined;
  private gone: (() => void) | undefined;
  private readonly keepalive: KeepalivePinger;

  constructor(
    private readonly connection: ClientConnection,
    /** The :authority of every request. */
    private readonly authority: string,
    keepalive: ChannelKeepalive,
    /** Why the connection failed, when that is known beyond the HTTP/2 error. */
    private readonly failure: { error?: Error } = {},
  ) {
    this.keepalive = new KeepalivePinger(keepalive, (onAck) => connection.ping(onAck), (error) => {
      // Set before the close, which fails the calls with it.
      failure.error ??= error;
      connection.destroy();
    });
    connection.onClose = () => {
      this.keepalive.stop();
      this.gone?.();
    };
    connection.onServerGoaway = (code, debug) => {
      this.keepalive.serverGoaway(code, debug);
      this.gone?.();
    };
    connection.socket.unref(); // idle until a call starts
  }

  get usable(): boolean {
    return this.connection.canRequest;
  }

  open(headers: OutgoingHttpHeaders, events: CallStreamEvents): CallStream {
    const stream = this.connection.request({ ":authority": this.authority, ...(headers as Record<string, string>) });
    stream.whenResponse((h) => events.onResponse(h));
    stream.read(
      (chunk) => events.onData(chunk),
      () => stream.responseTrailers && events.onTrailers(stream.responseTrailers),
      (code) => events.onClose(code, this.connection.isClosed, this.failure.error),
    );
    return new EngineCallStream(stream);
  }

  private calls = 0;

  callStarted(): void {
    if (this.calls++ === 0) this.connection.socket.ref();
    this.keepalive.callStarted();
  }

  callEnded(): void {
    if (--this.calls === 0) this.connection.socket.unref();
    this.keepalive.callEnded();
  }

  close(): void {
    this.connection.close();
  }

  onGone(callback: () => void): void {
    let called = false;
    this.gone = () => !called && ((called = true), callback());
  }
}

class EngineCallStream implements CallStream {
  constructor(private readonly stream: ClientStream) {}

  write(bytes: Uint8Array): boolean {
    return this.stream.write(bytes);
  }

  drained(): Promise<void> {
    return new Promise((resolve) => this.stream.drained(resolve));
  }

  end(): void {
    this.stream.end();
  }

  get writableEnded(): boolean {
    return this.stream.writableEnded;
  }

  get destroyed(): boolean {
    return this.stream.closed;
  }

  close(code: number): void {
    this.stream.reset(code);
  }

  pause(): void {
    this.stream.pause();
  }

  resume(): void {
    this.stream.resume();
  }
}
