/**
 * `server.address` and `server.port` as the gRPC semantic conventions read them: from a client's canonical target
 * (`dns:///host:port`, `unix:///path`; anything else as a whole, with no port), or from a server's `:authority`.
 */
export function fromTarget(target: string): { address: string; port?: number } {
  const dns = /^dns:(?:\/\/[^/]*\/)?(.+)$/i.exec(target);
  if (dns) return fromAuthority(dns[1]!);
  const unix = /^unix:(?:\/\/)?(\/.*)$/i.exec(target) ?? /^unix:(.+)$/i.exec(target);
  if (unix) return { address: unix[1]! };
  return { address: target };
}

export function fromAuthority(authority: string): { address: string; port?: number } {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(authority);
  if (!m) return { address: authority };
  const address = m[1]!.replace(/^\[|\]$/g, "");
  return m[2] === undefined ? { address } : { address, port: Number(m[2]) };
}
