import type { Address } from "./address.js";
import type { Resolution, Resolver, ResolverFactory } from "./resolver.js";
import { DEFAULT_PORT, parseIpList, parseSocketPath, type ParsedTarget } from "./target.js";

/** A resolver whose answer is written in the target itself. */
function fixed(addresses: Address[]): Resolver {
  const resolution: Promise<Resolution> = Promise.resolve({ addresses });
  return { resolve: () => resolution };
}

/** `ipv4:addr[:port][,addr[:port]...]` and `ipv6:addr` or `ipv6:[addr]:port,...`: the listed addresses. */
function ipFactory(scheme: "ipv4" | "ipv6"): ResolverFactory {
  return {
    scheme,
    create: (target: ParsedTarget) => fixed(parseIpList(target.target, scheme, target.endpoint)),
    // The first address, as the authority calls carry (gRPC's clients do the same with a list).
    defaultAuthority(target: ParsedTarget): string {
      const first = parseIpList(target.target, scheme, target.endpoint)[0] as { host: string; port: number };
      const host = first.host.includes(":") ? `[${first.host}]` : first.host;
      return first.port === DEFAULT_PORT ? host : `${host}:${first.port}`;
    },
  };
}

/** `unix:path`, `unix:///absolute/path`, `unix-abstract:name`: one socket, and "localhost" as the authority. */
function socketFactory(scheme: "unix" | "unix-abstract"): ResolverFactory {
  return {
    scheme,
    create: (target: ParsedTarget) => fixed([parseSocketPath(target.target, target)]),
    defaultAuthority: () => "localhost",
  };
}

export const staticResolverFactories: ResolverFactory[] = [ipFactory("ipv4"), ipFactory("ipv6"), socketFactory("unix"), socketFactory("unix-abstract")];
