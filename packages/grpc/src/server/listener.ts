import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import { createServer as createTlsServer, type TLSSocket, type TlsOptions } from "node:tls";
import { protocolOf } from "./first-bytes.js";

/** Where each accepted connection goes, by the protocol it speaks. */
export interface ConnectionHandlers {
  http2(socket: Socket): void;
  http1(socket: Socket): void;
}

/** A connection that has not said which protocol it speaks by then is closed. */
const SNIFF_TIMEOUT_MS = 10_000;

/**
 * One listening socket for every protocol the server speaks. With TLS, ALPN decides: `h2` is HTTP/2, anything else
 * HTTP/1.1. Without TLS, the first bytes decide (first-bytes.ts): an HTTP/1.x request line (a browser's gRPC-Web call, a
 * page, a probe) goes to HTTP/1.1, anything else to HTTP/2. The bytes read to decide are handed on with the connection.
 */
export function createListener(tls: TlsOptions | undefined, handlers: ConnectionHandlers): NetServer {
  if (tls) {
    return createTlsServer({ ...tls, ALPNProtocols: ["h2", "http/1.1"] }, (socket: TLSSocket) => {
      if (socket.alpnProtocol === "h2") handlers.http2(socket);
      else handlers.http1(socket);
    });
  }
  return createNetServer({ noDelay: true }, (socket) => sniff(socket, handlers));
}

function sniff(socket: Socket, handlers: ConnectionHandlers): void {
  let seen: Buffer = Buffer.alloc(0);
  const timer = setTimeout(() => socket.destroy(), SNIFF_TIMEOUT_MS);
  const onData = (chunk: Buffer) => {
    seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
    const protocol = protocolOf(seen);
    if (protocol === undefined) return; // not yet known
    clearTimeout(timer);
    socket.off("data", onData);
    socket.off("close", onClose);
    socket.pause();
    if (protocol === "http2") {
      socket.unshift(seen); // node:http2 reads what is buffered on the socket before its own reads
      handlers.http2(socket);
    } else {
      // node:http reads the socket's handle directly once it has it: the bytes already read are given to it as data.
      handlers.http1(socket);
      socket.emit("data", seen);
      socket.resume();
    }
  };
  const onClose = () => clearTimeout(timer);
  socket.on("data", onData);
  socket.on("close", onClose);
  socket.on("error", () => {});
}
