import { Status } from "../../status.js";
import { parseDuration } from "./duration.js";

/** A service config that cannot be used: the message names the field (`methodConfig[0].timeout`) and what is wrong. */
export class ServiceConfigError extends Error {
  override name = "ServiceConfigError";
}

/**
 * Reads one JSON object of a service config, field by field, each error naming the field's path. In strict mode a
 * field the schema does not have is an error (a typo in a config written by hand); otherwise it is ignored, as gRPC
 * does with configs from a resolver, which may come from a newer schema.
 */
export class JsonReader {
  private constructor(
    private readonly object: Record<string, unknown>,
    readonly path: string,
    private readonly strict: boolean,
  ) {}

  static of(value: unknown, path: string, strict: boolean): JsonReader {
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw fail(path, "must be a JSON object", value);
    return new JsonReader(value as Record<string, unknown>, path, strict);
  }

  /** Fails on a field outside `known` (strict mode only). */
  only(...known: string[]): this {
    if (!this.strict) return this;
    for (const key of Object.keys(this.object)) {
      if (!known.includes(key)) throw new ServiceConfigError(`${this.at(key)}: unknown field (known: ${known.join(", ")})`);
    }
    return this;
  }

  has(key: string): boolean {
    return this.object[key] !== undefined && this.object[key] !== null;
  }

  raw(key: string): unknown {
    return this.object[key];
  }

  at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  child(key: string): JsonReader | undefined {
    return this.has(key) ? JsonReader.of(this.object[key], this.at(key), this.strict) : undefined;
  }

  list(key: string): unknown[] | undefined {
    if (!this.has(key)) return undefined;
    const value = this.object[key];
    if (!Array.isArray(value)) throw fail(this.at(key), "must be a JSON array", value);
    return value;
  }

  objects(key: string): JsonReader[] {
    return (this.list(key) ?? []).map((v, i) => JsonReader.of(v, `${this.at(key)}[${i}]`, this.strict));
  }

  string(key: string): string | undefined {
    if (!this.has(key)) return undefined;
    const value = this.object[key];
    if (typeof value !== "string") throw fail(this.at(key), "must be a string", value);
    return value;
  }

  boolean(key: string): boolean | undefined {
    if (!this.has(key)) return undefined;
    const value = this.object[key];
    if (typeof value !== "boolean") throw fail(this.at(key), "must be true or false", value);
    return value;
  }

  /** A JSON number (or, as proto3 JSON allows for integers, a decimal string) within [min, max]. */
  number(key: string, { min = -Infinity, max = Infinity, integer = false, above }: { min?: number; max?: number; integer?: boolean; above?: number } = {}): number | undefined {
    if (!this.has(key)) return undefined;
    const value = this.object[key];
    const n = typeof value === "number" ? value : typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
    const what = integer ? "an integer" : "a number";
    if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) throw fail(this.at(key), `must be ${what}`, value);
    if (above !== undefined && n <= above) throw fail(this.at(key), `must be ${what} above ${above}`, value);
    if (n < min || n > max) throw fail(this.at(key), `must be ${what} from ${min} to ${max}`, value);
    return n;
  }

  /** A Duration ("0.5s") in milliseconds, not negative; `positive` also refuses zero. */
  duration(key: string, positive = false): number | undefined {
    const text = this.string(key);
    if (text === undefined) return undefined;
    const ms = parseDuration(text);
    if (ms === undefined) throw fail(this.at(key), 'must be a duration such as "1.5s"', text);
    if (ms < 0 || (positive && ms === 0)) throw fail(this.at(key), `must be ${positive ? "above zero" : "zero or more"}`, text);
    return ms;
  }

  /** Status codes by name ("UNAVAILABLE") or number (14); OK is not a failure, so it is refused. */
  statusCodes(key: string): Set<Status> | undefined {
    const list = this.list(key);
    if (!list) return undefined;
    return new Set(
      list.map((v, i) => {
        const code = typeof v === "number" ? v : typeof v === "string" ? Status[v as keyof typeof Status] : undefined;
        if (typeof code !== "number" || !Number.isInteger(code) || code < 1 || code > 16) throw fail(`${this.at(key)}[${i}]`, "must be a status code other than OK (a name such as \"UNAVAILABLE\", or 1 to 16)", v);
        return code as Status;
      }),
    );
  }
}

export function fail(path: string, rule: string, value: unknown): ServiceConfigError {
  return new ServiceConfigError(`${path || "the service config"} ${rule}, not ${JSON.stringify(value)}`);
}
