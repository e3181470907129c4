import type { Server as NetServer, Socket } from "node:net";

/** Limits on the connections one remote address may make (ServerOptions.connectionLimits). */
export interface ConnectionLimits {
  /** New connections per second from one address (a token bucket: this many at once, refilled at this rate). */
  perAddressRate?: number;
  /** Connections one address may have open at once. */
  perAddressConcurrent?: number;
}

interface Entry {
  open: number;
  tokens: number;
  last: number;
}

/** Above this many addresses tracked, those with nothing open and a full bucket are forgotten. */
const SWEEP_AT = 10_000;

/**
 * Per-remote-address admission for a listening socket: a connection over either limit is destroyed as it is accepted,
 * before a byte of it is read (before TLS, too). An attacker that reconnects in a loop (rapid reset, floods on fresh
 * connections) then costs the server an accept and a close, not a handshake and a connection's budgets.
 */
export function limitConnections(server: NetServer, limits: ConnectionLimits, now: () => number = () => performance.now()): void {
  const rate = limits.perAddressRate;
  const concurrent = limits.perAddressConcurrent;
  if (rate === undefined && concurrent === undefined) return;
  const byAddress = new Map<string, Entry>();
  const sweep = (t: number) => {
    for (const [address, e] of byAddress) if (e.open === 0 && (rate === undefined || e.tokens + ((t - e.last) / 1000) * rate >= rate)) byAddress.delete(address);
  };
  // Before the server's own listener (sniffing, TLS): a refused connection is not looked at.
  server.prependListener("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "";
    const t = now();
    let e = byAddress.get(address);
    if (!e) {
      if (byAddress.size >= SWEEP_AT) sweep(t);
      e = { open: 0, tokens: rate ?? 0, last: t };
      byAddress.set(address, e);
    }
    if (rate !== undefined) {
      e.tokens = Math.min(rate, e.tokens + ((t - e.last) / 1000) * rate);
      e.last = t;
    }
    if ((concurrent !== undefined && e.open >= concurrent) || (rate !== undefined && e.tokens < 1)) {
      socket.destroy();
      return;
    }
    if (rate !== undefined) e.tokens--;
    e.open++;
    const entry = e;
    socket.once("close", () => {
      entry.open--;
    });
  });
}
