import type { Address } from "./address.js";
import type { ParsedTarget } from "./target.js";

/** What a resolver found for a target. */
export interface Resolution {
  readonly addresses: readonly Address[];
  /**
   * The service config the name publishes, as JSON text or the parsed object (checked by the channel: an invalid one
   * is reported and the previous config kept); null when the name has none (the channel's default applies); an Error
   * when the name's config could not be read (reported, the previous kept); undefined when this resolver does not
   * look for one.
   */
  readonly serviceConfig?: string | object | null | Error;
}

/**
 * Turns a target into addresses. The channel asks when it needs them: on its first connection, and again when a
 * connection is lost or cannot be made; a resolver may answer from what it knows (DNS waits a minimum interval
 * between lookups, so that a flapping backend does not cause a storm of them).
 */
export interface Resolver {
  resolve(): Promise<Resolution>;
  /**
   * For a resolver that learns of changes by itself (a watch on a registry, a list changed at run time): the channel
   * calls this once, when it first connects, and the resolver hands it every new resolution from then on.
   */
  watch?(onUpdate: (resolution: Resolution) => void): void;
  close?(): void;
}

/** Makes resolvers for one URI scheme (`dns`, `ipv4`, a user's `k8s`...). */
export interface ResolverFactory {
  readonly scheme: string;
  /** Checks the target at channel creation (throw an InvalidTargetError) and returns its resolver. */
  create(target: ParsedTarget, options: ResolverOptions): Resolver;
  /** The `:authority` calls carry when the channel does not set one: by default the target's endpoint. */
  defaultAuthority?(target: ParsedTarget): string;
}

export interface ResolverOptions {
  /** Least time between two DNS lookups of one channel (grpc-js's `dns_min_time_between_resolutions_ms`). */
  dnsMinTimeBetweenResolutionsMs?: number;
  /**
   * Look up a DNS name's service config in its `_grpc_config.NAME` TXT record (gRFC A2) beside its addresses (default
   * false: a TXT lookup the network cannot answer would hold up every resolution).
   */
  dnsServiceConfig?: boolean;
}
