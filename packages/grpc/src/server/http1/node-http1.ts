import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Http1Listener } from "./http1-listener.js";

/**
 * HTTP/1.1 by node:http (the server's `http1Engine: "node"`): the listener's connections handed to a node:http
 * server that does not listen itself, with the requests in progress counted per socket for a graceful shutdown.
 */
export class NodeHttp1 implements Http1Listener {
  private readonly server;
  private readonly sockets = new Map<Socket, number>(); // socket -> requests in progress
  private closing = false;

  constructor(maxHeaderSize: number, onRequest: (req: IncomingMessage, res: ServerResponse) => void) {
    this.server = createServer({ maxHeaderSize }, (req, res) => {
      const socket = req.socket;
      this.sockets.set(socket, (this.sockets.get(socket) ?? 0) + 1);
      res.on("close", () => {
        // A response closes after its socket when the client went away mid-request: the socket is gone, not re-added.
        const busy = this.sockets.get(socket);
        if (busy !== undefined) this.sockets.set(socket, busy - 1);
        if (this.closing) this.closeIdle();
      });
      if (this.closing) res.shouldKeepAlive = false;
      onRequest(req, res);
    });
  }

  get size(): number {
    return this.sockets.size;
  }

  accept(socket: Socket): void {
    this.sockets.set(socket, 0);
    socket.on("close", () => this.sockets.delete(socket));
    this.server.emit("connection", socket);
  }

  closeWhenDone(): void {
    this.closing = true;
    this.closeIdle();
  }

  destroy(): void {
    for (const socket of this.sockets.keys()) socket.destroy();
  }

  private closeIdle(): void {
    for (const [socket, busy] of this.sockets) if (busy <= 0) socket.destroySoon();
  }
}
