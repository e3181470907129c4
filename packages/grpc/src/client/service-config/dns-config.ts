import { hostname } from "node:os";
import { ServiceConfigError } from "./json-reader.js";

/** The clientLanguage this client matches in a DNS service config choice (grpc-js's, as tsgrpc runs on Node). */
const LANGUAGE = "node";

/**
 * The service config a name publishes in DNS (gRFC A2): its `_grpc_config.NAME` TXT record holds
 * `grpc_config=` and a JSON array of choices, each `{ clientLanguage?, percentage?, clientHostname?, serviceConfig }`;
 * the first choice whose conditions this client meets is used (`percentile` is this client's draw, 0 to 100). Returns
 * null when the name has no such record or no choice applies (the default config then), a ServiceConfigError when
 * the record is malformed (the channel keeps the config it has).
 */
export function selectDnsServiceConfig(txtRecords: readonly (readonly string[])[], percentile: number): object | null | ServiceConfigError {
  const record = txtRecords.map((chunks) => chunks.join("")).find((r) => r.startsWith("grpc_config="));
  if (record === undefined) return null;
  let choices: unknown;
  try {
    choices = JSON.parse(record.slice("grpc_config=".length));
  } catch (e) {
    return new ServiceConfigError(`the DNS service config is not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(choices)) return new ServiceConfigError("the DNS service config must be a JSON array of choices");
  for (const [i, choice] of choices.entries()) {
    const problem = checkChoice(choice);
    if (problem) return new ServiceConfigError(`the DNS service config's choice ${i} ${problem}`);
    const { clientLanguage, percentage, clientHostname, serviceConfig } = choice as Choice;
    if (clientLanguage && !clientLanguage.some((l) => l.toLowerCase() === LANGUAGE)) continue;
    if (percentage !== undefined && percentile >= percentage) continue;
    if (clientHostname && !clientHostname.includes(hostname())) continue;
    return serviceConfig;
  }
  return null;
}

interface Choice {
  clientLanguage?: string[];
  percentage?: number;
  clientHostname?: string[];
  serviceConfig: object;
}

/** What is wrong with a choice, or undefined. */
function checkChoice(choice: unknown): string | undefined {
  if (typeof choice !== "object" || choice === null || Array.isArray(choice)) return "is not a JSON object";
  const c = choice as Record<string, unknown>;
  for (const key of Object.keys(c)) if (!["clientLanguage", "percentage", "clientHostname", "serviceConfig"].includes(key)) return `has an unknown field "${key}"`;
  const strings = (v: unknown) => v === undefined || (Array.isArray(v) && v.every((s) => typeof s === "string"));
  if (!strings(c["clientLanguage"])) return "has a clientLanguage that is not a list of strings";
  if (!strings(c["clientHostname"])) return "has a clientHostname that is not a list of strings";
  const p = c["percentage"];
  if (p !== undefined && (typeof p !== "number" || !Number.isInteger(p) || p < 0 || p > 100)) return "has a percentage that is not an integer from 0 to 100";
  if (typeof c["serviceConfig"] !== "object" || c["serviceConfig"] === null || Array.isArray(c["serviceConfig"])) return "has no serviceConfig object";
  return undefined;
}
