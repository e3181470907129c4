/**
 * REST routes from methods' `(google.api.http)` options: one route per binding (the rule and its
 * additional_bindings), each checked against the request and response types when it is built, as http.proto's rules
 * say, so that a route that could never work is an error at start-up instead of a 500 per request.
 */
import { getExtension, type FieldInfo, type MessageInfo, type MethodInfo } from "@tsgrpc/protobuf";
import { file_google_api_annotations } from "../gen/google/api/annotations_pb.js";
import type { HttpRule } from "../gen/google/api/http_pb.js";
import { parseTemplate, type PathTemplate } from "./path-template.js";

export interface RestRoute {
  method: MethodInfo;
  /** GET, POST, PUT, PATCH, DELETE, or a custom verb ("*" matches every one). */
  httpMethod: string;
  template: PathTemplate;
  /** The path variables' fields, by dotted proto field path. */
  pathFields: Map<string, FieldInfo[]>;
  /** "*" (every field the path does not bind), a top-level field, or none (no request body). */
  body: { kind: "all" } | { kind: "field"; field: FieldInfo } | { kind: "none" };
  /** The response field sent as the body, instead of the whole response. */
  responseBody: FieldInfo | undefined;
}

export class RestRouteError extends Error {
  override name = "RestRouteError";
}

const HTTP_EXTENSION = file_google_api_annotations.registry.getExtension("google.api.http")!;

/** The method's google.api.http rule, if it has one. */
export function httpRuleOf(method: MethodInfo): HttpRule | undefined {
  const options = method.proto.options;
  return options ? (getExtension(options, HTTP_EXTENSION) as HttpRule | undefined) : undefined;
}

/** Message types whose JSON form is a string, number or bool: they stand as one query parameter or path value. */
const SCALAR_JSON_TYPES = new Set(
  ["Timestamp", "Duration", "FieldMask", "DoubleValue", "FloatValue", "Int64Value", "UInt64Value", "Int32Value", "UInt32Value", "BoolValue", "StringValue", "BytesValue"].map((n) => `google.protobuf.${n}`),
);

/** A field whose value is one string in a URL: a scalar, an enum, or a message with a scalar JSON form. */
export function isScalarLike(field: FieldInfo): boolean {
  return field.message === undefined || SCALAR_JSON_TYPES.has(field.message.typeName);
}

/** The fields along a dotted proto field path ("sub.subfield"), each but the last a singular message. */
function resolvePath(message: MessageInfo, path: readonly string[], fail: (why: string) => never): FieldInfo[] {
  const out: FieldInfo[] = [];
  let type: MessageInfo | undefined = message;
  for (const [i, name] of path.entries()) {
    const field: FieldInfo | undefined = type?.fields.find((f) => f.name === name);
    if (!field) fail(`${type ? type.typeName : path.slice(0, i).join(".")} has no field "${name}"`);
    if (field.repeated || field.map) fail(`"${path.slice(0, i + 1).join(".")}" is a repeated or map field`);
    if (i < path.length - 1 && (field.message === undefined || isScalarLike(field))) fail(`"${path.slice(0, i + 1).join(".")}" is not a message field`);
    out.push(field);
    type = field.message;
  }
  return out;
}

/** The HTTP method and path of a binding's pattern. */
function patternOf(rule: HttpRule, fail: (why: string) => never): [string, string] {
  const p = rule.pattern;
  switch (p?.case) {
    case "get":
    case "put":
    case "post":
    case "delete":
    case "patch":
      return [p.case.toUpperCase(), p.value];
    case "custom":
      if (!p.value.kind) fail("a custom pattern without a kind");
      return [p.value.kind === "*" ? "*" : p.value.kind.toUpperCase(), p.value.path];
    default:
      return fail("a rule without a pattern (get, put, post, delete, patch or custom)");
  }
}

/**
 * Every field a query parameter may set once the path and body are taken: checks that none is a repeated message or
 * a map (a URL cannot carry one; http.proto allows only primitive and repeated primitive parameters).
 */
function checkQueryFields(message: MessageInfo, taken: Set<string>, prefix: string, seen: Set<string>, fail: (why: string) => never): void {
  if (seen.has(message.typeName)) return; // a recursive type: its deeper fields are only reachable by the body
  seen = new Set(seen).add(message.typeName);
  for (const field of message.fields) {
    const path = prefix + field.name;
    if (taken.has(path)) continue;
    if (field.map) fail(`the map field "${path}" would be a query parameter; bind it with body instead`);
    if (isScalarLike(field)) continue;
    if (field.repeated) fail(`the repeated message field "${path}" would be a query parameter; bind it with body instead`);
    checkQueryFields(field.message!, taken, path + ".", seen, fail);
  }
}

function buildRoute(method: MethodInfo, rule: HttpRule, nested: boolean): RestRoute {
  const where = `${method.path}: (google.api.http)${nested ? " additional_bindings" : ""}`;
  const fail: (why: string) => never = (why) => {
    throw new RestRouteError(`${where}: ${why}`);
  };
  if (nested && rule.additionalBindings.length) fail("additional_bindings may not hold additional_bindings");
  if (method.clientStreaming) fail("client-streaming methods have no REST mapping");
  const [httpMethod, path] = patternOf(rule, fail);
  let template: PathTemplate;
  try {
    template = parseTemplate(path);
  } catch (e) {
    return fail((e as Error).message);
  }
  const pathFields = new Map<string, FieldInfo[]>();
  for (const v of template.variables) {
    const fields = resolvePath(method.input, v.fieldPath, fail);
    if (!isScalarLike(fields.at(-1)!)) fail(`the path variable "${v.fieldPath.join(".")}" is a message field`);
    pathFields.set(v.fieldPath.join("."), fields);
  }
  let body: RestRoute["body"] = { kind: "none" };
  if (rule.body === "*") body = { kind: "all" };
  else if (rule.body) {
    const field = method.input.fields.find((f) => f.name === rule.body);
    if (!field) fail(`body: ${method.input.typeName} has no field "${rule.body}"`);
    if (field.repeated || field.map) fail(`body: "${rule.body}" is a repeated or map field`);
    if (pathFields.has(rule.body)) fail(`body: "${rule.body}" is bound by the path too`);
    body = { kind: "field", field };
  }
  if (body.kind !== "all") {
    const taken = new Set(pathFields.keys());
    if (body.kind === "field") taken.add(body.field.name);
    checkQueryFields(method.input, taken, "", new Set(), fail);
  }
  let responseBody: FieldInfo | undefined;
  if (rule.responseBody) {
    responseBody = method.output.fields.find((f) => f.name === rule.responseBody);
    if (!responseBody) fail(`response_body: ${method.output.typeName} has no field "${rule.responseBody}"`);
  }
  return { method, httpMethod, template, pathFields, body, responseBody };
}

/** A method's full name as an HTTP rule's selector names it: "pkg.Service.Method". */
export function selectorOf(method: MethodInfo): string {
  return method.path.slice(1).replace("/", ".");
}

/**
 * The REST routes of a method: from the rule among `rules` whose selector names it (service-config style, as in
 * google.api.Http; it replaces an annotation), else from its (google.api.http) option; none without either. A rule
 * that cannot work throws a RestRouteError.
 */
export function restRoutes(method: MethodInfo, rules: readonly HttpRule[] = []): RestRoute[] {
  const selector = selectorOf(method);
  const rule = rules.findLast((r) => r.selector === selector) ?? httpRuleOf(method);
  if (!rule) return [];
  return [buildRoute(method, rule, false), ...rule.additionalBindings.map((b) => buildRoute(method, b, true))];
}
