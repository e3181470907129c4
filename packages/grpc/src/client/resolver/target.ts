import type { Address } from "./address.js";

/**
 * A channel target split as the gRPC naming spec (grpc/grpc doc/naming.md) reads it: `scheme:[//authority/]endpoint`.
 * A target whose scheme is not one a resolver is registered for (`localhost:50051`, `[::1]:50051`, `example.com`) is a
 * `dns` target as a whole, as gRPC's clients read it.
 */
export interface ParsedTarget {
  readonly target: string;
  readonly scheme: string;
  /** The resolver's own authority (`dns://8.8.8.8/name` asks that DNS server); "" when the target gives none. */
  readonly authority: string;
  /** What the scheme's resolver resolves: `host:port`, an address list, a socket path. */
  readonly endpoint: string;
}

export class InvalidTargetError extends Error {
  constructor(target: string, reason: string) {
    super(`invalid target "${target}": ${reason}`);
    this.name = "InvalidTargetError";
  }
}

/**
 * The target in gRPC's canonical form (gRFC A66's `grpc.target`): as written when it names its scheme, else
 * `dns:///` and the target (`localhost:50051` is `dns:///localhost:50051`).
 */
export function canonicalTarget(parsed: ParsedTarget): string {
  return parsed.target.toLowerCase().startsWith(`${parsed.scheme}:`) ? parsed.target : `dns:///${parsed.target}`;
}

/** gRPC's default port when a target gives none (doc/naming.md). */
export const DEFAULT_PORT = 443;

export function parseTarget(target: string, isRegistered: (scheme: string) => boolean): ParsedTarget {
  if (target.trim() === "") throw new InvalidTargetError(target, "it is empty");
  const uri = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(target);
  if (!uri || !isRegistered(uri[1]!.toLowerCase())) return { target, scheme: "dns", authority: "", endpoint: target };
  const scheme = uri[1]!.toLowerCase();
  const rest = uri[2]!;
  if (!rest.startsWith("//")) return { target, scheme, authority: "", endpoint: rest };
  const slash = rest.indexOf("/", 2);
  if (slash < 0) throw new InvalidTargetError(target, `a target with an authority is ${scheme}://AUTHORITY/ENDPOINT`);
  return { target, scheme, authority: rest.slice(2, slash), endpoint: rest.slice(slash + 1) };
}

/** `host[:port]` or `[v6]:port` (the port defaulting to 443), checked. */
export function parseHostPort(target: string, text: string): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  let host: string;
  let port: string | undefined;
  if (bracketed) [host, port] = [bracketed[1]!, bracketed[2]];
  else if ((text.match(/:/g) ?? []).length > 1) [host, port] = [text, undefined]; // a bare IPv6 address, no port
  else [host, port] = text.includes(":") ? [text.slice(0, text.lastIndexOf(":")), text.slice(text.lastIndexOf(":") + 1)] : [text, undefined];
  if (host === "") throw new InvalidTargetError(target, `"${text}" has no host`);
  if (port === undefined || port === "") return { host, port: DEFAULT_PORT };
  const n = Number(port);
  if (!/^\d+$/.test(port) || n < 1 || n > 65535) throw new InvalidTargetError(target, `"${port}" is not a port (1 to 65535)`);
  return { host, port: n };
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The addresses of an `ipv4:` or `ipv6:` target: a comma-separated list of literal addresses with optional ports. */
export function parseIpList(target: string, scheme: "ipv4" | "ipv6", endpoint: string): Address[] {
  if (endpoint === "") throw new InvalidTargetError(target, `an ${scheme}: target lists at least one address`);
  return endpoint.split(",").map((part) => {
    const { host, port } = parseHostPort(target, part.trim());
    const ok = scheme === "ipv4" ? IPV4.test(host) : host.includes(":") && /^[0-9A-Fa-f:.]+(%.+)?$/.test(host);
    if (!ok) throw new InvalidTargetError(target, `"${host}" is not an ${scheme === "ipv4" ? "IPv4" : "IPv6"} address`);
    return { host, port };
  });
}

/** The socket of a `unix:path`, `unix:///absolute/path` or `unix-abstract:name` target. */
export function parseSocketPath(target: string, parsed: ParsedTarget): Address {
  if (parsed.scheme === "unix-abstract") {
    if (parsed.endpoint === "") throw new InvalidTargetError(target, "unix-abstract: needs a name");
    return { path: "\0" + parsed.endpoint };
  }
  if (parsed.authority !== "") throw new InvalidTargetError(target, "a unix socket target has no authority: unix:PATH or unix:///ABSOLUTE/PATH");
  // unix:///abs/path arrives as endpoint "abs/path" after the empty authority's slash; unix:path keeps its path.
  const path = /^unix:\/\//i.test(target) ? "/" + parsed.endpoint : parsed.endpoint;
  if (path === "" || path === "/") throw new InvalidTargetError(target, "unix: needs a socket path");
  return { path };
}
