/** Where a subchannel connects: a TCP host (an IP address or a name) and port, or a unix socket path. */
export type Address = { readonly host: string; readonly port: number } | { readonly path: string };

function isSocketPath(address: Address): address is { readonly path: string } {
  return "path" in address;
}

/** `host:port` (`[v6]:port`), or `unix:path`: how errors and logs name an address. */
export function describeAddress(address: Address): string {
  if (isSocketPath(address)) return `unix:${address.path.replace(/^\0/, "@")}`;
  return address.host.includes(":") ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
