import { connect as connectTcp, type Socket } from "node:net";
import { connect as connectTls, type ConnectionOptions as TlsOptions } from "node:tls";
import type { OutgoingHttpHeaders } from "node:http2";
import { ClientConnection, type ClientStream } from "@tsgrpc/http2";
import type { CallConnection, CallStream, CallStreamEvents } from "./call-stream.js";

/** "host:port" or "[v6]:port" as a host and a port. */
function hostAndPort(target: string): { host: string; port: number } {
  const colon = target.lastIndexOf(":");
  return { host: target.slice(0, colon).replace(/^\[|\]$/g, ""), port: Number(target.slice(colon + 1)) };
}

/** A channel connection on tsgrpc's own HTTP/2 engine: TCP (h2c with prior knowledge) or TLS with ALPN h2. */
export function connectEngine(target: string, tls: TlsOptions | undefined): Promise<CallConnection> {
  const { host, port } = hostAndPort(target);
  return new Promise((resolve, reject) => {
    const socket: Socket = tls
      ? connectTls({ host, port, servername: /^[\d.]+$|:/.test(host) ? undefined : host, ...tls, ALPNProtocols: ["h2"] })
      : connectTcp({ host, port });
    const fail = (e: Error) => {
      socket.destroy();
      reject(e);
    };
    socket.once("error", fail);
    socket.once(tls ? "secureConnect" : "connect", () => {
      if (tls && (socket as import("node:tls").TLSSocket).alpnProtocol !== "h2") return fail(new Error(`${target} did not agree to HTTP/2 (ALPN h2)`));
      socket.off("error", fail);
      resolve(new EngineCallConnection(new ClientConnection(socket), target));
    });
  });
}

class EngineCallConnection implements CallConnection {
  private gone: (() => void) | undefined;

  constructor(
    private readonly connection: ClientConnection,
    /** The :authority of every request. */
    private readonly authority: string,
  ) {
    connection.onClose = () => this.gone?.();
    connection.onServerGoaway = () => this.gone?.();
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
      (code) => events.onClose(code, this.connection.isClosed),
    );
    return new EngineCallStream(stream);
  }

  ref(): void {
    this.connection.socket.ref();
  }

  unref(): void {
    this.connection.socket.unref();
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
