import { isIPv4, type Server as NetServer, type Socket } from "node:net";

/** Limits on the connections one remote address may make (ServerOptions.connectionLimits). */
export interface ConnectionLimits {
  /** New connections per second from one address (a token bucket: this many at once, refilled at this rate). */
  perAddressRate?: number;
  /** Connections one address may have open at once. */
  perAddressConcurrent?: number;
  /**
   * How many leading bits of an IPv6 address make one "address" (default 64): a host is commonly given a whole /64,
   * so counting exact addresses would let it use 2^64 of them. IPv4 addresses (and IPv4-mapped IPv6 ones) count exactly.
   */
  ipv6PrefixLength?: number;
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
  const prefixLength = limits.ipv6PrefixLength ?? 64;
  if (!Number.isInteger(prefixLength) || prefixLength < 1 || prefixLength > 128) throw new RangeError(`connectionLimits.ipv6PrefixLength must be an integer from 1 to 128, not ${prefixLength}`);
  if (rate === undefined && concurrent === undefined) return;
  const byAddress = new Map<string, Entry>();
  const sweep = (t: number) => {
    for (const [address, e] of byAddress) if (e.open === 0 && (rate === undefined || e.tokens + ((t - e.last) / 1000) * rate >= rate)) byAddress.delete(address);
  };
  // Before the server's own listener (sniffing, TLS): a refused connection is not looked at.
  server.prependListener("connection", (socket: Socket) => {
    const address = addressKey(socket.remoteAddress ?? "", prefixLength);
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

/**
 * The key connections are counted under: an IPv4 address as it is (also when IPv4-mapped, `::ffff:a.b.c.d`), an IPv6
 * address as its first `prefixLength` bits (`2001:db8:0:0::/64`), anything unparsable as it is.
 */
export function addressKey(address: string, prefixLength: number): string {
  if (isIPv4(address)) return address;
  const groups = ipv6Groups(address);
  if (groups === undefined) return address;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `${groups[6]! >> 8}.${groups[6]! & 255}.${groups[7]! >> 8}.${groups[7]! & 255}`;
  const kept = groups.map((g, i) => {
    const bits = Math.min(16, Math.max(0, prefixLength - 16 * i));
    return bits === 0 ? 0 : g & (0xffff << (16 - bits)) & 0xffff;
  });
  return `${kept.map((g) => g.toString(16)).join(":")}/${prefixLength}`;
}

/** The eight 16-bit groups of an IPv6 address (zone dropped, `::` expanded, a trailing dotted quad read), or undefined. */
function ipv6Groups(address: string): number[] | undefined {
  const text = address.replace(/%.*$/, "");
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const parse = (half: string): number[] | undefined => {
    if (half === "") return [];
    const out: number[] = [];
    for (const part of half.split(":")) {
      if (isIPv4(part)) {
        const [a, b, c, d] = part.split(".").map(Number) as [number, number, number, number];
        out.push((a << 8) | b, (c << 8) | d);
      } else if (/^[0-9a-f]{1,4}$/i.test(part)) out.push(parseInt(part, 16));
      else return undefined;
    }
    return out;
  };
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}
