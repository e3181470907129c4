/**
 * A REST request as the RPC's request message, in protobuf's JSON form (which the method's codec then reads, naming
 * any field of the wrong type): the body (all of it, or one field), then the query parameters for the fields
 * neither binds, then the path variables, as http.proto's mapping rules say.
 */
import { FieldType, type FieldInfo, type JsonValue, type MessageInfo } from "@tsgrpc/protobuf";
import { base64Encode } from "@tsgrpc/protobuf/codegen-support";
import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import { isScalarLike, type RestRoute } from "./http-rule.js";

type JsonObject = { [key: string]: JsonValue };

const HTTP_BODY = "google.api.HttpBody";

/** A request body: JSON text, or raw bytes for a google.api.HttpBody target. */
export interface RestBody {
  bytes: Uint8Array;
  contentType: string | undefined;
}

const invalid = (message: string) => new GrpcError(Status.INVALID_ARGUMENT, message);

/** A path or query value as the JSON value protobuf's JSON mapping reads for the field. */
function jsonValueOf(field: FieldInfo, text: string, name: string): JsonValue {
  const isBool = field.message ? field.message.typeName === "google.protobuf.BoolValue" : field.type === FieldType.BOOL;
  if (isBool) {
    if (text !== "true" && text !== "false") throw invalid(`${name}: "${text}" is not true or false`);
    return text === "true";
  }
  // An enum by number ("2") or by name ("ACTIVE"); every other value as the string JSON accepts for the field.
  if (field.enum && /^-?\d+$/.test(text)) return Number(text);
  return text;
}

/** The field a parameter name (dotted, each part a proto or JSON field name) sets, with the fields on the way. */
function fieldsOf(message: MessageInfo, name: string): FieldInfo[] | undefined {
  const out: FieldInfo[] = [];
  let type: MessageInfo | undefined = message;
  for (const part of name.split(".")) {
    const field: FieldInfo | undefined = type?.fields.find((f) => f.name === part || f.jsonName === part);
    if (!field) return undefined;
    out.push(field);
    type = isScalarLike(field) ? undefined : field.message;
  }
  return out;
}

/** The object holding `field`'s key in `obj` under its proto name, the JSON-name spelling (a body's) moved there. */
function slot(obj: JsonObject, field: FieldInfo): JsonObject {
  if (field.jsonName !== field.name && obj[field.jsonName] !== undefined) {
    obj[field.name] ??= obj[field.jsonName]!;
    delete obj[field.jsonName];
  }
  return obj;
}

/**
 * The object the last of `fields` goes in, the messages on the way made as needed. A value that is not an object on
 * the way is replaced when `overwrite` (the path's bindings), else an error naming `name` (a query parameter).
 */
function parentOf(target: JsonObject, fields: readonly FieldInfo[], name: string, overwrite: boolean): JsonObject {
  let obj = target;
  for (const f of fields.slice(0, -1)) {
    const next = slot(obj, f)[f.name];
    const isObject = typeof next === "object" && next !== null && !Array.isArray(next);
    if (!isObject && next !== undefined && !overwrite) throw invalid(`${name}: "${f.name}" is set twice`);
    obj = (isObject ? next : (obj[f.name] = {})) as JsonObject;
  }
  return slot(obj, fields.at(-1)!);
}

/** Sets a query parameter's value; a repeated field collects values, a singular one set twice is an error. */
function setQueryValue(target: JsonObject, fields: FieldInfo[], value: JsonValue, name: string): void {
  const obj = parentOf(target, fields, name, false);
  const leaf = fields.at(-1)!;
  if (leaf.repeated) ((obj[leaf.name] ??= []) as JsonValue[]).push(value);
  else if (obj[leaf.name] !== undefined) throw invalid(`${name}: "${leaf.name}" is set twice`);
  else obj[leaf.name] = value;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

function parseJsonBody(body: RestBody): JsonValue {
  let text: string;
  try {
    text = UTF8.decode(body.bytes);
  } catch {
    throw invalid("the request body is not UTF-8");
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    throw invalid(`the request body is not JSON: ${(e as Error).message}`);
  }
}

/** A body for an HttpBody field (its bytes and content type as they came), or JSON for any other target. */
function bodyValue(target: MessageInfo | undefined, body: RestBody): JsonValue {
  if (target?.typeName === HTTP_BODY) return { contentType: body.contentType ?? "", data: base64Encode(body.bytes) };
  return parseJsonBody(body);
}

/**
 * The request message's JSON for a matched route: `bindings` from the path template, `query` from the URL, `body`
 * when one came (an empty body is none). Parameters the route cannot take (unknown, bound by the path or the body,
 * given twice for a singular field) are INVALID_ARGUMENT errors naming the parameter.
 */
export function restRequestJson(route: RestRoute, bindings: Map<string, string>, query: URLSearchParams, body: RestBody | undefined): JsonObject {
  const input = route.method.input;
  let out: JsonObject = {};
  const hasBody = body !== undefined && body.bytes.length > 0;
  if (hasBody && route.body.kind === "none") throw invalid(`${route.httpMethod} ${route.template.source} takes no request body`);
  if (hasBody && route.body.kind === "all") {
    const value = bodyValue(input, body);
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalid("the request body must be a JSON object");
    out = value;
  } else if (hasBody && route.body.kind === "field") out[route.body.field.name] = bodyValue(route.body.field.message, body);
  for (const [name, text] of query) {
    if (route.body.kind === "all") throw invalid(`query parameter "${name}": ${route.httpMethod} ${route.template.source} takes every field from the body`);
    const fields = fieldsOf(input, name);
    if (!fields) throw invalid(`query parameter "${name}": ${input.typeName} has no such field`);
    const path = fields.map((f) => f.name).join(".");
    if (route.pathFields.has(path)) throw invalid(`query parameter "${name}": the path sets that field`);
    if (route.body.kind === "field" && fields[0] === route.body.field) throw invalid(`query parameter "${name}": the body sets that field`);
    const leaf = fields.at(-1)!;
    if (!isScalarLike(leaf) || leaf.map) throw invalid(`query parameter "${name}": "${path}" is a message field; set its fields ("${path}.FIELD")`);
    setQueryValue(out, fields, jsonValueOf(leaf, text, `query parameter "${name}"`), `query parameter "${name}"`);
  }
  for (const [path, text] of bindings) {
    const fields = route.pathFields.get(path)!;
    // The path has the last word: a body that sets the same field is overridden, as transcoders do.
    parentOf(out, fields, path, true)[fields.at(-1)!.name] = jsonValueOf(fields.at(-1)!, text, `path variable "${path}"`);
  }
  return out;
}

/** The response's JSON body: the whole response, or its response_body field. */
export function restResponseJson(route: RestRoute, response: JsonValue): JsonValue {
  if (!route.responseBody) return response;
  const obj = response as JsonObject;
  return obj[route.responseBody.jsonName] ?? obj[route.responseBody.name] ?? null;
}
