import { GrpcError, Status } from "@tsgrpc/grpc";
import type { ServerContext, ServerInterceptor } from "@tsgrpc/grpc";

/** Who a bearer token stands for. */
export interface Principal {
  name: string;
  roles: string[];
}

const principals = new WeakMap<ServerContext, Principal>();

/** The caller a call was authenticated as; undefined when auth is off. */
export function principalOf(ctx: ServerContext): Principal | undefined {
  return principals.get(ctx);
}

export interface BearerAuthOptions {
  /** token -> principal. */
  tokens: ReadonlyMap<string, Principal>;
  /** Only calls whose path starts with this are checked (health checks and reflection stay open for probes). */
  pathPrefix: string;
  /** Methods (paths) that need the `admin` role. */
  writes: ReadonlySet<string>;
}

/**
 * Bearer-token auth: `authorization: Bearer <token>` must name a known token (else UNAUTHENTICATED), and a write
 * needs a principal with the `admin` role (else PERMISSION_DENIED).
 */
export function bearerAuth({ tokens, pathPrefix, writes }: BearerAuthOptions): ServerInterceptor {
  return (next) => (call) => {
    const path = call.method.path;
    if (!path.startsWith(pathPrefix)) return next(call);
    const header = call.ctx.metadata.get("authorization");
    const token = typeof header === "string" && /^bearer /i.test(header) ? header.slice(7).trim() : undefined;
    const principal = token === undefined ? undefined : tokens.get(token);
    if (!principal) throw new GrpcError(Status.UNAUTHENTICATED, token === undefined ? "Missing bearer token (authorization: Bearer <token>)" : "Unknown bearer token");
    if (writes.has(path) && !principal.roles.includes("admin")) throw new GrpcError(Status.PERMISSION_DENIED, `${call.method.name} needs the admin role; ${principal.name} does not have it`);
    principals.set(call.ctx, principal);
    return next(call);
  };
}

/** Reads a tokens file: {"<token>": {"name": "alice", "roles": ["admin"]}, ...}. */
export function parseTokens(json: string): Map<string, Principal> {
  const data = JSON.parse(json) as unknown;
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new Error('expected an object {"<token>": {"name": ..., "roles": [...]}}');
  const tokens = new Map<string, Principal>();
  for (const [token, p] of Object.entries(data as Record<string, { name?: unknown; roles?: unknown }>)) {
    if (typeof p?.name !== "string" || !Array.isArray(p.roles) || !p.roles.every((r) => typeof r === "string")) throw new Error(`token entry for "${p?.name ?? "?"}" needs a string name and a roles array`);
    tokens.set(token, { name: p.name, roles: p.roles as string[] });
  }
  return tokens;
}
