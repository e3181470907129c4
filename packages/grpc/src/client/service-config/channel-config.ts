import type { Resolution } from "../resolver/resolver.js";
import { RetryThrottle } from "../retry/retry-throttle.js";
import { checkServiceConfig, type CheckedConfig } from "./checked-config.js";
import { methodConfigFor, type MethodConfig } from "./service-config.js";

/**
 * A channel's service config over its life: the default (checked strictly), the resolver's latest valid one, why the
 * last one was refused, the method configs memoized per path, the retry throttle, and the calls that wait for the
 * resolver's first answer (it may bring their method's config).
 */
export class ChannelConfig {
  /** The config in use: the resolver's last valid one, or the default. */
  current: CheckedConfig;
  /** Why the resolver's last service config was refused (the one before it was kept). */
  error: Error | undefined;
  throttle: RetryThrottle | undefined;
  /** Whether the resolver has answered once (or failed). */
  known = false;
  private readonly defaults: CheckedConfig;
  private methods = new Map<string, MethodConfig | undefined>();
  private waiters = new Set<() => void>();

  /** Throws ServiceConfigError for a bad default config. */
  constructor(defaultConfig: string | object | undefined, private readonly ignoreResolver: boolean) {
    this.defaults = this.current = checkServiceConfig(defaultConfig, true);
    this.applyThrottling();
  }

  /** The config of the method at `path` ("/pkg.Service/Method"), memoized until the config changes. */
  methodConfig(path: string): MethodConfig | undefined {
    if (this.current.serviceConfig.methodConfigs.size === 0) return undefined;
    let config = this.methods.get(path);
    if (config === undefined && !this.methods.has(path)) this.methods.set(path, (config = methodConfigFor(this.current.serviceConfig, path)));
    return config;
  }

  /** The resolver's config when valid; the previous one kept when not (`error` says why); the default for null. */
  use(fromResolver: Resolution["serviceConfig"]): void {
    let next = this.current;
    if (fromResolver === null || this.ignoreResolver) {
      next = this.defaults;
      this.error = undefined;
    } else if (fromResolver instanceof Error) {
      this.error = fromResolver;
    } else if (fromResolver !== undefined) {
      try {
        next = checkServiceConfig(fromResolver, false);
        this.error = undefined;
      } catch (e) {
        this.error = e as Error;
      }
    }
    if (next === this.current) return;
    this.current = next;
    this.methods = new Map();
    this.applyThrottling();
  }

  /** A throttle for the config's retryThrottling; kept while its numbers stay the same. */
  private applyThrottling(): void {
    const wanted = this.current.serviceConfig.retryThrottling;
    const current = this.throttle?.config;
    if (wanted?.maxTokens === current?.maxTokens && wanted?.tokenRatio === current?.tokenRatio) return;
    this.throttle = wanted && new RetryThrottle(wanted);
  }

  /** Keeps `callback` until the resolver's first answer; returns the function that takes it back. */
  wait(callback: () => void): () => void {
    this.waiters.add(callback);
    return () => this.waiters.delete(callback);
  }

  /** The resolver answered (or failed, or the channel closed): the waiting calls go on. */
  settle(): void {
    this.known = true;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const waiter of waiters) waiter();
  }
}
