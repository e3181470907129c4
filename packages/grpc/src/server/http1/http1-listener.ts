import type { Socket } from "node:net";

/** Where the listener's HTTP/1.1 connections go: tsgrpc's engine, or node:http. */
export interface Http1Listener {
  /** Open connections. */
  readonly size: number;
  accept(socket: Socket): void;
  /** Shutdown: each connection closes once its request in progress (if any) is answered. */
  closeWhenDone(): void;
  destroy(): void;
}
