import type { LoadBalancerFactory } from "../balancer/load-balancer.js";
import { loadBalancerFactory } from "../balancer/registry.js";
import { ServiceConfigError } from "./json-reader.js";
import { EMPTY_SERVICE_CONFIG, parseServiceConfig, type ServiceConfig } from "./service-config.js";

/** A service config a channel can use: parsed, with its load-balancing policy chosen and that policy's config checked. */
export interface CheckedConfig {
  readonly serviceConfig: ServiceConfig;
  readonly balancer: LoadBalancerFactory;
  readonly balancerConfig: unknown;
}

/**
 * Parses a service config (JSON text or object) and chooses its balancer: the first policy of `loadBalancingConfig`
 * that is registered (pick_first when it lists none). Throws ServiceConfigError.
 */
export function checkServiceConfig(input: string | object | undefined, strict: boolean): CheckedConfig {
  const serviceConfig = input === undefined ? EMPTY_SERVICE_CONFIG : parseServiceConfig(input, { strict, knowsPolicy: (name) => loadBalancerFactory(name) !== undefined });
  const entry = serviceConfig.loadBalancingConfig.find((e) => loadBalancerFactory(e.policy)) ?? { policy: "pick_first", config: {} };
  const balancer = loadBalancerFactory(entry.policy)!;
  try {
    return { serviceConfig, balancer, balancerConfig: balancer.parseConfig ? balancer.parseConfig(entry.config) : entry.config };
  } catch (e) {
    throw new ServiceConfigError(`loadBalancingConfig: ${(e as Error).message}`);
  }
}
