import { dnsResolverFactory } from "./dns-resolver.js";
import type { Resolver, ResolverFactory, ResolverOptions } from "./resolver.js";
import { staticResolverFactories } from "./static-resolvers.js";
import { canonicalTarget, InvalidTargetError, parseTarget } from "./target.js";

const factories = new Map<string, ResolverFactory>([dnsResolverFactory, ...staticResolverFactories].map((f) => [f.scheme, f]));

/**
 * Makes `scheme:` targets resolve through `factory` in every channel created afterwards (a registered scheme replaces
 * the one before it, built-ins included): for service discovery of one's own, or a list of backends that changes.
 */
export function registerResolver(factory: ResolverFactory): void {
  if (!/^[a-z][a-z0-9+.-]*$/.test(factory.scheme)) throw new Error(`"${factory.scheme}" is not a URI scheme (lower case, letters first)`);
  factories.set(factory.scheme, factory);
}

/**
 * The resolver for a channel's target, the `:authority` its calls carry and the target in canonical form; a bad target
 * throws InvalidTargetError.
 */
export function resolverFor(target: string, options: ResolverOptions): { resolver: Resolver; authority: string; canonicalTarget: string } {
  const parsed = parseTarget(target, (scheme) => factories.has(scheme));
  const factory = factories.get(parsed.scheme);
  if (!factory) throw new InvalidTargetError(target, `no resolver for "${parsed.scheme}:"`);
  const resolver = factory.create(parsed, options);
  return { resolver, authority: factory.defaultAuthority?.(parsed) ?? parsed.endpoint, canonicalTarget: canonicalTarget(parsed) };
}
