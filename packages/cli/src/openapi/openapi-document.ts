/**
 * An OpenAPI 3.1 document for the REST routes that `(google.api.http)` options declare: a path per route (path
 * variables as parameters, the multi-segment ones with their pattern), the request body as the rule's body says, the
 * fields left over as query parameters, the response (or its response_body field), and google.rpc.Status for errors.
 * Server-streaming methods answer newline-delimited JSON.
 */
import { isScalarLike, parseHttpRules, restRoutes, type RestRoute, type RestRuleJson } from "@tsgrpc/grpc";
import type { DescriptorProto, FieldInfo, FileDescriptorProto, MessageInfo, ServiceInfo } from "@tsgrpc/protobuf";
import { SchemaSet, type Schema } from "./json-schema.js";

const OPENAPI_METHODS = new Set(["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE"]);

/** A google.api.HttpBody goes as its own bytes and content type, whatever they are. */
const HTTP_BODY_CONTENT = { "*/*": { schema: { type: "string", contentMediaType: "application/octet-stream" } } };
const isHttpBody = (message: MessageInfo | undefined) => message?.typeName === "google.api.HttpBody";

const STATUS_SCHEMA: Schema = {
  type: "object",
  description: "google.rpc.Status: the gRPC status code, a message for developers, and typed details.",
  properties: { code: { type: "integer", format: "int32" }, message: { type: "string" }, details: { type: "array", items: { type: "object", properties: { "@type": { type: "string" } }, additionalProperties: true } } },
};

/** The OpenAPI path of a template: variables as `{field.path}`, a verb kept as `:verb`. */
function openApiPath(route: RestRoute): string {
  const { segments, variables, verb } = route.template;
  const parts: string[] = [];
  for (let i = 0; i < segments.length; ) {
    const v = variables.find((x) => x.start === i);
    if (v) {
      parts.push(`{${v.fieldPath.join(".")}}`);
      i = v.end;
      continue;
    }
    const s = segments[i]!;
    parts.push(s.kind === "literal" ? encodeURIComponent(s.text) : `{_segment${i + 1}}`);
    i++;
  }
  return "/" + parts.join("/") + (verb === undefined ? "" : `:${verb}`);
}

/** A regular expression for what a multi-segment variable matches ("projects/*" -> "^projects/[^/]+$"). */
function variablePattern(route: RestRoute, start: number, end: number): string {
  const body = route.template.segments.slice(start, end).map((s) => (s.kind === "literal" ? s.text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") : s.kind === "one" ? "[^/]+" : ".*"));
  return `^${body.join("/")}$`;
}

/** Leaf fields a query parameter may set: [dotted JSON name, field], through singular messages, not into cycles. */
function queryFields(message: MessageInfo, route: RestRoute, prefix: string, protoPrefix: string, seen: Set<string>): [string, FieldInfo][] {
  if (seen.has(message.typeName)) return [];
  seen = new Set(seen).add(message.typeName);
  const out: [string, FieldInfo][] = [];
  for (const f of message.fields) {
    const proto = protoPrefix + f.name;
    if (route.pathFields.has(proto) || (route.body.kind === "field" && proto === route.body.field.name) || f.map) continue;
    if (isScalarLike(f)) out.push([prefix + f.jsonName, f]);
    else if (!f.repeated) out.push(...queryFields(f.message!, route, `${prefix}${f.jsonName}.`, `${proto}.`, seen));
  }
  return out;
}

function operation(route: RestRoute, index: number, schemas: SchemaSet, comments: (name: string) => string | undefined): Schema {
  const m = route.method;
  const parameters: Schema[] = [];
  for (const v of route.template.variables) {
    const fields = route.pathFields.get(v.fieldPath.join("."))!;
    const multi = v.end - v.start !== 1 || route.template.segments[v.start]!.kind !== "one";
    const schema = multi ? { type: "string", pattern: variablePattern(route, v.start, v.end) } : schemas.field(fields.at(-1)!);
    parameters.push({ name: v.fieldPath.join("."), in: "path", required: true, schema });
  }
  route.template.segments.forEach((s, i) => {
    if (s.kind !== "literal" && !route.template.variables.some((v) => i >= v.start && i < v.end)) parameters.push({ name: `_segment${i + 1}`, in: "path", required: true, schema: { type: "string" } });
  });
  if (route.body.kind !== "all") for (const [name, field] of queryFields(m.input, route, "", "", new Set())) parameters.push({ name, in: "query", required: false, schema: schemas.field(field) });

  let requestBody: Schema | undefined;
  const bodyContent = (schema: Schema, message: MessageInfo | undefined) => (isHttpBody(message) ? HTTP_BODY_CONTENT : { "application/json": { schema } });
  if (route.body.kind === "field") requestBody = { required: true, content: bodyContent(schemas.field(route.body.field), route.body.field.message) };
  else if (route.body.kind === "all") {
    // The whole request, less the top-level fields the path binds.
    const bound = new Set([...route.pathFields.values()].filter((f) => f.length === 1).map((f) => f[0]!.jsonName));
    let schema = schemas.message(m.input);
    if (bound.size && !m.input.typeName.startsWith("google.")) {
      const properties = Object.fromEntries(m.input.fields.filter((f) => !bound.has(f.jsonName)).map((f) => [f.jsonName, schemas.field(f)]));
      schema = { type: "object", properties };
    }
    requestBody = { required: true, content: bodyContent(schema, m.input) };
  }
  const out = route.responseBody ? schemas.field(route.responseBody) : schemas.message(m.output);
  const responseType = route.responseBody ? route.responseBody.message : m.output;
  const okContent = isHttpBody(responseType) ? HTTP_BODY_CONTENT : m.serverStreaming ? { "application/x-ndjson": { schema: { type: "object", description: 'One line per message: {"result": message}; a failure after the first message ends the stream with {"error": google.rpc.Status}.', properties: { result: out, error: { $ref: "#/components/schemas/google.rpc.Status" } } } } } : { "application/json": { schema: out } };
  const service = m.path.split("/")[1]!;
  const description = comments(`${service}.${m.name}`);
  return {
    operationId: `${service.split(".").pop()}_${m.name}${index ? `_${index}` : ""}`,
    tags: [service],
    ...(description && { description }),
    parameters,
    ...(requestBody && { requestBody }),
    responses: {
      "200": { description: m.serverStreaming ? "The responses, one JSON value per line." : "OK", content: okContent },
      default: { description: "An error: the gRPC status as google.rpc.Status, with the HTTP status mapped from its code.", content: { "application/json": { schema: { $ref: "#/components/schemas/google.rpc.Status" } } } },
    },
  };
}

export interface OpenApiOptions {
  title: string;
  /** HTTP rules by selector (google.api.Http's service-config form), beside or instead of the methods' options. */
  rules?: readonly RestRuleJson[];
  version: string;
  /** Leading comments of a full name (service, method as Service.Method, message, enum), if any. */
  comments?: (name: string) => string | undefined;
  /** Called for a route OpenAPI cannot describe (a custom HTTP method other than its eight). */
  warn?: (message: string) => void;
}

/** The OpenAPI 3.1 document for the REST routes of `services` (those without routes add nothing). */
export function openApiDocument(services: ServiceInfo[], options: OpenApiOptions): Schema {
  const comments = options.comments ?? (() => undefined);
  const schemas = new SchemaSet(comments);
  const rules = parseHttpRules(options.rules ?? []);
  const paths: Record<string, Record<string, Schema>> = {};
  for (const service of services)
    for (const method of service.methods)
      restRoutes(method, rules).forEach((route, i) => {
        const verb = route.httpMethod;
        if (!OPENAPI_METHODS.has(verb)) return options.warn?.(`${method.path}: the HTTP method "${verb}" has no OpenAPI operation; left out`);
        const path = openApiPath(route);
        (paths[path] ??= {})[verb.toLowerCase()] = operation(route, i, schemas, comments);
      });
  schemas.schemas["google.rpc.Status"] = STATUS_SCHEMA;
  return { openapi: "3.1.0", info: { title: options.title, version: options.version }, paths, components: { schemas: schemas.schemas } };
}

/** Leading comments by full name (services, methods as Service.Method, messages, enums), from the files' source info. */
export function commentsOf(files: readonly FileDescriptorProto[]): (name: string) => string | undefined {
  const byName = new Map<string, string>();
  for (const file of files) {
    const comments = new Map((file.sourceCodeInfo?.location ?? []).map((l) => [l.path.join(), l.leadingComments?.trim()] as const));
    const add = (name: string, path: number[]) => {
      const text = comments.get(path.join());
      if (text && !byName.has(name)) byName.set(name, text);
    };
    const scope = (name: string) => (file.package ? `${file.package}.${name}` : name);
    const visit = (m: DescriptorProto, name: string, path: number[]) => {
      add(name, path);
      m.nestedType.forEach((n, i) => visit(n, `${name}.${n.name}`, [...path, 3, i]));
      m.enumType.forEach((e, i) => add(`${name}.${e.name}`, [...path, 4, i]));
    };
    file.messageType.forEach((m, i) => visit(m, scope(m.name!), [4, i]));
    file.enumType.forEach((e, i) => add(scope(e.name!), [5, i]));
    file.service.forEach((s, i) => {
      add(scope(s.name!), [6, i]);
      s.method.forEach((m, j) => add(`${scope(s.name!)}.${m.name}`, [6, i, 2, j]));
    });
  }
  return (name) => byName.get(name);
}
