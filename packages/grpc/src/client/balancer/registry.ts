import type { LoadBalancerFactory } from "./load-balancer.js";
import { pickFirstFactory } from "./pick-first.js";
import { roundRobinFactory } from "./round-robin.js";

const factories = new Map<string, LoadBalancerFactory>([pickFirstFactory, roundRobinFactory].map((f) => [f.name, f]));

/**
 * Makes a load-balancing policy available to every channel created afterwards, by the name a service config's
 * `loadBalancingConfig` gives it (a registered name replaces the one before it, built-ins included).
 */
export function registerLoadBalancer(factory: LoadBalancerFactory): void {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(factory.name)) throw new Error(`"${factory.name}" is not a load-balancing policy name`);
  factories.set(factory.name, factory);
}

export function loadBalancerFactory(name: string): LoadBalancerFactory | undefined {
  return factories.get(name);
}
