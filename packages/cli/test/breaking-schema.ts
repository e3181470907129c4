/**
 * A schema for the breaking tests that exercises every breaking rule when changed one way at a time: proto3 and
 * proto2 files, every FILE_SAME option set, oneofs, maps, optional, reserved ranges and names, enum aliases,
 * defaults of every kind, groups, extensions and extension ranges, services with streaming and idempotency, an
 * unstable package; and the single changes (mutations) made to it.
 */
import assert from "node:assert/strict";

export type Files = Record<string, string>;

export const PET = "acme/pet/v1/pet.proto";
export const TYPES = "acme/pet/v1/types.proto";
export const OTHER = "acme/other/v1/other.proto";
export const LEGACY = "acme/legacy/v1/legacy.proto";
export const BETA = "acme/beta/v1beta1/beta.proto";

export const FILE_OPTIONS: [string, string, string][] = [
  ["go_package", '"acme/pet/v1;petv1"', '"acme/pet/v1;pets"'],
  ["java_package", '"com.acme.pet.v1"', '"com.acme.pets.v1"'],
  ["java_multiple_files", "true", "false"],
  ["java_outer_classname", '"PetProto"', '"PetsProto"'],
  ["java_generic_services", "true", "false"],
  ["csharp_namespace", '"Acme.Pet.V1"', '"Acme.Pets.V1"'],
  ["objc_class_prefix", '"APX"', '"APY"'],
  ["php_namespace", '"Acme\\\\Pet\\\\V1"', '"Acme\\\\Pets\\\\V1"'],
  ["php_class_prefix", '"AP"', '"AQ"'],
  ["php_metadata_namespace", '"Acme\\\\Pet\\\\V1\\\\Meta"', '"Acme\\\\Pets\\\\V1\\\\Meta"'],
  ["ruby_package", '"Acme::Pet::V1"', '"Acme::Pets::V1"'],
  ["swift_prefix", '"AP"', '"AQ"'],
  ["optimize_for", "CODE_SIZE", "LITE_RUNTIME"],
  ["cc_enable_arenas", "true", "false"],
  ["cc_generic_services", "true", "false"],
  ["py_generic_services", "true", "false"],
];

export const BASE: Files = {
  [PET]: `syntax = "proto3";

package acme.pet.v1;

import "acme/pet/v1/types.proto";
import "google/protobuf/timestamp.proto";

${FILE_OPTIONS.map(([name, value]) => `option ${name} = ${value};`).join("\n")}

// Pet is a pet.
message Pet {
  string pet_id = 1;
  int32 age = 2;
  int64 weight = 3 [jstype = JS_STRING];
  string name = 4 [json_name = "petName"];
  optional string nickname = 5;
  repeated string tags = 6;
  map<string, int32> scores = 7;
  PetType pet_type = 8;
  google.protobuf.Timestamp born = 9;
  oneof owner {
    string person = 10;
    string company = 11;
  }
  bytes photo = 12;
  sint32 legs = 13;
  Home home = 14;
  uint64 chip = 15;
  fixed32 code = 16;
  double height = 17;
  Collar collar = 18;

  message Home {
    string street = 1;
    message Room {
      int32 number = 1;
    }
    enum Kind {
      KIND_UNSPECIFIED = 0;
      KIND_HOUSE = 1;
    }
  }

  reserved 20 to 25, 30;
  reserved "old_name";
  option no_standard_descriptor_accessor = false;
}

message GetPetRequest {
  string pet_id = 1;
}

message GetPetResponse {
  Pet pet = 1;
}

message ListPetsRequest {
  int32 page_size = 1;
}

message ListPetsResponse {
  repeated Pet pets = 1;
}

service PetService {
  rpc GetPet(GetPetRequest) returns (GetPetResponse) {
    option idempotency_level = NO_SIDE_EFFECTS;
  }
  rpc ListPets(ListPetsRequest) returns (stream ListPetsResponse);
  rpc UploadPets(stream Pet) returns (ListPetsResponse);
}

service AdminService {
  rpc Reset(GetPetRequest) returns (GetPetResponse);
}
`,
  [TYPES]: `syntax = "proto3";

package acme.pet.v1;

enum PetType {
  PET_TYPE_UNSPECIFIED = 0;
  PET_TYPE_CAT = 1;
  PET_TYPE_DOG = 2;
  reserved 10 to 20, 40;
  reserved "PET_TYPE_FISH";
}

enum Size {
  option allow_alias = true;
  SIZE_UNSPECIFIED = 0;
  SIZE_SMALL = 1;
  SIZE_TINY = 1;
  SIZE_MINI = 1;
  SIZE_BIG = 2;
}

message Collar {
  string color = 1;
}

message Tag {
  string label = 1;
}
`,
  [OTHER]: `syntax = "proto3";

package acme.other.v1;

enum PetType {
  PET_TYPE_UNSPECIFIED = 0;
  PET_TYPE_CAT = 1;
  PET_TYPE_DOG = 2;
  PET_TYPE_BIRD = 3;
}

enum Species {
  SPECIES_UNSPECIFIED = 0;
  SPECIES_CAT = 1;
}
`,
  [LEGACY]: `syntax = "proto2";

package acme.legacy.v1;

option java_package = "com.acme.legacy.v1";

message Record {
  required string id = 1;
  optional int32 count = 2 [default = 7];
  optional string label = 3 [default = "no\\tne", ctype = CORD];
  optional bytes blob = 4 [default = "\\001AB"];
  optional double ratio = 5 [default = 1.5];
  optional float scale = 6 [default = 0.25];
  optional bool flag = 7 [default = true];
  optional Level level = 8 [default = LEVEL_HIGH];
  optional uint64 big = 9 [default = 18446744073709551615];
  optional group Extra = 10 {
    optional string note = 11;
  }
  optional int64 stamp = 12 [jstype = JS_NUMBER];
  optional string plain = 13;
  optional Level first = 14;
  optional double huge = 15 [default = 1e+20];
  extensions 100 to 199;
  extensions 1000 to max;
}

enum Level {
  LEVEL_LOW = 1;
  LEVEL_HIGH = 2;
}

extend Record {
  optional string tag = 100;
  optional int32 rank = 101;
}

message Holder {
  extend Record {
    optional bool marked = 150;
  }
}
`,
  [BETA]: `syntax = "proto3";

package acme.beta.v1beta1;

message Thing {
  string id = 1;
  int32 count = 2;
}

enum Mode {
  MODE_UNSPECIFIED = 0;
  MODE_ON = 1;
}
`,
};

type Mutate = (files: Files) => Files;

/** Replaces `from` by `to` in `file` (the first occurrence); the mutation must change something. */
export const sub =
  (file: string, from: string, to: string): Mutate =>
  (files) => {
    const before = files[file]!;
    assert.ok(before.includes(from), `mutation of ${file}: no ${JSON.stringify(from)}`);
    return { ...files, [file]: before.replace(from, to) };
  };
export const all =
  (...fs: Mutate[]): Mutate =>
  (files) =>
    fs.reduce((acc, f) => f(acc), files);
const drop =
  (file: string): Mutate =>
  ({ [file]: _, ...rest }) =>
    rest;
const rename =
  (from: string, to: string): Mutate =>
  (files) => {
    const { [from]: text, ...rest } = files;
    const out: Files = { ...rest, [to]: text! };
    for (const k of Object.keys(out)) out[k] = out[k]!.replaceAll(`"${from}"`, `"${to}"`);
    return out;
  };
const importOther = sub(PET, 'import "google/protobuf/timestamp.proto";', 'import "google/protobuf/timestamp.proto";\nimport "acme/other/v1/other.proto";');

export interface Mutation {
  name: string;
  mutate: Mutate;
  /** A change buf finds nothing wrong with, under any config. */
  safe?: boolean;
}

export const MUTATIONS: Mutation[] = [
  // Fields.
  { name: "delete a field", mutate: sub(PET, "  int32 age = 2;\n", "") },
  { name: "delete a field, reserving its number", mutate: sub(PET, "  int32 age = 2;\n", "  reserved 2;\n") },
  { name: "delete a field, reserving its name", mutate: sub(PET, "  int32 age = 2;\n", '  reserved "age";\n') },
  { name: "int32 to int64", mutate: sub(PET, "int32 age = 2;", "int64 age = 2;") },
  { name: "int32 to sint32", mutate: sub(PET, "int32 age = 2;", "sint32 age = 2;") },
  { name: "int32 to fixed32", mutate: sub(PET, "int32 age = 2;", "fixed32 age = 2;") },
  { name: "uint64 to int64", mutate: sub(PET, "uint64 chip = 15;", "int64 chip = 15;") },
  { name: "fixed32 to sfixed32", mutate: sub(PET, "fixed32 code = 16;", "sfixed32 code = 16;") },
  { name: "double to float", mutate: sub(PET, "double height = 17;", "float height = 17;") },
  { name: "string to bytes", mutate: sub(PET, "string pet_id = 1;", "bytes pet_id = 1;") },
  { name: "bytes to string", mutate: sub(PET, "bytes photo = 12;", "string photo = 12;") },
  { name: "message to another message", mutate: sub(PET, "Home home = 14;", "Collar home = 14;") },
  { name: "message to bytes", mutate: sub(PET, "Home home = 14;", "bytes home = 14;") },
  { name: "enum to int32", mutate: sub(PET, "PetType pet_type = 8;", "int32 pet_type = 8;") },
  { name: "enum to another enum", mutate: sub(PET, "PetType pet_type = 8;", "Size pet_type = 8;") },
  { name: "enum to a same-named superset enum of another package", mutate: all(importOther, sub(PET, "PetType pet_type = 8;", "acme.other.v1.PetType pet_type = 8;")) },
  { name: "enum to another package's enum", mutate: all(importOther, sub(PET, "PetType pet_type = 8;", "acme.other.v1.Species pet_type = 8;")) },
  { name: "field number changed", mutate: sub(PET, "int32 age = 2;", "int32 age = 40;") },
  { name: "field renamed", mutate: sub(PET, "int32 age = 2;", "int32 years = 2;") },
  { name: "json_name changed", mutate: sub(PET, 'json_name = "petName"', 'json_name = "pet_name"') },
  { name: "json_name removed", mutate: sub(PET, ' [json_name = "petName"]', "") },
  { name: "json_name added", mutate: sub(PET, "int32 age = 2;", 'int32 age = 2 [json_name = "years"];') },
  { name: "proto3 field made optional", mutate: sub(PET, "int32 age = 2;", "optional int32 age = 2;") },
  { name: "proto3 optional field made implicit", mutate: sub(PET, "optional string nickname = 5;", "string nickname = 5;") },
  { name: "singular to repeated", mutate: sub(PET, "int32 age = 2;", "repeated int32 age = 2;") },
  { name: "repeated to singular", mutate: sub(PET, "repeated string tags = 6;", "string tags = 6;") },
  { name: "map to repeated message", mutate: all(sub(PET, "map<string, int32> scores = 7;", "repeated Score scores = 7;"), sub(PET, "message GetPetRequest {", "message Score {\n  string key = 1;\n  int32 value = 2;\n}\n\nmessage GetPetRequest {")) },
  { name: "map value type changed", mutate: sub(PET, "map<string, int32> scores = 7;", "map<string, string> scores = 7;") },
  { name: "map key type changed", mutate: sub(PET, "map<string, int32> scores = 7;", "map<int32, int32> scores = 7;") },
  { name: "optional to required (proto2)", mutate: sub(LEGACY, "optional int32 count = 2", "required int32 count = 2") },
  { name: "required to optional (proto2)", mutate: sub(LEGACY, "required string id = 1;", "optional string id = 1;") },
  { name: "required field added (proto2)", mutate: sub(LEGACY, "  optional string plain = 13;\n", "  optional string plain = 13;\n  required int32 must = 16;\n") },
  { name: "required field deleted (proto2)", mutate: sub(LEGACY, "  required string id = 1;\n", "") },
  { name: "field moved into a oneof", mutate: all(sub(PET, "  int32 age = 2;\n", ""), sub(PET, "    string company = 11;\n", "    string company = 11;\n    int32 age = 2;\n")) },
  { name: "field moved out of a oneof", mutate: all(sub(PET, "    string company = 11;\n", ""), sub(PET, "  bytes photo = 12;", "  string company = 11;\n  bytes photo = 12;")) },
  { name: "oneof renamed", mutate: sub(PET, "oneof owner {", "oneof holder {") },
  { name: "oneof deleted, its fields kept", mutate: sub(PET, "  oneof owner {\n    string person = 10;\n    string company = 11;\n  }\n", "  string person = 10;\n  string company = 11;\n") },
  { name: "group to message (proto2)", mutate: all(sub(LEGACY, "  optional group Extra = 10 {\n    optional string note = 11;\n  }\n", "  optional Extra extra = 10;\n  message Extra {\n    optional string note = 11;\n  }\n")) },
  // Defaults (proto2).
  { name: "int default changed", mutate: sub(LEGACY, "[default = 7]", "[default = 8]") },
  { name: "int default removed", mutate: sub(LEGACY, " [default = 7]", "") },
  { name: "string default changed", mutate: sub(LEGACY, 'default = "no\\tne"', 'default = "so\\"me"') },
  { name: "bytes default changed", mutate: sub(LEGACY, 'default = "\\001AB"', 'default = "\\377C"') },
  { name: "double default changed", mutate: sub(LEGACY, "default = 1.5", "default = 2.5e-7") },
  { name: "double default changed to a big one", mutate: sub(LEGACY, "default = 1e+20", "default = 1234567") },
  { name: "float default changed", mutate: sub(LEGACY, "default = 0.25", "default = 0.1") },
  { name: "float to double, same default", mutate: sub(LEGACY, "optional float scale = 6", "optional double scale = 6") },
  { name: "bool default changed", mutate: sub(LEGACY, "default = true", "default = false") },
  { name: "enum default changed", mutate: sub(LEGACY, "default = LEVEL_HIGH", "default = LEVEL_LOW") },
  { name: "enum default removed", mutate: sub(LEGACY, " [default = LEVEL_HIGH]", "") },
  { name: "enum first value swapped", mutate: sub(LEGACY, "  LEVEL_LOW = 1;\n  LEVEL_HIGH = 2;", "  LEVEL_HIGH = 2;\n  LEVEL_LOW = 1;") },
  { name: "uint64 default changed", mutate: sub(LEGACY, "default = 18446744073709551615", "default = 9007199254740993") },
  { name: "default after another option changed", mutate: sub(LEGACY, "optional int32 count = 2 [default = 7];", "optional int32 count = 2 [deprecated = true, default = 8];") },
  { name: "default on its own line changed", mutate: sub(LEGACY, "optional int32 count = 2 [default = 7];", "optional int32 count = 2 [\n    deprecated = true,\n    default = 8\n  ];") },
  { name: "default written without spaces changed", mutate: sub(LEGACY, "optional int32 count = 2 [default = 7];", "optional int32 count = 2 [default=8];") },
  { name: "default added", mutate: sub(LEGACY, "optional string plain = 13;", 'optional string plain = 13 [default = "x"];') },
  // jstype, ctype.
  { name: "jstype removed", mutate: sub(PET, " [jstype = JS_STRING]", "") },
  { name: "jstype changed (proto2)", mutate: sub(LEGACY, "jstype = JS_NUMBER", "jstype = JS_STRING") },
  { name: "ctype changed", mutate: sub(LEGACY, "ctype = CORD", "ctype = STRING_PIECE") },
  { name: "ctype removed", mutate: sub(LEGACY, ", ctype = CORD", "") },
  { name: "ctype added", mutate: sub(LEGACY, "optional string plain = 13;", "optional string plain = 13 [ctype = CORD];") },
  // Enums.
  { name: "enum value deleted", mutate: sub(TYPES, "  PET_TYPE_DOG = 2;\n", "") },
  { name: "enum value deleted, number reserved", mutate: sub(TYPES, "  PET_TYPE_DOG = 2;\n", "  reserved 2;\n") },
  { name: "enum value deleted, name reserved", mutate: sub(TYPES, "  PET_TYPE_DOG = 2;\n", '  reserved "PET_TYPE_DOG";\n') },
  { name: "enum value renamed", mutate: sub(TYPES, "PET_TYPE_DOG = 2;", "PET_TYPE_HOUND = 2;") },
  { name: "enum alias deleted", mutate: sub(TYPES, "  SIZE_TINY = 1;\n", "") },
  { name: "enum alias renamed", mutate: sub(TYPES, "SIZE_TINY = 1;", "SIZE_WEE = 1;") },
  { name: "enum value number changed", mutate: sub(TYPES, "PET_TYPE_DOG = 2;", "PET_TYPE_DOG = 3;") },
  { name: "enum reserved range shrunk", mutate: sub(TYPES, "reserved 10 to 20, 40;", "reserved 10 to 12, 15 to 20;") },
  { name: "enum reserved name deleted", mutate: sub(TYPES, '  reserved "PET_TYPE_FISH";\n', "") },
  { name: "nested enum deleted", mutate: sub(PET, "    enum Kind {\n      KIND_UNSPECIFIED = 0;\n      KIND_HOUSE = 1;\n    }\n", "") },
  { name: "top-level enum deleted", mutate: sub(TYPES, "enum Size {\n  option allow_alias = true;\n  SIZE_UNSPECIFIED = 0;\n  SIZE_SMALL = 1;\n  SIZE_TINY = 1;\n  SIZE_MINI = 1;\n  SIZE_BIG = 2;\n}\n", "") },
  // Messages.
  { name: "nested message deleted", mutate: sub(PET, "    message Room {\n      int32 number = 1;\n    }\n", "") },
  { name: "top-level message deleted", mutate: sub(TYPES, "message Tag {\n  string label = 1;\n}\n", "") },
  { name: "nested message moved to the top level", mutate: all(sub(PET, "    message Room {\n      int32 number = 1;\n    }\n", ""), sub(PET, "message GetPetRequest {", "message Room {\n  int32 number = 1;\n}\n\nmessage GetPetRequest {")) },
  { name: "message moved to another file of its package", mutate: all(sub(TYPES, "message Tag {\n  string label = 1;\n}\n", ""), sub(PET, "message GetPetRequest {", "message Tag {\n  string label = 1;\n}\n\nmessage GetPetRequest {")) },
  { name: "message moved to another file of its package, a field of it deleted", mutate: all(sub(TYPES, "message Collar {\n  string color = 1;\n}\n", ""), sub(PET, "message GetPetRequest {", "message Collar {\n}\n\nmessage GetPetRequest {")) },
  { name: "message moved to another package", mutate: all(sub(TYPES, "message Tag {\n  string label = 1;\n}\n", ""), sub(OTHER, "enum Species {", "message Tag {\n  string label = 1;\n}\n\nenum Species {")) },
  { name: "reserved range shrunk", mutate: sub(PET, "reserved 20 to 25, 30;", "reserved 20 to 22, 30;") },
  { name: "reserved range deleted", mutate: sub(PET, "reserved 20 to 25, 30;", "reserved 20 to 25;") },
  { name: "reserved name deleted", mutate: sub(PET, '  reserved "old_name";\n', "") },
  { name: "extension range shrunk", mutate: sub(LEGACY, "extensions 100 to 199;", "extensions 100 to 109, 150 to 159, 170 to 199;") },
  { name: "extension range to max deleted", mutate: sub(LEGACY, "  extensions 1000 to max;\n", "") },
  { name: "no_standard_descriptor_accessor set", mutate: sub(PET, "no_standard_descriptor_accessor = false", "no_standard_descriptor_accessor = true") },
  // Extensions.
  { name: "extension deleted", mutate: sub(LEGACY, "  optional int32 rank = 101;\n", "") },
  { name: "nested extension deleted", mutate: sub(LEGACY, "  extend Record {\n    optional bool marked = 150;\n  }\n", "") },
  { name: "extension type changed", mutate: sub(LEGACY, "optional string tag = 100;", "optional bytes tag = 100;") },
  { name: "extension renamed", mutate: sub(LEGACY, "optional int32 rank = 101;", "optional int32 position = 101;") },
  // Services.
  { name: "service deleted", mutate: sub(PET, "service AdminService {\n  rpc Reset(GetPetRequest) returns (GetPetResponse);\n}\n", "") },
  { name: "RPC deleted", mutate: sub(PET, "  rpc UploadPets(stream Pet) returns (ListPetsResponse);\n", "") },
  { name: "server streaming removed", mutate: sub(PET, "returns (stream ListPetsResponse)", "returns (ListPetsResponse)") },
  { name: "client streaming removed", mutate: sub(PET, "rpc UploadPets(stream Pet)", "rpc UploadPets(Pet)") },
  { name: "client streaming added", mutate: sub(PET, "rpc GetPet(GetPetRequest)", "rpc GetPet(stream GetPetRequest)") },
  { name: "request type changed", mutate: sub(PET, "rpc GetPet(GetPetRequest)", "rpc GetPet(ListPetsRequest)") },
  { name: "response type changed", mutate: sub(PET, "returns (GetPetResponse) {", "returns (ListPetsResponse) {") },
  { name: "idempotency level changed", mutate: sub(PET, "idempotency_level = NO_SIDE_EFFECTS", "idempotency_level = IDEMPOTENT") },
  { name: "idempotency level removed", mutate: sub(PET, " {\n    option idempotency_level = NO_SIDE_EFFECTS;\n  }", ";") },
  // Files and packages.
  ...FILE_OPTIONS.map(([name, value, other]) => ({ name: `file option ${name} changed`, mutate: sub(PET, `option ${name} = ${value};`, `option ${name} = ${other};`) })),
  { name: "file option removed", mutate: sub(PET, 'option go_package = "acme/pet/v1;petv1";\n', "") },
  { name: "java_string_check_utf8 set (proto2)", mutate: sub(LEGACY, 'option java_package = "com.acme.legacy.v1";', 'option java_package = "com.acme.legacy.v1";\noption java_string_check_utf8 = true;') },
  { name: "package changed", mutate: sub(BETA, "package acme.beta.v1beta1;", "package acme.beta.v1beta2;") },
  { name: "syntax proto3 to proto2", mutate: all(sub(BETA, 'syntax = "proto3";', 'syntax = "proto2";'), sub(BETA, "  string id = 1;\n  int32 count = 2;", "  optional string id = 1;\n  optional int32 count = 2;")) },
  { name: "file deleted", mutate: drop(BETA) },
  { name: "file renamed", mutate: rename(TYPES, "acme/pet/v1/pet_types.proto") },
  {
    name: "file deleted, its declarations moved to another file of the package",
    mutate: all(drop(TYPES), sub(PET, 'import "acme/pet/v1/types.proto";\n', ""), (files) => ({ ...files, [PET]: files[PET]! + "\n" + BASE[TYPES]!.split("package acme.pet.v1;\n")[1]! })),
  },
  {
    name: "file deleted, a message and an enum of it gone from the package",
    mutate: all(drop(TYPES), sub(PET, 'import "acme/pet/v1/types.proto";\n', ""), sub(PET, "  Collar collar = 18;\n", ""), sub(PET, "message GetPetRequest {", "enum PetType {\n  PET_TYPE_UNSPECIFIED = 0;\n  PET_TYPE_CAT = 1;\n  PET_TYPE_DOG = 2;\n  reserved 10 to 20, 40;\n  reserved \"PET_TYPE_FISH\";\n}\n\nmessage GetPetRequest {")),
  },
  { name: "aliased enum number deleted, its names reserved", mutate: sub(TYPES, "  option allow_alias = true;\n  SIZE_UNSPECIFIED = 0;\n  SIZE_SMALL = 1;\n  SIZE_TINY = 1;\n  SIZE_MINI = 1;\n", '  SIZE_UNSPECIFIED = 0;\n  reserved "SIZE_SMALL", "SIZE_TINY";\n') },
  { name: "field moved to another oneof", mutate: all(sub(PET, "    string company = 11;\n", ""), sub(PET, "  bytes photo = 12;", "  oneof payer {\n    string company = 11;\n  }\n  bytes photo = 12;")) },
  { name: "extension moved to a new file of the package", mutate: all(sub(LEGACY, "  optional int32 rank = 101;\n", ""), (files) => ({ ...files, "acme/legacy/v1/more.proto": 'syntax = "proto2";\n\npackage acme.legacy.v1;\n\nimport "acme/legacy/v1/legacy.proto";\n\nextend Record {\n  optional int32 rank = 101;\n}\n' })) },
  { name: "nested extension moved to the top level", mutate: all(sub(LEGACY, "  extend Record {\n    optional bool marked = 150;\n  }\n", ""), sub(LEGACY, "extend Record {\n  optional string tag = 100;", "extend Record {\n  optional bool marked = 150;\n  optional string tag = 100;")) },
  { name: "service moved to another file of the package", mutate: all(sub(PET, "service AdminService {\n  rpc Reset(GetPetRequest) returns (GetPetResponse);\n}\n", ""), (files) => ({ ...files, "acme/pet/v1/admin.proto": 'syntax = "proto3";\n\npackage acme.pet.v1;\n\nimport "acme/pet/v1/pet.proto";\n\nservice AdminService {\n  rpc Reset(GetPetRequest) returns (GetPetResponse);\n}\n' })) },
  { name: "enum moved to another package", mutate: all(sub(OTHER, "enum Species {\n  SPECIES_UNSPECIFIED = 0;\n  SPECIES_CAT = 1;\n}\n", ""), sub(BETA, "enum Mode {", "enum Species {\n  SPECIES_UNSPECIFIED = 0;\n  SPECIES_CAT = 1;\n}\n\nenum Mode {")) },
  { name: "import dropped", mutate: all(sub(PET, 'import "google/protobuf/timestamp.proto";\n', ""), sub(PET, "  google.protobuf.Timestamp born = 9;\n", "")) },
];

export const ED = "acme/ed/v1/ed.proto";
export const PLAIN = "acme/ed/v1/plain.proto";
export const LANG = "acme/ed/v1/lang.proto";

/** An edition 2023 schema: features set at file, message, field and enum level, the C++ and Java ones too. */
export const EDITIONS_BASE: Files = {
  [ED]: `edition = "2023";

package acme.ed.v1;

option features.field_presence = EXPLICIT;

message Item {
  string name = 1;
  int32 count = 2 [features.field_presence = IMPLICIT];
  Item child = 3 [features.message_encoding = DELIMITED];
  string note = 4 [features.utf8_validation = NONE];
  int32 must = 7 [features.field_presence = LEGACY_REQUIRED];
  Status status = 8;
  repeated int32 nums = 9 [features.repeated_field_encoding = EXPANDED];
  message Sub {
    option features.json_format = LEGACY_BEST_EFFORT;
    string x = 1;
  }
  Sub sub = 10;
  int32 dflt = 11 [default = 5];
  oneof choice {
    string left = 12;
    string right = 13;
  }
}

enum Status {
  option features.enum_type = CLOSED;
  STATUS_UNSPECIFIED = 0;
  STATUS_OK = 1;
}

enum Open {
  OPEN_UNSPECIFIED = 0;
  OPEN_A = 1;
}
`,
  [PLAIN]: `edition = "2023";

package acme.ed.v1;

message Plain {
  string a = 1;
  int32 b = 2;
}

enum Kind {
  KIND_UNSPECIFIED = 0;
  KIND_A = 1;
}
`,
  [LANG]: `edition = "2023";

package acme.ed.v1;

import "google/protobuf/cpp_features.proto";
import "google/protobuf/java_features.proto";

option features.utf8_validation = NONE;

message Lang {
  string raw = 1 [features.(pb.cpp).string_type = CORD];
  string text = 2 [features.(pb.java).utf8_validation = VERIFY];
  string plain = 3;
  bytes data = 4 [ctype = CORD];
  message Inner {
    string deep = 1;
  }
}
`,
};

export const EDITIONS_MUTATIONS: Mutation[] = [
  { name: "editions: enum made open", mutate: sub(ED, "  option features.enum_type = CLOSED;\n", "") },
  { name: "editions: enum made closed", mutate: sub(ED, "enum Open {\n", "enum Open {\n  option features.enum_type = CLOSED;\n") },
  { name: "editions: message JSON format limited", mutate: sub(ED, "message Item {\n", "message Item {\n  option features.json_format = LEGACY_BEST_EFFORT;\n") },
  { name: "editions: file JSON format limited", mutate: sub(ED, "option features.field_presence = EXPLICIT;", "option features.field_presence = EXPLICIT;\noption features.json_format = LEGACY_BEST_EFFORT;") },
  { name: "editions: enum JSON format limited", mutate: sub(ED, "enum Open {\n", "enum Open {\n  option features.json_format = LEGACY_BEST_EFFORT;\n") },
  { name: "editions: JSON format allowed again", safe: true, mutate: sub(ED, "    option features.json_format = LEGACY_BEST_EFFORT;\n", "") },
  { name: "editions: delimited encoding removed", mutate: sub(ED, " [features.message_encoding = DELIMITED]", "") },
  { name: "editions: delimited encoding added", mutate: sub(ED, "Sub sub = 10;", "Sub sub = 10 [features.message_encoding = DELIMITED];") },
  { name: "editions: utf8 validation removed", mutate: sub(ED, " [features.utf8_validation = NONE]", "") },
  { name: "editions: utf8 validation turned off", mutate: sub(ED, "string name = 1;", "string name = 1 [features.utf8_validation = NONE];") },
  { name: "editions: file utf8 validation turned off", mutate: sub(ED, "option features.field_presence = EXPLICIT;", "option features.field_presence = EXPLICIT;\noption features.utf8_validation = NONE;") },
  { name: "editions: legacy required removed", mutate: sub(ED, " [features.field_presence = LEGACY_REQUIRED]", "") },
  { name: "editions: legacy required added", mutate: sub(ED, "Status status = 8;", "Status status = 8 [features.field_presence = LEGACY_REQUIRED];") },
  { name: "editions: implicit presence removed", mutate: sub(ED, " [features.field_presence = IMPLICIT]", "") },
  { name: "editions: file presence made implicit", mutate: all(sub(ED, "option features.field_presence = EXPLICIT;", "option features.field_presence = IMPLICIT;"), sub(ED, "int32 dflt = 11 [default = 5];", "int32 dflt = 11;"), sub(ED, "Status status = 8;", "Status status = 8 [features.field_presence = EXPLICIT];")) },
  { name: "editions: packed encoding restored", safe: true, mutate: sub(ED, " [features.repeated_field_encoding = EXPANDED]", "") },
  { name: "editions: default changed", mutate: sub(ED, "[default = 5]", "[default = 6]") },
  { name: "editions: field moved out of a oneof", mutate: all(sub(ED, "    string right = 13;\n", ""), sub(ED, "  Sub sub = 10;", "  Sub sub = 10;\n  string right = 13;")) },
  { name: "editions: C++ string type feature removed", mutate: sub(LANG, " [features.(pb.cpp).string_type = CORD]", "") },
  { name: "editions: C++ string type feature added", mutate: sub(LANG, "string plain = 3;", "string plain = 3 [features.(pb.cpp).string_type = CORD];") },
  { name: "editions: ctype changed", mutate: sub(LANG, "[ctype = CORD]", "[ctype = STRING]") },
  { name: "editions: Java UTF8 validation feature removed", mutate: sub(LANG, " [features.(pb.java).utf8_validation = VERIFY]", "") },
  { name: "editions: Java UTF8 validation set on a file", mutate: sub(LANG, "option features.utf8_validation = NONE;", "option features.utf8_validation = NONE;\noption features.(pb.java).utf8_validation = VERIFY;") },
  { name: "editions to proto3", mutate: sub(PLAIN, 'edition = "2023";', 'syntax = "proto3";') },
  {
    name: "editions to proto2",
    mutate: all(sub(PLAIN, 'edition = "2023";', 'syntax = "proto2";'), sub(PLAIN, "  string a = 1;\n  int32 b = 2;", "  optional string a = 1;\n  optional int32 b = 2;")),
  },
];
