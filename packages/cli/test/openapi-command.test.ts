/**
 * `tsgrpc openapi`: the document is valid OpenAPI 3.1 by the specification's own schema (an independent validator),
 * describes each route as the server transcodes it, and its JSON Schemas accept the JSON protobuf's mapping writes
 * for real messages (checked with Ajv, JSON Schema 2020-12).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import { Compiler } from "@tsgrpc/compiler";
import { messageType, Registry } from "@tsgrpc/protobuf/codegen-support";
import { runCliIn } from "./lint-run.js";

const SCHEMA = `syntax = "proto3";
package demo.v1;
import "google/api/annotations.proto";
import "google/api/httpbody.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";

// The users of the demo.
service UserService {
  // Gets one user.
  rpc GetUser(GetUserRequest) returns (User) { option (google.api.http).get = "/v1/{name=users/*}"; }
  rpc ListUsers(ListUsersRequest) returns (ListUsersResponse) { option (google.api.http).get = "/v1/users"; }
  rpc CreateUser(User) returns (User) {
    option (google.api.http) = { post: "/v1/users" body: "*" additional_bindings { put: "/v1/users/{id}" body: "*" } };
  }
  rpc RenameUser(RenameRequest) returns (User) { option (google.api.http) = { patch: "/v1/users/{id}" body: "name" response_body: "name" }; }
  rpc WatchUsers(ListUsersRequest) returns (stream User) { option (google.api.http).get = "/v1/users:watch"; }
  rpc Avatar(GetUserRequest) returns (google.api.HttpBody) { option (google.api.http).get = "/v1/{name=users/*}/avatar"; }
  rpc Purge(GetUserRequest) returns (User) { option (google.api.http).custom = { kind: "PURGE" path: "/v1/{name=users/*}" }; }
  rpc NoRoute(GetUserRequest) returns (User);
}
message GetUserRequest { string name = 1; }
// A user.
message User {
  int64 id = 1;
  string name = 2;
  google.protobuf.Timestamp created = 3;
  Role role = 4;
  map<string, string> labels = 5;
  repeated User friends = 6;
  google.protobuf.Duration session = 7;
  google.protobuf.Int32Value age = 8;
  google.protobuf.Struct extra = 9;
  bytes avatar = 10;
  double score = 11;
  uint64 visits = 12;
  oneof contact { string email = 13; string phone = 14; }
}
enum Role { ROLE_UNSPECIFIED = 0; ADMIN = 1; }
message ListUsersRequest { int32 page_size = 1; string page_token = 2; Filter filter = 3; google.protobuf.Timestamp since = 4; }
message Filter { Role role = 1; repeated string names = 2; }
message ListUsersResponse { repeated User users = 1; string next_page_token = 2; }
message RenameRequest { int64 id = 1; string name = 2; bool validate_only = 3; }
`;

type Doc = { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, object> } };

async function openapi(schema: string): Promise<{ code: number | null; doc: Doc | undefined; err: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-openapi-"));
  writeFileSync(join(dir, "demo.proto"), schema);
  const r = await runCliIn(dir, ["openapi", "-I", ".", "demo.proto", "--title", "Demo", "--api-version", "1.2.3"]);
  return { code: r.code, doc: r.code === 0 ? (JSON.parse(r.out) as Doc) : undefined, err: r.err, dir };
}

test("tsgrpc openapi writes a valid OpenAPI 3.1 document with every route as the server transcodes it", async () => {
  const { code, doc, err } = await openapi(SCHEMA);
  assert.equal(code, 0, err);
  assert.match(err, /\/demo\.v1\.UserService\/Purge: the HTTP method "PURGE" has no OpenAPI operation; left out/);
  const result = await new Validator().validate(doc as unknown as Parameters<Validator["validate"]>[0]);
  assert.deepEqual(result.errors ?? [], [], "the OpenAPI 3.1 schema accepts the document");
  assert.equal(result.valid, true);
  const paths = doc!.paths;
  assert.deepEqual(Object.keys(paths).sort(), ["/v1/users", "/v1/users/{id}", "/v1/users:watch", "/v1/{name}", "/v1/{name}/avatar"]);
  const get = paths["/v1/{name}"]!["get"];
  assert.equal(get.operationId, "UserService_GetUser");
  assert.equal(get.description, "Gets one user.");
  assert.deepEqual(get.parameters, [{ name: "name", in: "path", required: true, schema: { type: "string", pattern: "^users/[^/]+$" } }]);
  // The fields the path does not bind are query parameters, through singular messages, by JSON name.
  assert.deepEqual(paths["/v1/users"]!["get"].parameters.map((p: { name: string }) => p.name), ["pageSize", "pageToken", "filter.role", "filter.names", "since"]);
  // body "*" and its additional binding, whose path binds id: the body is the rest of User.
  assert.deepEqual(paths["/v1/users"]!["post"].requestBody.content["application/json"].schema, { $ref: "#/components/schemas/demo.v1.User" });
  const put = paths["/v1/users/{id}"]!["put"];
  assert.equal(put.operationId, "UserService_CreateUser_1");
  assert.equal("id" in put.requestBody.content["application/json"].schema.properties, false);
  // A body field and a response_body field; the query keeps what neither takes.
  const patch = paths["/v1/users/{id}"]!["patch"];
  assert.deepEqual(patch.requestBody.content["application/json"].schema, { type: "string" });
  assert.deepEqual(patch.responses["200"].content["application/json"].schema, { type: "string" });
  assert.deepEqual(patch.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`), ["path:id", "query:validateOnly"]);
  assert.deepEqual(Object.keys(paths["/v1/users:watch"]!["get"].responses["200"].content), ["application/x-ndjson"]);
  assert.deepEqual(Object.keys(paths["/v1/{name}/avatar"]!["get"].responses["200"].content), ["*/*"]);
  assert.equal(doc!.components.schemas["demo.v1.User"] !== undefined && (doc!.components.schemas["demo.v1.User"] as { description?: string }).description, "A user.");
});

test("tsgrpc openapi: the schemas accept the JSON that protobuf's mapping writes for real messages, and refuse wrong shapes", async () => {
  const { doc, dir } = await openapi(SCHEMA);
  const ajv = new Ajv2020({ strict: false });
  ajv.addSchema({ $id: "doc", components: doc!.components });
  const validate = ajv.compile({ $ref: "doc#/components/schemas/demo.v1.User" });
  const compiler = new Compiler({ includePaths: [dir] });
  const registry = Registry.from(compiler.withImports(compiler.compile(["demo.proto"])));
  const User = messageType(registry.getMessage("demo.v1.User")!);
  const user = User.fromJson({
    id: "9007199254740993",
    name: "Ada",
    created: "2026-12-07T10:00:00Z",
    role: "ADMIN",
    labels: { team: "core" },
    friends: [{ id: "2", name: "Grace" }],
    session: "1.5s",
    age: 36,
    extra: { nested: [1, "two", null] },
    avatar: "AAEC",
    score: 1.5,
    visits: "18446744073709551615",
    email: "ada@example.com",
  });
  for (const json of [User.toJson(user), User.toJson(user, { emitDefaults: true }), User.toJson(User.fromJson({}))]) assert.equal(validate(json), true, JSON.stringify(validate.errors));
  for (const wrong of [{ id: 5.5 }, { role: "NOPE" }, { labels: { a: 1 } }, { friends: {} }, { created: 7 }, { session: "soon" }])
    assert.equal(validate(wrong), false, `${JSON.stringify(wrong)} is refused`);
});

test("tsgrpc openapi: a route that could never work, and a schema that does not compile, exit 1 with the reason", async () => {
  const bad = await openapi(SCHEMA.replace('get = "/v1/users"; }', 'get = "/v1/{page_size.x}"; }'));
  assert.equal(bad.code, 1);
  assert.match(bad.err, /tsgrpc openapi: \/demo\.v1\.UserService\/ListUsers: \(google\.api\.http\): "page_size" is not a message field/);
  const broken = await openapi(SCHEMA.replace("message GetUserRequest { string name = 1; }", "message GetUserRequest { strin name = 1; }"));
  assert.equal(broken.code, 1);
  assert.match(broken.err, /demo\.proto:\d+:\d+: "strin" is not defined/);
});
