import type { ServiceDefinition } from "@tsgrpc/protobuf";
import type { HttpRule } from "../../gen/google/api/http_pb.js";
import { restRoutes, type RestRoute } from "../../rest/http-rule.js";
import { matchTemplate } from "../../rest/path-template.js";
import type { Route } from "../call-runner.js";

/** A REST route with the server route (handler, interceptors) it runs. */
export interface ServedRestRoute {
  rest: RestRoute;
  route: Route;
}

export type RestMatch =
  | { kind: "found"; served: ServedRestRoute; bindings: Map<string, string> }
  /** The path is a route's, but not for this HTTP method: the methods it takes. */
  | { kind: "method"; allow: string[] };

/** How specific a template is: more literal segments first, then fewer "**", then a verb. */
function specificity(route: RestRoute): number {
  const literals = route.template.segments.filter((s) => s.kind === "literal").length;
  const rest = route.template.segments.some((s) => s.kind === "rest") ? 1 : 0;
  return literals * 4 - rest * 2 + (route.template.verb === undefined ? 0 : 1);
}

/**
 * The server's REST routes (google.api.http), from the services it serves: by annotation, or by rules given with the
 * server's `rest.rules` (service-config style). Routes are tried most specific first, so "/v1/users:search" wins
 * over "/v1/users/{id}" and a literal segment over a variable.
 */
export class RestRoutes {
  private readonly routes: ServedRestRoute[] = [];

  constructor(private readonly rules: readonly HttpRule[] = []) {}

  get size(): number {
    return this.routes.length;
  }

  /** Adds the routes of a service's methods (throws a RestRouteError for a rule that cannot work). */
  add(service: ServiceDefinition, routeOf: (path: string) => Route | undefined): void {
    const info = service.file?.registry.getService(service.typeName);
    if (!info) return;
    for (const method of info.methods) {
      const route = routeOf(method.path);
      if (!route) continue;
      for (const rest of restRoutes(method, this.rules)) this.routes.push({ rest, route });
    }
    this.routes.sort((a, b) => specificity(b.rest) - specificity(a.rest));
  }

  /**
   * The route for an HTTP method and a request path, if any takes it. A GET route takes HEAD too (RFC 9110 9.1: a
   * server supports HEAD wherever it supports GET); the adapter then sends the headers alone.
   */
  match(httpMethod: string, path: string): RestMatch | undefined {
    let allow: Set<string> | undefined;
    for (const served of this.routes) {
      const bindings = matchTemplate(served.rest.template, path);
      if (!bindings) continue;
      const taken = served.rest.httpMethod;
      if (taken === httpMethod || taken === "*" || (taken === "GET" && httpMethod === "HEAD")) return { kind: "found", served, bindings };
      allow ??= new Set();
      allow.add(taken);
      if (taken === "GET") allow.add("HEAD");
    }
    return allow ? { kind: "method", allow: [...allow].sort() } : undefined;
  }

  /** Every HTTP method some route takes (what a CORS preflight may allow). */
  methods(): string[] {
    return [...new Set(this.routes.map((r) => r.rest.httpMethod))].sort();
  }
}
