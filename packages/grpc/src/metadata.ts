import { base64Decode, base64Encode } from "@tsgrpc/protobuf/codegen-support";

export type MetadataValue = string | Uint8Array;

/** Header names gRPC and HTTP/2 own: an application can neither send nor overwrite them as metadata. */
const RESERVED = new Set(["content-type", "te", "user-agent", "host", "connection", "transfer-encoding", "keep-alive", "upgrade", "proxy-connection"]);
const VALID_KEY = /^[0-9a-z_.-]+$/;

/** The one grpc- key an application sets: a server's retry pushback (gRFC A6), in the trailers of a failed call. */
const RETRY_PUSHBACK = "grpc-retry-pushback-ms";

function isReserved(key: string): boolean {
  return key.startsWith(":") || (key.startsWith("grpc-") && key !== RETRY_PUSHBACK) || RESERVED.has(key);
}

/**
 * Request or response metadata: lower-case keys with one or more values each. Keys ending in `-bin` hold bytes
 * (base64 on the wire); all others hold printable ASCII strings.
 */
export class Metadata {
  private readonly map = new Map<string, MetadataValue[]>();

  constructor(init?: Record<string, MetadataValue | MetadataValue[]>) {
    if (init) for (const [k, v] of Object.entries(init)) for (const one of Array.isArray(v) ? v : [v]) this.add(k, one);
  }

  /** Adds a value, keeping earlier ones. Throws for keys that are invalid or reserved for gRPC and HTTP/2. */
  add(key: string, value: MetadataValue): this {
    const k = key.toLowerCase();
    if (!VALID_KEY.test(k)) throw new TypeError(`metadata key "${key}" has characters outside [0-9a-z_.-]`);
    if (isReserved(k)) throw new TypeError(`metadata key "${key}" is reserved for gRPC and HTTP/2`);
    if (k.endsWith("-bin")) {
      if (!(value instanceof Uint8Array)) throw new TypeError(`metadata key "${key}" ends in -bin: its values are bytes (Uint8Array)`);
    } else if (typeof value !== "string" || !/^[\x20-\x7e]*$/.test(value)) {
      throw new TypeError(`metadata value for "${key}" must be printable ASCII`);
    }
    const list = this.map.get(k);
    if (list) list.push(value);
    else this.map.set(k, [value]);
    return this;
  }

  /** Replaces every value of `key` with this one. */
  set(key: string, value: MetadataValue): this {
    this.map.delete(key.toLowerCase());
    return this.add(key, value);
  }

  /** The first value of `key`. */
  get(key: string): MetadataValue | undefined {
    return this.map.get(key.toLowerCase())?.[0];
  }

  getAll(key: string): MetadataValue[] {
    return [...(this.map.get(key.toLowerCase()) ?? [])];
  }

  has(key: string): boolean {
    return this.map.has(key.toLowerCase());
  }

  delete(key: string): void {
    this.map.delete(key.toLowerCase());
  }

  keys(): string[] {
    return [...this.map.keys()];
  }

  /** Copies every value of `other` in. */
  merge(other: Metadata): this {
    for (const [k, values] of other.map) for (const v of values) this.add(k, v);
    return this;
  }

  toJSON(): Record<string, (string | { base64: string })[]> {
    const out: Record<string, (string | { base64: string })[]> = {};
    for (const [k, values] of this.map) out[k] = values.map((v) => (typeof v === "string" ? v : { base64: base64Encode(v) }));
    return out;
  }

  /** HTTP/2 header fields: -bin values base64 (unpadded, as the spec prefers), repeated keys as arrays. */
  toHeaders(headers: Record<string, string | string[]> = {}): Record<string, string | string[]> {
    for (const [k, values] of this.map) {
      const encoded = values.map((v) => (typeof v === "string" ? v : base64Encode(v).replace(/=+$/, "")));
      headers[k] = encoded.length === 1 ? encoded[0]! : encoded;
    }
    return headers;
  }

  /**
   * Metadata from received header fields, leaving out pseudo-headers and gRPC's own. Values of -bin keys are base64,
   * padded or not, and several may arrive joined by commas. Values that do not decode are dropped, not fatal.
   */
  static fromHeaders(headers: Record<string, string | string[] | number | undefined>): Metadata {
    const md = new Metadata();
    for (const [key, raw] of Object.entries(headers)) {
      if (raw === undefined || isReserved(key) || !VALID_KEY.test(key)) continue;
      const values = Array.isArray(raw) ? raw : [String(raw)];
      const list: MetadataValue[] = [];
      for (const v of values) {
        if (key.endsWith("-bin")) {
          for (const part of v.split(",")) {
            const bytes = base64Decode(part.trim());
            if (bytes) list.push(bytes);
          }
        } else list.push(v);
      }
      if (list.length) md.map.set(key, list);
    }
    return md;
  }
}
