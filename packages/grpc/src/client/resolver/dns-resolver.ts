import { promises as dns } from "node:dns";
import { isIP } from "node:net";
import type { Address } from "./address.js";
import { selectDnsServiceConfig } from "../service-config/dns-config.js";
import type { Resolution, Resolver, ResolverFactory, ResolverOptions } from "./resolver.js";
import { parseHostPort, type ParsedTarget } from "./target.js";

/** grpc-js's `dns_min_time_between_resolutions_ms` default. */
const MIN_INTERVAL_MS = 30_000;

/**
 * `dns:[//server/]host[:port]` and bare `host:port`: every address the name has (the system's resolver, as
 * getaddrinfo sees /etc/hosts; or the DNS server the target names). An IP literal resolves to itself at once. A new
 * lookup happens at most once per minimum interval; in between the last answer is reused. With `dnsServiceConfig`,
 * the name's service config is looked up beside its addresses (a TXT record, gRFC A2).
 */
class DnsResolver implements Resolver {
  private last: { at: number; resolution: Promise<Resolution> } | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly server: string,
    private readonly minIntervalMs: number,
    private readonly withServiceConfig: boolean,
  ) {}

  /** This client's draw for the `percentage` of DNS service config choices: one per channel, as gRPC does. */
  private readonly percentile = Math.random() * 100;

  resolve(): Promise<Resolution> {
    if (isIP(this.host)) return Promise.resolve({ addresses: [{ host: this.host, port: this.port }] });
    const now = Date.now();
    if (this.last && now - this.last.at < this.minIntervalMs) return this.last.resolution;
    const resolution = Promise.all([this.lookup(), this.serviceConfig()]).then(([hosts, serviceConfig]): Resolution => {
      const addresses = hosts.map((host): Address => ({ host, port: this.port }));
      return serviceConfig === undefined ? { addresses } : { addresses, serviceConfig };
    });
    this.last = { at: now, resolution };
    // A failed lookup is not kept: the next connection attempt (after its backoff) asks again.
    resolution.catch(() => this.last?.resolution === resolution && (this.last = undefined));
    return resolution;
  }

  /**
   * The name's service config from its `_grpc_config.` TXT record: undefined when not asked for, or when the lookup
   * failed (the channel keeps what it has); null when the name has none.
   */
  private async serviceConfig(): Promise<Resolution["serviceConfig"]> {
    if (!this.withServiceConfig) return undefined;
    try {
      const records = await (this.server === "" ? dns : this.serverResolver()).resolveTxt(`_grpc_config.${this.host}`);
      return selectDnsServiceConfig(records, this.percentile);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return code === "ENODATA" || code === "ENOTFOUND" ? null : undefined;
    }
  }

  /** A resolver asking the DNS server the target names. */
  private serverResolver(): InstanceType<typeof dns.Resolver> {
    const resolver = new dns.Resolver();
    resolver.setServers([this.server]);
    return resolver;
  }

  private async lookup(): Promise<string[]> {
    if (this.server === "") return (await dns.lookup(this.host, { all: true, verbatim: true })).map((a) => a.address);
    const resolver = this.serverResolver();
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(this.host), resolver.resolve6(this.host)]);
    const hosts = [...(v4.status === "fulfilled" ? v4.value : []), ...(v6.status === "fulfilled" ? v6.value : [])];
    if (hosts.length === 0) throw v4.status === "rejected" ? v4.reason : new Error(`${this.host} has no addresses at ${this.server}`);
    return hosts;
  }
}

export const dnsResolverFactory: ResolverFactory = {
  scheme: "dns",
  create(target: ParsedTarget, options: ResolverOptions): Resolver {
    const { host, port } = parseHostPort(target.target, target.endpoint);
    return new DnsResolver(host, port, target.authority, options.dnsMinTimeBetweenResolutionsMs ?? MIN_INTERVAL_MS, options.dnsServiceConfig === true);
  },
};
