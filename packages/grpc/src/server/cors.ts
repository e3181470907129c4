import type { IncomingHttpHeaders } from "node:http";
import type { HeaderMap } from "./call-exchange.js";

/** Which web pages may call the server over gRPC-Web and Connect from a browser (a page of the server's own origin always may). */
export interface CorsOptions {
  /**
   * Origins allowed besides the server's own: exact (`https://app.example.com`), with a wildcard for a port
   * (`http://localhost:*`) or subdomains (`https://*.example.com`), `*` for any; or a function that decides.
   */
  allowedOrigins?: string[] | ((origin: string) => boolean);
  /** Let browsers send cookies and HTTP authentication (Access-Control-Allow-Credentials). */
  allowCredentials?: boolean;
  /** How long a browser may reuse a preflight answer, in seconds (default 7200, Chromium's cap). */
  maxAge?: number;
}

function originPattern(pattern: string): RegExp {
  if (pattern === "*") return /^/;
  const escaped = pattern.toLowerCase().replace(/[.+?^${}()|[\]\\/]/g, "\\$&");
  return new RegExp(`^${escaped.replace(/:\*$/, "(?::\\d{1,5})?").replace(/\*/g, "[a-z0-9-]+(?:\\.[a-z0-9-]+)*")}$`);
}

/**
 * The server's CORS policy (the Fetch standard's CORS protocol): it answers preflights, grants allowed origins the
 * headers that let their scripts read gRPC-Web responses, and refuses the calls of other origins before they run.
 */
export class CorsPolicy {
  private readonly allows: (origin: string) => boolean;
  private readonly maxAge: string;

  constructor(private readonly options: CorsOptions = {}) {
    const allowed = options.allowedOrigins ?? [];
    if (typeof allowed === "function") this.allows = allowed;
    else {
      const patterns = allowed.map(originPattern);
      this.allows = (origin) => patterns.some((p) => p.test(origin.toLowerCase()));
    }
    this.maxAge = String(options.maxAge ?? 7200);
  }

  /**
   * The CORS headers of a response to this request: empty when it comes from no browser page or from the server's own
   * origin, undefined when it comes from an origin that is not allowed (the request must be refused).
   */
  grant(headers: IncomingHttpHeaders, secure: boolean): HeaderMap | undefined {
    const origin = headers.origin;
    if (origin === undefined) return {};
    const host = headers.host ?? headers[":authority"];
    if (host !== undefined && origin.toLowerCase() === `${secure ? "https" : "http"}://${String(host).toLowerCase()}`) return {};
    if (!this.allows(origin)) return undefined;
    const granted: HeaderMap = { "access-control-allow-origin": origin, vary: "Origin" };
    if (this.options.allowCredentials) granted["access-control-allow-credentials"] = "true";
    return granted;
  }

  /**
   * The answer to a preflight (OPTIONS) request: status 204 with the grants, or 403 for an origin not allowed. `get`:
   * GET is allowed too (Connect's GET for methods without side effects).
   */
  preflight(headers: IncomingHttpHeaders, secure: boolean, get = false): { status: number; headers: HeaderMap } {
    const granted = this.grant(headers, secure);
    if (!granted) return { status: 403, headers: { vary: "Origin", "content-type": "text/plain" } };
    const answer: HeaderMap = { ...granted, "access-control-allow-methods": get ? "GET, POST" : "POST", "access-control-max-age": this.maxAge };
    const asked = headers["access-control-request-headers"];
    // Any metadata may be sent: allow whatever the page asks for (grpc-timeout, x-grpc-web, x-user-agent, custom keys).
    if (asked) answer["access-control-allow-headers"] = String(asked);
    return { status: 204, headers: answer };
  }
}

/**
 * `headers` with, for a cross-origin caller granted `cors`, the list of response headers its script may read besides
 * the CORS-safelisted ones: `always` (a protocol's status fields) and every metadata name in `metadata`.
 */
export function withExposedHeaders(headers: HeaderMap, cors: HeaderMap, metadata: HeaderMap, always: string[]): HeaderMap {
  if (!cors["access-control-allow-origin"]) return headers;
  const names = new Set(always);
  for (const name of Object.keys(metadata)) if (!name.startsWith("access-control-") && name !== "content-type" && name !== "vary") names.add(name);
  return { ...headers, "access-control-expose-headers": [...names].join(", ") };
}
