/**
 * Lint mutations: a schema that passes every buf lint rule, then broken one way at a time (a badly cased name, a
 * missing suffix, an unused import, a wrong zero value, ...). For each, tsgrpc's findings equal buf's (file, line,
 * column, rule, message), and the rule the mutation breaks is among them: each rule fires where buf's does and
 * nowhere else. Runs with v2 (every rule) and v1 configs; buf's outputs are cached in the temp dir.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { LINT_RULES } from "@tsgrpc/compiler";
import { bufLint, bufMissing, bufRun, CLI, key, prefetchBuf, Workspace, writeTree } from "./lint-harness.js";

const skip = bufMissing;

const HEADER = (pkg = "acme.pet.v1") => `syntax = "proto3";

package ${pkg};
`;
const OPTIONS = `
option go_package = "acme/pet/v1;petv1";
option java_multiple_files = true;
option java_package = "com.acme.pet.v1";
`;

const CLEAN: Record<string, string> = {
  "acme/pet/v1/pet_service.proto": `${HEADER()}
import "acme/pet/v1/types.proto";
import "google/protobuf/timestamp.proto";
${OPTIONS}
// PetService manages pets.
service PetService {
  // GetPet returns one pet.
  rpc GetPet(GetPetRequest) returns (GetPetResponse);
  // ListPets lists them.
  rpc ListPets(ListPetsRequest) returns (ListPetsResponse);
}

// GetPetRequest asks for a pet.
message GetPetRequest {
  // The pet's id.
  string pet_id = 1;
  // When.
  google.protobuf.Timestamp at = 2;
  // How to choose.
  oneof selector {
    // By name.
    string name = 3;
  }
  // At most this many.
  optional int32 limit = 4;
  // Labels.
  map<string, string> tags = 5;
}

// GetPetResponse has the pet.
message GetPetResponse {
  // The pet.
  Pet pet = 1;
}

// ListPetsRequest asks for pets.
message ListPetsRequest {
  // Page size.
  int32 page_size = 1;
}

// ListPetsResponse has them.
message ListPetsResponse {
  // The pets.
  repeated Pet pets = 1;
}
`,
  "acme/pet/v1/types.proto": `${HEADER()}${OPTIONS}
// Pet is a pet.
message Pet {
  // Its id.
  string pet_id = 1;
  // Its kind.
  PetType pet_type = 2;
  // Where it lives.
  message Home {
    // The street.
    string street_name = 1;
  }
}

// PetType is a kind of pet.
enum PetType {
  // Unknown.
  PET_TYPE_UNSPECIFIED = 0;
  // A cat.
  PET_TYPE_CAT = 1;
}
`,
};

type Files = Record<string, string>;

/** Replaces `from` by `to` in `file` (every occurrence); the mutation must change something. */
const sub = (file: string, from: string | RegExp, to: string) => (files: Files) => {
  const before = files[file]!;
  const after = before.replaceAll(from as string, to);
  assert.notEqual(after, before, `mutation of ${file} changed nothing: ${from}`);
  return { ...files, [file]: after };
};
const add = (file: string, text: string) => (files: Files) => ({ ...files, [file]: text });
const move = (from: string, to: string) => (files: Files) => {
  const { [from]: text, ...rest } = files;
  const out: Files = { ...rest, [to]: text! };
  for (const k of Object.keys(out)) out[k] = out[k]!.replaceAll(`"${from}"`, `"${to}"`);
  return out;
};
const all = (...fs: ((f: Files) => Files)[]) => (files: Files) => fs.reduce((acc, f) => f(acc), files);

const SVC = "acme/pet/v1/pet_service.proto";
const TYPES = "acme/pet/v1/types.proto";
const PROTO2 = (pkg: string, body: string) => `syntax = "proto2";\n\npackage ${pkg};\n${OPTIONS}\n${body}`;

interface Mutation {
  name: string;
  /** The rules it must make fire (buf's findings must hold them too). */
  fires: string[];
  mutate: (files: Files) => Files;
  /** Extra keys of the lint section. */
  lint?: Record<string, unknown>;
}

const MUTATIONS: Mutation[] = [
  { name: "enum not PascalCase", fires: ["ENUM_PASCAL_CASE"], mutate: all(sub(TYPES, "enum PetType", "enum pet_type"), sub(TYPES, "  PetType pet_type", "  pet_type pet_type")) },
  { name: "enum value not UPPER_SNAKE_CASE", fires: ["ENUM_VALUE_UPPER_SNAKE_CASE"], mutate: sub(TYPES, "PET_TYPE_CAT", "PET_TYPE_Cat") },
  { name: "enum value without prefix", fires: ["ENUM_VALUE_PREFIX"], mutate: sub(TYPES, "PET_TYPE_CAT", "CAT") },
  { name: "enum zero value without suffix", fires: ["ENUM_ZERO_VALUE_SUFFIX"], mutate: sub(TYPES, "PET_TYPE_UNSPECIFIED", "PET_TYPE_UNKNOWN") },
  { name: "enum zero value suffix option", fires: ["ENUM_ZERO_VALUE_SUFFIX"], mutate: (f) => f, lint: { enum_zero_value_suffix: "_NONE" } },
  { name: "first enum value not zero (proto2)", fires: ["ENUM_FIRST_VALUE_ZERO"], mutate: add("acme/pet/v1/legacy.proto", PROTO2("acme.pet.v1", "// Size is a size.\nenum Size {\n  // Big.\n  SIZE_BIG = 1;\n  // Unset.\n  SIZE_UNSPECIFIED = 0;\n}\n")) },
  { name: "enum allow_alias", fires: ["ENUM_NO_ALLOW_ALIAS"], mutate: sub(TYPES, "  PET_TYPE_CAT = 1;\n", "  PET_TYPE_CAT = 1;\n  // Same.\n  PET_TYPE_FELINE = 1;\n  option allow_alias = true;\n") },
  { name: "field not lower_snake_case", fires: ["FIELD_LOWER_SNAKE_CASE"], mutate: sub(SVC, "string pet_id = 1;", "string petID = 1;") },
  { name: "nested message field and map field names", fires: ["FIELD_LOWER_SNAKE_CASE"], mutate: all(sub(TYPES, "street_name", "StreetName"), sub(SVC, "> tags = 5", "> Tags = 5")) },
  { name: "oneof not lower_snake_case", fires: ["ONEOF_LOWER_SNAKE_CASE"], mutate: sub(SVC, "oneof selector", "oneof Selector") },
  { name: "message not PascalCase", fires: ["MESSAGE_PASCAL_CASE"], mutate: all(sub(TYPES, "message Pet {", "message pet_info {"), sub(SVC, "Pet pet", "pet_info pet")) },
  { name: "nested message not PascalCase", fires: ["MESSAGE_PASCAL_CASE"], mutate: sub(TYPES, "message Home", "message HOME_place") },
  { name: "public import", fires: ["IMPORT_NO_PUBLIC"], mutate: sub(SVC, 'import "acme/pet/v1/types.proto"', 'import public "acme/pet/v1/types.proto"') },
  { name: "unused import", fires: ["IMPORT_USED"], mutate: sub(SVC, 'import "google/protobuf/timestamp.proto";', 'import "google/protobuf/timestamp.proto";\nimport "google/protobuf/duration.proto";') },
  { name: "import used only through an option", fires: ["IMPORT_USED"], mutate: all(add("acme/pet/v1/opts.proto", `${HEADER()}\nimport "google/protobuf/descriptor.proto";\n${OPTIONS}\nextend google.protobuf.FieldOptions {\n  // Secret.\n  optional bool secret = 50001;\n}\n`), sub(SVC, 'import "google/protobuf/timestamp.proto";', 'import "google/protobuf/timestamp.proto";\nimport "acme/pet/v1/opts.proto";\nimport "google/protobuf/empty.proto";'), sub(SVC, "string pet_id = 1;", "string pet_id = 1 [(secret) = true];")) },
  { name: "required field (proto2)", fires: ["FIELD_NOT_REQUIRED"], mutate: add("acme/pet/v1/legacy.proto", PROTO2("acme.pet.v1", "// Tag is a tag.\nmessage Tag {\n  // Name.\n  required string name = 1;\n  // Group.\n  optional group Extra = 2 {\n    // Note.\n    optional string NoteText = 3;\n  }\n  extensions 100 to 200;\n}\n\nextend Tag {\n  // More.\n  optional string moreInfo = 100;\n}\n")) },
  { name: "file without package", fires: ["PACKAGE_DEFINED"], mutate: add("misc.proto", `syntax = "proto3";\n\n// Misc is misc.\nmessage Misc {\n  // Id.\n  string id = 1;\n}\n`) },
  { name: "package not matching its directory", fires: ["PACKAGE_DIRECTORY_MATCH"], mutate: move(TYPES, "acme/pet/types.proto") },
  { name: "package not lower_snake.case", fires: ["PACKAGE_LOWER_SNAKE_CASE"], mutate: all(sub(TYPES, "package acme.pet.v1", "package acme.PetStore.v1"), sub(TYPES, "message Pet {", "message Pet2 {"), sub(SVC, 'import "acme/pet/v1/types.proto";\n', ""), sub(SVC, "Pet pet", "string pet")) },
  { name: "package without version", fires: ["PACKAGE_VERSION_SUFFIX"], mutate: add("acme/store/store.proto", `syntax = "proto3";\n\npackage acme.store;\n\n// Store is a store.\nmessage Store {\n  // Id.\n  string id = 1;\n}\n`) },
  { name: "package in two directories", fires: ["PACKAGE_SAME_DIRECTORY"], mutate: add("acme/pet/v1/extra/extra.proto", `${HEADER()}${OPTIONS}\n// Extra is extra.\nmessage Extra {\n  // Id.\n  string id = 1;\n}\n`) },
  { name: "two packages in one directory", fires: ["DIRECTORY_SAME_PACKAGE"], mutate: add("acme/pet/v1/other.proto", `${HEADER("acme.other.v1")}\n// Other is other.\nmessage Other {\n  // Id.\n  string id = 1;\n}\n`) },
  { name: "different go_package", fires: ["PACKAGE_SAME_GO_PACKAGE"], mutate: sub(TYPES, 'go_package = "acme/pet/v1;petv1"', 'go_package = "acme/pet/v1;pets"') },
  { name: "java_package in one file only", fires: ["PACKAGE_SAME_JAVA_PACKAGE"], mutate: sub(TYPES, 'option java_package = "com.acme.pet.v1";\n', "") },
  { name: "java_multiple_files differs", fires: ["PACKAGE_SAME_JAVA_MULTIPLE_FILES"], mutate: sub(TYPES, "java_multiple_files = true", "java_multiple_files = false") },
  { name: "csharp_namespace, php_namespace, ruby_package, swift_prefix in one file", fires: ["PACKAGE_SAME_CSHARP_NAMESPACE", "PACKAGE_SAME_PHP_NAMESPACE", "PACKAGE_SAME_RUBY_PACKAGE", "PACKAGE_SAME_SWIFT_PREFIX"], mutate: sub(TYPES, 'option java_package = "com.acme.pet.v1";\n', 'option java_package = "com.acme.pet.v1";\noption csharp_namespace = "Acme.Pet.V1";\noption php_namespace = "Acme\\\\Pet\\\\V1";\noption ruby_package = "Acme::Pet::V1";\noption swift_prefix = "APV";\n') },
  {
    name: "package import cycle",
    fires: ["PACKAGE_NO_IMPORT_CYCLE"],
    mutate: all(
      add("acme/a/v1/a1.proto", `${HEADER("acme.a.v1")}\nimport "acme/b/v1/b1.proto";\n\n// A1 is a.\nmessage A1 {\n  // B.\n  acme.b.v1.B1 b = 1;\n}\n`),
      add("acme/a/v1/a2.proto", `${HEADER("acme.a.v1")}\n// A2 is a.\nmessage A2 {\n  // Id.\n  string id = 1;\n}\n`),
      add("acme/b/v1/b1.proto", `${HEADER("acme.b.v1")}\n// B1 is b.\nmessage B1 {\n  // Id.\n  string id = 1;\n}\n`),
      add("acme/b/v1/b2.proto", `${HEADER("acme.b.v1")}\nimport "acme/a/v1/a2.proto";\n\n// B2 is b.\nmessage B2 {\n  // A.\n  acme.a.v1.A2 a = 1;\n}\n`),
    ),
  },
  {
    name: "stable package importing an unstable one",
    fires: ["STABLE_PACKAGE_NO_IMPORT_UNSTABLE"],
    mutate: all(add("acme/beta/v1beta1/thing.proto", `${HEADER("acme.beta.v1beta1")}\n// Thing is a thing.\nmessage Thing {\n  // Id.\n  string id = 1;\n}\n`), sub(SVC, 'import "google/protobuf/timestamp.proto";', 'import "google/protobuf/timestamp.proto";\nimport "acme/beta/v1beta1/thing.proto";'), sub(SVC, "int32 page_size = 1;", "int32 page_size = 1;\n  // Thing.\n  acme.beta.v1beta1.Thing thing = 2;")),
  },
  { name: "file name not lower_snake_case", fires: ["FILE_LOWER_SNAKE_CASE"], mutate: move(TYPES, "acme/pet/v1/petTypes.proto") },
  { name: "no syntax", fires: ["SYNTAX_SPECIFIED"], mutate: add("acme/pet/v1/legacy.proto", `package acme.pet.v1;\n${OPTIONS}\n// Old is old.\nmessage Old {\n  // Id.\n  optional string id = 1;\n}\n`) },
  { name: "RPC not PascalCase", fires: ["RPC_PASCAL_CASE"], mutate: sub(SVC, "rpc GetPet(", "rpc get_pet(") },
  { name: "request and response not named after the RPC", fires: ["RPC_REQUEST_STANDARD_NAME", "RPC_RESPONSE_STANDARD_NAME"], mutate: all(sub(SVC, "ListPetsRequest", "PetQuery"), sub(SVC, "ListPetsResponse", "PetPage")) },
  { name: "service-prefixed request name is standard", fires: [], mutate: sub(SVC, "ListPetsRequest", "PetServiceListPetsRequest") },
  { name: "request type used twice, same type both ways", fires: ["RPC_REQUEST_RESPONSE_UNIQUE"], mutate: sub(SVC, "  // ListPets lists them.\n", "  // Again.\n  rpc GetPetAgain(GetPetRequest) returns (GetPetRequest);\n  // ListPets lists them.\n") },
  { name: "same request and response allowed", fires: ["RPC_REQUEST_RESPONSE_UNIQUE"], mutate: sub(SVC, "  // ListPets lists them.\n", "  // Again.\n  rpc GetPetAgain(GetPetRequest) returns (GetPetRequest);\n  // ListPets lists them.\n"), lint: { rpc_allow_same_request_response: true } },
  ...[{}, { rpc_allow_google_protobuf_empty_requests: true }, { rpc_allow_google_protobuf_empty_responses: true }, { rpc_allow_google_protobuf_empty_requests: true, rpc_allow_google_protobuf_empty_responses: true }].map((lint) => ({
    name: `google.protobuf.Empty everywhere ${JSON.stringify(lint)}`,
    fires: [],
    lint,
    mutate: all(sub(SVC, 'import "google/protobuf/timestamp.proto";', 'import "google/protobuf/timestamp.proto";\nimport "google/protobuf/empty.proto";'), sub(SVC, "  // ListPets lists them.\n", "  // Ping pings.\n  rpc Ping(google.protobuf.Empty) returns (google.protobuf.Empty);\n  // Pong pongs.\n  rpc Pong(google.protobuf.Empty) returns (google.protobuf.Empty);\n  // Clear clears.\n  rpc Clear(ListPetsRequest) returns (google.protobuf.Empty);\n  // ListPets lists them.\n")),
  })),
  { name: "service not PascalCase", fires: ["SERVICE_PASCAL_CASE"], mutate: sub(SVC, "service PetService", "service pet_Service") },
  { name: "service without suffix", fires: ["SERVICE_SUFFIX"], mutate: sub(SVC, "service PetService", "service PetAPI") },
  { name: "service suffix option", fires: [], mutate: sub(SVC, "service PetService", "service PetAPI"), lint: { service_suffix: "API" } },
  { name: "streaming RPCs", fires: ["RPC_NO_CLIENT_STREAMING", "RPC_NO_SERVER_STREAMING"], mutate: sub(SVC, "rpc ListPets(ListPetsRequest) returns (ListPetsResponse)", "rpc ListPets(stream ListPetsRequest) returns (stream ListPetsResponse)") },
  { name: "undocumented service and RPC", fires: ["COMMENT_SERVICE", "COMMENT_RPC"], mutate: all(sub(SVC, "// PetService manages pets.\n", ""), sub(SVC, "  // GetPet returns one pet.\n", "  // buf:lint:ignore RPC_PASCAL_CASE\n")) },
  { name: "undocumented message, field, oneof", fires: ["COMMENT_MESSAGE", "COMMENT_FIELD", "COMMENT_ONEOF"], mutate: all(sub(SVC, "// GetPetResponse has the pet.\n", "/* */\n"), sub(SVC, "  // The pet's id.\n", "  //\n"), sub(SVC, "  // How to choose.\n", "")) },
  { name: "undocumented enum and value", fires: ["COMMENT_ENUM", "COMMENT_ENUM_VALUE"], mutate: all(sub(TYPES, "// PetType is a kind of pet.\n", "// PetType is a kind of pet.\n\n"), sub(TYPES, "  // A cat.\n", "  // A cat.\n\n")) },
  { name: "comment ignores (field, and whole message)", fires: [], mutate: all(sub(SVC, "  // The pet's id.\n  string pet_id = 1;", "  // buf:lint:ignore FIELD_LOWER_SNAKE_CASE\n  // The pet's id.\n  string petId = 1;"), sub(TYPES, "// Pet is a pet.\n", "// Pet is a pet.\n// buf:lint:ignore FIELD_LOWER_SNAKE_CASE ...\n"), sub(TYPES, "street_name", "streetName")) },
  { name: "comment ignores disallowed", fires: ["FIELD_LOWER_SNAKE_CASE"], mutate: sub(SVC, "  // The pet's id.\n  string pet_id = 1;", "  // buf:lint:ignore FIELD_LOWER_SNAKE_CASE\n  string petId = 1;"), lint: { disallow_comment_ignores: true } },
  { name: "ignore and ignore_only", fires: ["ENUM_VALUE_PREFIX"], mutate: all(sub(TYPES, "PET_TYPE_CAT", "CAT"), sub(SVC, "rpc GetPet(", "rpc get_pet("), add("acme/pet/v1/legacy.proto", PROTO2("acme.pet.v1", "// Tag is a tag.\nmessage Tag {\n  // Name.\n  required string name = 1;\n}\n"))), lint: { ignore: ["acme/pet/v1/legacy.proto"], ignore_only: { RPC_PASCAL_CASE: ["acme/pet"], ENUM_VALUE_UPPER_SNAKE_CASE: ["acme"] } } },
];

const V2_RULES = LINT_RULES.filter((r) => r.categories.v2 !== undefined && !r.deprecated).map((r) => r.id);
const V1_RULES = LINT_RULES.filter((r) => r.categories.v1 !== undefined && !r.deprecated).map((r) => r.id);
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The workspace of a schema: one temp dir per distinct set of files. */
const dirOf = new Map<string, string>();
function workspaceOf(files: Files): string {
  const k = JSON.stringify(files);
  let dir = dirOf.get(k);
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), "tsgrpc-lint-mut-"));
    dirs.push(dir);
    writeTree(dir, files);
    dirOf.set(k, dir);
  }
  return dir;
}

function configsOf(m: Mutation): { v2: object; v1: object } {
  const v1lint: Record<string, unknown> = { use: V1_RULES, ...m.lint };
  if ("disallow_comment_ignores" in v1lint) delete v1lint["disallow_comment_ignores"];
  else v1lint["allow_comment_ignores"] = true;
  return { v2: { version: "v2", lint: { use: V2_RULES, ...m.lint } }, v1: { version: "v1", lint: v1lint } };
}

// buf's outputs for every mutation, several buf processes at a time (cached in the temp dir for the tests below).
before(async () => {
  if (skip) return;
  const jobs = MUTATIONS.flatMap((m) => {
    const dir = workspaceOf(m.mutate(CLEAN));
    return Object.values(configsOf(m)).map((c) => ({ dir, args: ["lint", "--error-format", "json", "--config", JSON.stringify(c)] }));
  });
  await prefetchBuf(jobs);
});

function check(files: Files, config: object, fires: string[], what: string): void {
  const dir = workspaceOf(files);
  const text = JSON.stringify(config);
  const bufFound = bufLint(dir, text);
  const ws = new Workspace(dir, [{ path: ".", files: Object.keys(files).sort() }]);
  const theirs = bufFound.map((f) => key(f.path, f.start_line, f.start_column, f.type, f.message)).sort();
  const ours = ws
    .lint(text)
    .map((f) => key(f.path, f.start_line, f.start_column, f.type, f.message))
    .sort();
  assert.deepEqual(ours, theirs, what);
  for (const rule of fires) assert.ok(bufFound.some((f) => f.type === rule), `${what}: buf does not report ${rule}; the mutation does not break it`);
}

test("lint mutations: the clean schema passes every rule, in buf and in tsgrpc", { skip }, () => {
  check(CLEAN, { version: "v2", lint: { use: V2_RULES } }, [], "clean");
  assert.equal(bufLint(mkdtempOf(CLEAN), JSON.stringify({ version: "v2", lint: { use: V2_RULES } })).length, 0, "the clean schema is not clean for buf");
});

const mkdtempOf = workspaceOf;

for (const m of MUTATIONS) {
  test(`lint mutation: ${m.name} -> ${m.fires.join(", ") || "(no finding)"}`, { skip }, () => {
    const files = m.mutate(CLEAN);
    const { v1, v2 } = configsOf(m);
    check(files, v2, m.fires, `${m.name} (v2)`);
    check(files, v1, m.fires.filter((r) => V1_RULES.includes(r)), `${m.name} (v1)`);
  });
}

test("lint mutations: a v1 config's defaults (no comment ignores, no FIELD_NOT_REQUIRED, no cycle rule) as buf", { skip }, () => {
  const files = all(MUTATIONS.find((m) => m.name.startsWith("comment ignores ("))!.mutate, MUTATIONS.find((m) => m.name === "package import cycle")!.mutate, MUTATIONS.find((m) => m.name === "required field (proto2)")!.mutate)(CLEAN);
  check(files, { version: "v1" }, ["FIELD_LOWER_SNAKE_CASE"], "v1 defaults");
  check(files, { version: "v2" }, ["FIELD_NOT_REQUIRED", "PACKAGE_NO_IMPORT_CYCLE"], "v2 defaults");
});

test("tsgrpc lint prints buf's text and github-actions lines, exits 100, and reads buf.yaml from the directory", { skip }, () => {
  const names = ["enum not PascalCase", "field not lower_snake_case", "oneof not lower_snake_case", "nested message not PascalCase", "unused import", "RPC not PascalCase", "service without suffix", "streaming RPCs", "undocumented enum and value", "different go_package"];
  const files = all(...names.map((n) => MUTATIONS.find((m) => m.name === n)!.mutate))(CLEAN);
  const dir = mkdtempOf({ ...files, "buf.yaml": "version: v2\nlint:\n  use:\n    - STANDARD # the default\n    - COMMENTS\n  except: [PACKAGE_VERSION_SUFFIX]\n" });
  for (const format of ["text", "github-actions", "json"]) {
    const theirs = bufRun(dir, ["lint", "--error-format", format]);
    const ours = spawnSync(process.execPath, [CLI, "lint", "--error-format", format], { cwd: dir, encoding: "utf8" });
    assert.equal(ours.stderr, "");
    assert.equal(ours.status, theirs.status);
    assert.ok(ours.stdout.length > 0);
    assert.equal(ours.stdout, theirs.stdout, format);
  }
});
