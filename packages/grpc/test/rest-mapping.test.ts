/**
 * REST transcoding's grammar and field mapping, table-driven from the examples in google/api/http.proto's own comments
 * (every HTTP-to-RPC example there), plus the template grammar's corners and the inputs a route or request must refuse.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { Compiler } from "@tsgrpc/compiler";
import { Registry, messageType } from "@tsgrpc/protobuf/codegen-support";
import type { JsonValue, MethodInfo } from "@tsgrpc/protobuf";
import { HttpRule } from "../src/gen/google/api/http_pb.js";
import { GrpcError } from "../src/grpc-error.js";
import { Status } from "../src/status.js";
import { restRoutes, RestRouteError, type RestRoute } from "../src/rest/http-rule.js";
import { matchTemplate, parseTemplate, PathTemplateError } from "../src/rest/path-template.js";
import { restRequestJson } from "../src/rest/request-mapping.js";

/** Compiles one schema (package t) and returns the REST routes of `Service`'s methods, by method name. */
function routesOf(schema: string): Map<string, RestRoute[]> {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-rest-"));
  writeFileSync(join(dir, "t.proto"), `syntax = "proto3";\npackage t;\nimport "google/api/annotations.proto";\n${schema}`);
  const compiler = new Compiler({ includePaths: [dir] });
  const registry = Registry.from(compiler.withImports(compiler.compile(["t.proto"])));
  const service = registry.getService("t.Service")!;
  return new Map(service.methods.map((m) => [m.name, restRoutes(m)]));
}

/** What an HTTP request becomes: the request message (as protobuf JSON with proto field names), through the first route that matches. */
function transcode(routes: RestRoute[], httpMethod: string, url: string, body?: string): JsonValue {
  const { pathname, searchParams } = new URL(url, "http://localhost");
  const rawPath = url.split("?")[0]!;
  for (const route of routes) {
    if (route.httpMethod !== httpMethod && route.httpMethod !== "*") continue;
    const bindings = matchTemplate(route.template, rawPath);
    if (!bindings) continue;
    const json = restRequestJson(route, bindings, searchParams, body === undefined ? undefined : { bytes: new TextEncoder().encode(body), contentType: "application/json" });
    const type = messageType(route.method.input);
    return type.toJson(type.fromJson(json), { useProtoFieldName: true });
  }
  throw new Error(`no route for ${httpMethod} ${pathname}`);
}

const GET_MESSAGE = `
service Service {
  rpc GetMessage(GetMessageRequest) returns (Message) { option (google.api.http).get = "/v1/messages/{message_id}/{sub.subfield}"; }
}
message GetMessageRequest {
  message SubMessage { string subfield = 1; }
  string message_id = 1;
  SubMessage sub = 2;
}
message Message { string text = 1; }
`;

test("http.proto examples: path variables, nested field paths, query parameters, body field, body *, additional bindings", () => {
  // 1. `GET /v1/messages/123456/foo` -> GetMessage(message_id: "123456" sub: SubMessage(subfield: "foo"))
  assert.deepEqual(transcode(routesOf(GET_MESSAGE).get("GetMessage")!, "GET", "/v1/messages/123456/foo"), { message_id: "123456", sub: { subfield: "foo" } });

  // 2. Fields the path does not bind are query parameters:
  //    `GET /v1/messages/123456?revision=2&sub.subfield=foo` -> (message_id: "123456" revision: 2 sub: (subfield: "foo"))
  const withQuery = routesOf(`
service Service { rpc GetMessage(GetMessageRequest) returns (Message) { option (google.api.http).get = "/v1/messages/{message_id}"; } }
message GetMessageRequest {
  message SubMessage { string subfield = 1; }
  string message_id = 1;
  int64 revision = 2;
  SubMessage sub = 3;
}
message Message { string text = 1; }
`).get("GetMessage")!;
  assert.deepEqual(transcode(withQuery, "GET", "/v1/messages/123456?revision=2&sub.subfield=foo"), { message_id: "123456", revision: "2", sub: { subfield: "foo" } });

  // 3. A body field: `PUT /v1/messages/123456 { "text": "Hi!" }` -> (message_id: "123456" message { text: "Hi!" })
  const bodyField = routesOf(`
service Service { rpc UpdateMessage(UpdateMessageRequest) returns (Message) { option (google.api.http) = { put: "/v1/messages/{message_id}" body: "message" }; } }
message UpdateMessageRequest { string message_id = 1; Message message = 2; }
message Message { string text = 1; }
`).get("UpdateMessage")!;
  assert.deepEqual(transcode(bodyField, "PUT", "/v1/messages/123456", '{ "text": "Hi!" }'), { message_id: "123456", message: { text: "Hi!" } });

  // 4. body "*": `PUT /v1/messages/123456 { "text": "Hi!" }` -> (message_id: "123456" text: "Hi!")
  const bodyAll = routesOf(`
service Service { rpc UpdateMessage(Message) returns (Message) { option (google.api.http) = { put: "/v1/messages/{message_id}" body: "*" }; } }
message Message { string message_id = 1; string text = 2; }
`).get("UpdateMessage")!;
  assert.deepEqual(transcode(bodyAll, "PUT", "/v1/messages/123456", '{ "text": "Hi!" }'), { message_id: "123456", text: "Hi!" });

  // 5. additional_bindings: `GET /v1/messages/123456` -> (message_id: "123456");
  //    `GET /v1/users/me/messages/123456` -> (user_id: "me" message_id: "123456")
  const twoBindings = routesOf(`
service Service {
  rpc GetMessage(GetMessageRequest) returns (Message) {
    option (google.api.http) = { get: "/v1/messages/{message_id}" additional_bindings { get: "/v1/users/{user_id}/messages/{message_id}" } };
  }
}
message GetMessageRequest { string message_id = 1; string user_id = 2; }
message Message { string text = 1; }
`).get("GetMessage")!;
  assert.equal(twoBindings.length, 2);
  assert.deepEqual(transcode(twoBindings, "GET", "/v1/messages/123456"), { message_id: "123456" });
  assert.deepEqual(transcode(twoBindings, "GET", "/v1/users/me/messages/123456"), { user_id: "me", message_id: "123456" });

  // 6. Repeated primitive parameters repeat in the URL: `...?param=A&param=B`.
  const repeated = routesOf(`
service Service { rpc List(ListRequest) returns (ListRequest) { option (google.api.http).get = "/v1/things"; } }
enum Color { COLOR_UNSPECIFIED = 0; RED = 1; GREEN = 2; }
message ListRequest { repeated string param = 1; repeated Color colors = 2; bool deep = 3; double ratio = 4; }
`).get("List")!;
  assert.deepEqual(transcode(repeated, "GET", "/v1/things?param=A&param=B&colors=RED&colors=2&deep=true&ratio=0.5"), { param: ["A", "B"], colors: ["RED", "GREEN"], deep: true, ratio: 0.5 });
});

test("path templates: {var=segments}, *, **, verbs, and http.proto's percent-decoding rules", () => {
  const match = (template: string, path: string) => {
    const m = matchTemplate(parseTemplate(template), path);
    return m && Object.fromEntries(m);
  };
  assert.deepEqual(match("/v1/{name=projects/*/users/*}", "/v1/projects/p1/users/u2"), { name: "projects/p1/users/u2" });
  assert.equal(match("/v1/{name=projects/*/users/*}", "/v1/projects/p1/groups/u2"), undefined);
  assert.equal(match("/v1/{name=projects/*/users/*}", "/v1/projects/p1/users"), undefined);
  assert.deepEqual(match("/v1/{name=files/**}", "/v1/files/a/b/c.txt"), { name: "files/a/b/c.txt" });
  assert.deepEqual(match("/v1/{name=files/**}", "/v1/files"), { name: "files" });
  assert.deepEqual(match("/v1/files/**", "/v1/files/x/y"), {});
  assert.deepEqual(match("/v1/{name=operations/*}:cancel", "/v1/operations/op1:cancel"), { name: "operations/op1" });
  assert.equal(match("/v1/{name=operations/*}:cancel", "/v1/operations/op1:delete"), undefined);
  assert.equal(match("/v1/{name=operations/*}:cancel", "/v1/operations/op1"), undefined);
  assert.deepEqual(match("/v1:batchGet", "/v1:batchGet"), {});
  assert.deepEqual(match("/v1/*/{id}", "/v1/any/7"), { id: "7" });
  assert.equal(match("/v1/*/{id}", "/v1//7"), undefined, "* matches one non-empty segment");
  // A one-segment variable is fully decoded; a multi-segment one keeps reserved characters encoded ("%2F" stays).
  assert.deepEqual(match("/v1/{id}", "/v1/a%2Fb%20c%C3%A9"), { id: "a/b cé" });
  assert.deepEqual(match("/v1/{name=files/**}", "/v1/files/a%2Fb/%20%C3%A9%3A"), { name: "files/a%2Fb/ é%3A" });
  assert.equal(match("/v1/{id}", "/v1/%E0%A4%A"), undefined, "a malformed escape does not match");
  assert.equal(match("/v1/{id}", "/v1/%C3%28"), undefined, "an escape that is not UTF-8 does not match");
  assert.deepEqual(match("/v1/caf%C3%A9/{id}", "/v1/caf%c3%a9/1"), { id: "1" }, "literals compare decoded");

  for (const [bad, why] of [
    ["v1/things", /must start with "\/"/],
    ["/v1/{id", /"\{" at 4 is never closed/],
    ["/v1/{a.b-c}", /"a\.b-c" is not a field path/],
    ["/v1/{id}/{id}", /the field "id" is bound twice/],
    ["/v1/{a={b}}", /may not hold another variable/],
    ["/v1/**/x", /"\*\*" must be the last segment/],
    ["/v1//x", /an empty segment/],
    ["/v1/x{id}", /mixes a variable with literal text/],
    ["/v1/x:a/b", /"x:a" is not a literal segment/],
    ["/v1/{id}:", /the verb ":" is not a literal/],
  ] as const)
    assert.throws(() => parseTemplate(bad), (e: Error) => e instanceof PathTemplateError && why.test(e.message), bad);
});

test("routes that could never work are refused when they are built, naming the method and the field", () => {
  const refused = (rule: string, why: RegExp) =>
    assert.throws(
      () => routesOf(`service Service { rpc M(Req) returns (Req) { option (google.api.http) = { ${rule} }; } }\nmessage Sub { string s = 1; }\nmessage Req { string id = 1; Sub sub = 2; repeated Sub subs = 3; repeated string tags = 4; map<string, string> labels = 5; }\n`),
      (e: Error) => e instanceof RestRouteError && e.message.startsWith("/t.Service/M: (google.api.http)") && why.test(e.message),
      rule,
    );
  refused('get: "/v1/{nope}" body: "*"', /t\.Req has no field "nope"/);
  refused('get: "/v1/{sub}" body: "*"', /the path variable "sub" is a message field/);
  refused('get: "/v1/{tags}" body: "*"', /"tags" is a repeated or map field/);
  refused('get: "/v1/{id.x}" body: "*"', /"id" is not a message field/);
  refused('get: "/v1/{id}"', /the repeated message field "subs" would be a query parameter/);
  refused('get: "/v1/{id}" body: "subs"', /body: "subs" is a repeated or map field/);
  refused('post: "/v1/{id}" body: "nothing"', /body: t\.Req has no field "nothing"/);
  refused('post: "/v1/{id}" body: "*" response_body: "x"', /response_body: t\.Req has no field "x"/);
  refused('get: "/v1/{id" body: "*"', /is never closed/);
  refused('body: "*"', /a rule without a pattern/);
  refused('get: "/v1/{id}" body: "*" additional_bindings { get: "/v2/{id}" body: "*" additional_bindings { get: "/v3" } }', /additional_bindings may not hold additional_bindings/);
  // A body that takes the repeated and map fields leaves only primitives to the query: fine.
  assert.equal(routesOf(`service Service { rpc M(Req) returns (Req) { option (google.api.http) = { post: "/v1/{id}" body: "*" }; } }\nmessage Req { string id = 1; repeated Req subs = 2; }\n`).get("M")!.length, 1);
});

test("requests a route cannot take are INVALID_ARGUMENT errors naming the parameter", () => {
  const routes = routesOf(`
service Service {
  rpc Get(Req) returns (Req) { option (google.api.http).get = "/v1/things/{id}"; }
  rpc Put(Req) returns (Req) { option (google.api.http) = { put: "/v1/things/{id}" body: "*" }; }
  rpc Patch(Req) returns (Req) { option (google.api.http) = { patch: "/v1/things/{id}" body: "sub" }; }
  rpc Rename(Req) returns (Req) { option (google.api.http) = { put: "/v1/renames/{book_id}" body: "*" }; }
}
message Sub { string s = 1; }
message Req { string id = 1; Sub sub = 2; bool flag = 3; int32 count = 4; string book_id = 5; }
`);
  const invalid = (name: string, method: string, url: string, body: string | undefined, why: RegExp) =>
    assert.throws(() => transcode(routes.get(name)!, method, url, body), (e: Error) => e instanceof GrpcError && e.code === Status.INVALID_ARGUMENT && why.test(e.message), url);
  invalid("Get", "GET", "/v1/things/1?nope=2", undefined, /query parameter "nope": t\.Req has no such field/);
  invalid("Get", "GET", "/v1/things/1?id=2", undefined, /query parameter "id": the path sets that field/);
  invalid("Get", "GET", "/v1/things/1?flag=yes", undefined, /query parameter "flag": "yes" is not true or false/);
  invalid("Get", "GET", "/v1/things/1?count=1&count=2", undefined, /"count" is set twice/);
  invalid("Get", "GET", "/v1/things/1?sub=x", undefined, /"sub" is a message field/);
  invalid("Get", "GET", "/v1/things/1", '{"flag": true}', /takes no request body/);
  invalid("Put", "PUT", "/v1/things/1?flag=true", "{}", /takes every field from the body/);
  invalid("Put", "PUT", "/v1/things/1", "[1]", /must be a JSON object/);
  invalid("Put", "PUT", "/v1/things/1", "{nope", /the request body is not JSON/);
  invalid("Patch", "PATCH", "/v1/things/1?sub.s=x", '{"s": "y"}', /query parameter "sub\.s": the body sets that field/);
  // The request's own codec names a value of the wrong type.
  assert.throws(() => transcode(routes.get("Get")!, "GET", "/v1/things/1?count=many"), /count/);
  // The path has the last word over the body.
  assert.deepEqual(transcode(routes.get("Put")!, "PUT", "/v1/things/7", '{"id": "8", "count": 3}'), { id: "7", count: 3 });
  // A body field under its JSON name is still the field the path binds (the path wins), and one query parameter
  // given under both names is given twice.
  assert.deepEqual(transcode(routes.get("Rename")!, "PUT", "/v1/renames/7", '{"bookId": "8", "count": 1}'), { book_id: "7", count: 1 });
  invalid("Get", "GET", "/v1/things/1?book_id=a&bookId=b", undefined, /"book_id" is set twice/);
  // JSON names work as parameter names too.
  assert.deepEqual(transcode(routes.get("Patch")!, "PATCH", "/v1/things/1?count=4", '{"s": "y"}'), { id: "1", sub: { s: "y" }, count: 4 });
});

test("rules given by selector (google.api.Http's service-config form) route unannotated methods and replace annotations", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-rest-"));
  writeFileSync(join(dir, "t.proto"), `syntax = "proto3";\npackage t;\nimport "google/api/annotations.proto";\nservice Service {\n  rpc Get(Req) returns (Req) { option (google.api.http).get = "/v1/annotated/{id}"; }\n  rpc Plain(Req) returns (Req);\n}\nmessage Req { string id = 1; }\n`);
  const compiler = new Compiler({ includePaths: [dir] });
  const service = Registry.from(compiler.withImports(compiler.compile(["t.proto"]))).getService("t.Service")!;
  const [get, plain] = service.methods as [MethodInfo, MethodInfo];
  const rules = [HttpRule.fromJson({ selector: "t.Service.Get", get: "/v2/things/{id}" }), HttpRule.fromJson({ selector: "t.Service.Plain", post: "/v2/plain", body: "*", additionalBindings: [{ get: "/v2/plain/{id}" }] })];
  assert.deepEqual(restRoutes(get).map((r) => r.template.source), ["/v1/annotated/{id}"]);
  assert.deepEqual(restRoutes(get, rules).map((r) => `${r.httpMethod} ${r.template.source}`), ["GET /v2/things/{id}"]);
  assert.deepEqual(restRoutes(plain).length, 0);
  assert.deepEqual(restRoutes(plain, rules).map((r) => `${r.httpMethod} ${r.template.source}`), ["POST /v2/plain", "GET /v2/plain/{id}"]);
  assert.deepEqual(transcode(restRoutes(plain, rules), "GET", "/v2/plain/42"), { id: "42" });
});
