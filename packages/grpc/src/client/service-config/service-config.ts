import type { Status } from "../../status.js";
import { JsonReader, ServiceConfigError, fail } from "./json-reader.js";

/** gRFC A6: attempts again after a failure with one of `retryableStatusCodes`, with exponential backoff. */
export interface RetryPolicy {
  /** Attempts in all, the first included (2 or more; the channel caps it, by default at 5). */
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly backoffMultiplier: number;
  readonly retryableStatusCodes: ReadonlySet<Status>;
}

/** gRFC A6: sends the call again every `hedgingDelayMs` until one attempt succeeds or fails fatally. */
export interface HedgingPolicy {
  readonly maxAttempts: number;
  readonly hedgingDelayMs: number;
  readonly nonFatalStatusCodes: ReadonlySet<Status>;
}

/** What a service config sets for a method (or a whole service, or every method). */
export interface MethodConfig {
  readonly timeoutMs?: number;
  readonly waitForReady?: boolean;
  readonly maxRequestMessageBytes?: number;
  readonly maxResponseMessageBytes?: number;
  readonly retryPolicy?: RetryPolicy;
  readonly hedgingPolicy?: HedgingPolicy;
}

export interface RetryThrottling {
  readonly maxTokens: number;
  readonly tokenRatio: number;
}

/** One entry of `loadBalancingConfig`: a policy's name and its own config (checked by the policy). */
export interface LoadBalancingConfig {
  readonly policy: string;
  readonly config: unknown;
}

/** A parsed, checked service config (grpc/grpc doc/service_config.md; the schema of grpc's service_config.proto). */
export interface ServiceConfig {
  /** The policies in order of preference; the channel uses the first it knows. Empty: the default, pick_first. */
  readonly loadBalancingConfig: readonly LoadBalancingConfig[];
  /** Method configs by `service/method`, `service/` (every method of the service) and `` (every method). */
  readonly methodConfigs: ReadonlyMap<string, MethodConfig>;
  readonly retryThrottling?: RetryThrottling;
  /** gRPC's client-side health checking: the service name whose health each address reports. */
  readonly healthCheckServiceName?: string;
}

export const EMPTY_SERVICE_CONFIG: ServiceConfig = { loadBalancingConfig: [], methodConfigs: new Map() };

export interface ParseOptions {
  /** Fail on fields the schema does not have (for configs written by hand); otherwise they are ignored. */
  strict?: boolean;
  /** Whether a load-balancing policy of this name exists: a config listing none that does is refused. */
  knowsPolicy?: (name: string) => boolean;
}

/**
 * Parses and checks a service config given as JSON text or as the parsed object. Throws ServiceConfigError naming
 * the field at fault: text that is not JSON, a field of the wrong type, an impossible value (maxAttempts 1, a
 * negative backoff), a method named twice, both a retry and a hedging policy, no known load-balancing policy.
 */
export function parseServiceConfig(input: string | object, options: ParseOptions = {}): ServiceConfig {
  let json: unknown = input;
  if (typeof input === "string") {
    try {
      json = JSON.parse(input);
    } catch (e) {
      throw new ServiceConfigError(`the service config is not JSON: ${(e as Error).message}`);
    }
  }
  const strict = options.strict ?? false;
  const root = JsonReader.of(json, "", strict).only("loadBalancingPolicy", "loadBalancingConfig", "methodConfig", "retryThrottling", "healthCheckConfig");
  const config: ServiceConfig = {
    loadBalancingConfig: loadBalancing(root, options.knowsPolicy),
    methodConfigs: methodConfigs(root),
  };
  const throttling = root.child("retryThrottling")?.only("maxTokens", "tokenRatio");
  if (throttling) {
    const maxTokens = throttling.number("maxTokens", { above: 0, max: 1000 });
    const tokenRatio = throttling.number("tokenRatio", { above: 0 });
    if (maxTokens === undefined || tokenRatio === undefined) throw new ServiceConfigError("retryThrottling needs maxTokens and tokenRatio");
    // Three decimal places, as gRPC keeps the tokens in thousandths.
    Object.assign(config, { retryThrottling: { maxTokens, tokenRatio: Math.trunc(tokenRatio * 1000) / 1000 } });
  }
  const health = root.child("healthCheckConfig")?.only("serviceName");
  if (health) Object.assign(config, { healthCheckServiceName: health.string("serviceName") ?? "" });
  return config;
}

function loadBalancing(root: JsonReader, knowsPolicy: ((name: string) => boolean) | undefined): LoadBalancingConfig[] {
  const entries = root.list("loadBalancingConfig");
  if (entries === undefined) {
    // The deprecated form: a policy name, any case.
    const name = root.string("loadBalancingPolicy")?.toLowerCase();
    if (name === undefined) return [];
    if (knowsPolicy && !knowsPolicy(name)) throw fail(root.at("loadBalancingPolicy"), "must name a known policy", name);
    return [{ policy: name, config: {} }];
  }
  const list = entries.map((entry, i): LoadBalancingConfig => {
    const path = `loadBalancingConfig[${i}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry) || Object.keys(entry).length !== 1) {
      throw fail(path, "must be an object with exactly one field, the policy's name", entry);
    }
    const [policy, config] = Object.entries(entry)[0]!;
    return { policy, config };
  });
  if (knowsPolicy && list.length > 0 && !list.some((e) => knowsPolicy(e.policy))) {
    throw new ServiceConfigError(`loadBalancingConfig names no known policy: ${list.map((e) => e.policy).join(", ")}`);
  }
  return list;
}

function methodConfigs(root: JsonReader): Map<string, MethodConfig> {
  const table = new Map<string, MethodConfig>();
  for (const entry of root.objects("methodConfig")) {
    entry.only("name", "timeout", "waitForReady", "maxRequestMessageBytes", "maxResponseMessageBytes", "retryPolicy", "hedgingPolicy");
    const config = methodConfig(entry);
    const names = entry.objects("name");
    if (names.length === 0) throw new ServiceConfigError(`${entry.at("name")} must list at least one name (an empty object {} means every method)`);
    for (const name of names) {
      name.only("service", "method");
      const service = name.string("service") ?? "";
      const method = name.string("method") ?? "";
      if (service === "" && method !== "") throw fail(name.path, "names a method without its service", name.raw("method"));
      const key = service === "" ? "" : `${service}/${method}`;
      if (table.has(key)) throw new ServiceConfigError(`${name.path}: ${key === "" ? "the default method config" : `"${key}"`} is configured twice`);
      table.set(key, config);
    }
  }
  return table;
}

const UINT32_MAX = 2 ** 32 - 1;

function methodConfig(entry: JsonReader): MethodConfig {
  const retry = entry.child("retryPolicy");
  const hedging = entry.child("hedgingPolicy");
  if (retry && hedging) throw new ServiceConfigError(`${entry.path} has both a retryPolicy and a hedgingPolicy: a method may have one`);
  const config: Record<string, unknown> = {
    timeoutMs: entry.duration("timeout"),
    waitForReady: entry.boolean("waitForReady"),
    maxRequestMessageBytes: entry.number("maxRequestMessageBytes", { min: 0, max: UINT32_MAX, integer: true }),
    maxResponseMessageBytes: entry.number("maxResponseMessageBytes", { min: 0, max: UINT32_MAX, integer: true }),
    retryPolicy: retry && retryPolicy(retry),
    hedgingPolicy: hedging && hedgingPolicy(hedging),
  };
  for (const key of Object.keys(config)) if (config[key] === undefined) delete config[key];
  return config as MethodConfig;
}

function required<T>(value: T | undefined, reader: JsonReader, key: string): T {
  if (value === undefined) throw new ServiceConfigError(`${reader.at(key)} is required`);
  return value;
}

function retryPolicy(r: JsonReader): RetryPolicy {
  r.only("maxAttempts", "initialBackoff", "maxBackoff", "backoffMultiplier", "retryableStatusCodes");
  const codes = required(r.statusCodes("retryableStatusCodes"), r, "retryableStatusCodes");
  if (codes.size === 0) throw new ServiceConfigError(`${r.at("retryableStatusCodes")} must not be empty`);
  return {
    maxAttempts: required(r.number("maxAttempts", { min: 2, max: UINT32_MAX, integer: true }), r, "maxAttempts"),
    initialBackoffMs: required(r.duration("initialBackoff", true), r, "initialBackoff"),
    maxBackoffMs: required(r.duration("maxBackoff", true), r, "maxBackoff"),
    backoffMultiplier: required(r.number("backoffMultiplier", { above: 0 }), r, "backoffMultiplier"),
    retryableStatusCodes: codes,
  };
}

function hedgingPolicy(h: JsonReader): HedgingPolicy {
  h.only("maxAttempts", "hedgingDelay", "nonFatalStatusCodes");
  return {
    maxAttempts: required(h.number("maxAttempts", { min: 2, max: UINT32_MAX, integer: true }), h, "maxAttempts"),
    hedgingDelayMs: h.duration("hedgingDelay") ?? 0,
    nonFatalStatusCodes: h.statusCodes("nonFatalStatusCodes") ?? new Set(),
  };
}

/** The config of the method at `path` ("/pkg.Service/Method"): its own, else its service's, else the default. */
export function methodConfigFor(config: ServiceConfig, path: string): MethodConfig | undefined {
  const name = path.slice(1);
  const table = config.methodConfigs;
  return table.get(name) ?? table.get(name.slice(0, name.lastIndexOf("/") + 1)) ?? table.get("");
}

export { ServiceConfigError };
