import { readFileSync } from "node:fs";
import type { RestRuleJson } from "@tsgrpc/grpc";

/**
 * The UserService's REST routes, in google.api.Http's service-config form (http-rules.json beside the .proto): the
 * tutorial's schema stays as the tutorial wrote it (its Python client compiles it with plain protoc), and the routes
 * live in config, which `tsgrpc openapi --http-rules` reads too. GET /v1/users/{id}, GET /v1/users?page_size=,
 * POST /v1/users, GET /v1/users:watch (newline-delimited JSON).
 */
export const REST_RULES: RestRuleJson[] = (JSON.parse(readFileSync(new URL("../../http-rules.json", import.meta.url), "utf8")) as { rules: RestRuleJson[] }).rules;
