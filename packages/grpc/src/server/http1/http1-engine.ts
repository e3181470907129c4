import type { Socket } from "node:net";
import { Http1Connection, type Http1Timeouts } from "./http1-connection.js";
import type { Http1Exchange } from "./http1-exchange.js";
import type { Http1Listener } from "./http1-listener.js";

export interface Http1EngineOptions {
  /** Largest request head, in bytes (431 past it). */
  maxHeadSize: number;
  timeouts: Http1Timeouts;
  onRequest(exchange: Http1Exchange, socket: Socket): void;
  logError(message: string, error: unknown): void;
}

/**
 * tsgrpc's own HTTP/1.1 server: the connections the listener hands it, and the timeouts that keep idle and slow
 * clients from holding them (swept by one timer, on a coarse clock, while any connection is open).
 */
export class Http1Engine implements Http1Listener {
  private readonly connections = new Set<Http1Connection>();
  private clock = Date.now();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: Http1EngineOptions) {}

  get size(): number {
    return this.connections.size;
  }

  accept(socket: Socket): void {
    const connection = new Http1Connection(socket, {
      maxHeadSize: this.options.maxHeadSize,
      onRequest: (exchange) => this.options.onRequest(exchange, socket),
      onClose: (c) => {
        this.connections.delete(c);
        if (this.connections.size === 0) this.stopSweeping();
      },
      now: () => this.clock,
      logError: this.options.logError,
    });
    this.connections.add(connection);
    this.startSweeping();
  }

  closeWhenDone(): void {
    for (const connection of this.connections) connection.closeWhenDone();
  }

  destroy(): void {
    for (const connection of this.connections) connection.socket.destroy();
  }

  private startSweeping(): void {
    if (this.sweeper) return;
    this.clock = Date.now();
    const { keepAliveMs, headersMs, stalledMs } = this.options.timeouts;
    const every = Math.max(10, Math.min(1000, Math.floor(Math.min(keepAliveMs, headersMs, stalledMs) / 4)));
    this.sweeper = setInterval(() => this.sweep(), every).unref();
  }

  private stopSweeping(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private sweep(): void {
    const now = (this.clock = Date.now());
    for (const connection of this.connections) connection.checkTimeouts(now, this.options.timeouts);
  }
}
