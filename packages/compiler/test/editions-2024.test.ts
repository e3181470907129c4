import { test } from "node:test";
import assert from "node:assert/strict";
import { SymbolVisibility } from "@tsgrpc/protobuf";
import { fileURLToPath } from "node:url";
import { Compiler } from "../src/index.js";
import { compileErrors, compileOne, protoDir } from "./helpers.js";

// Edition 2024's additions, one bad input each, with protoc's wording at the place protoc reports it (buf 1.75,
// whose new compiler words these differently, accepts and rejects the same inputs: see editions.test.ts for the
// schemas compared with its descriptors).
const hidden = { "dep.proto": 'edition = "2024";\nlocal message Hidden { extensions 100 to 200; }\nmessage Outer { message Inner {} }' };
const options = { "opt.proto": 'edition = "2024";\nimport "google/protobuf/descriptor.proto";\nmessage Ann {}\nextend google.protobuf.MessageOptions { string ann = 50001; }' };
const notVisible = (symbol: string, usage: string, reason: string) =>
  `Symbol "${symbol}", defined in "dep.proto" ${usage} is not visible from "main.proto". ${reason} and cannot be accessed outside its own file`;
const namingOptOut = " (features.enforce_naming_style = STYLE_LEGACY can be used to opt out of this check)";
const bad: Array<[string, Record<string, string>, string[]]> = [
  ["a local message used from another file", { "main.proto": 'edition = "2024";\nimport "dep.proto";\nmessage M { Hidden h = 1; }', ...hidden },
    [`main.proto:3:13: ${notVisible("Hidden", "", "It is explicitly marked 'local'")}`]],
  ["a nested message, local by edition 2024's default, used from a proto3 file", { "main.proto": 'syntax = "proto3";\nimport "dep.proto";\nmessage M { Outer.Inner i = 1; }', ...hidden },
    [`main.proto:3:13: ${notVisible("Outer.Inner", "", "It defaulted to local from file-level 'option features.default_symbol_visibility = 'EXPORT_TOP_LEVEL';")}`]],
  ["an enum of a LOCAL_ALL file", { "main.proto": 'edition = "2024";\nimport "dep.proto";\nmessage M { E e = 1; }', "dep.proto": 'edition = "2024";\noption features.default_symbol_visibility = LOCAL_ALL;\nenum E { E_ZERO = 0; }' },
    [`main.proto:3:13: ${notVisible("E", "", "It defaulted to local from file-level 'option features.default_symbol_visibility = 'LOCAL_ALL';")}`]],
  ["a local message extended from another file", { "main.proto": 'edition = "2024";\nimport "dep.proto";\nextend Hidden { int32 x = 100; }', ...hidden },
    [`main.proto:3:8: ${notVisible("Hidden", "target of extend", "It is explicitly marked 'local'")}`]],
  ["a local message as a method's input and output", { "main.proto": 'edition = "2024";\nimport "dep.proto";\nservice S { rpc Do(Hidden) returns (Hidden); }', ...hidden },
    [`main.proto:3:20: ${notVisible("Hidden", "", "It is explicitly marked 'local'")}`, `main.proto:3:37: ${notVisible("Hidden", "", "It is explicitly marked 'local'")}`]],
  ["an `import option` file's type used as a field type", { "main.proto": 'edition = "2024";\nimport option "opt.proto";\nmessage M { option (ann) = "x"; Ann a = 1; }', ...options },
    ['main.proto:3:33: "Ann" seems to be defined in "opt.proto", which is not imported by "main.proto".  To use it here, please add the necessary import.']],
  ["`import option` in edition 2023", { "main.proto": 'edition = "2023";\nimport option "opt.proto";', "opt.proto": 'edition = "2023";' },
    ["main.proto:2:8: option import is not supported before edition 2024."]],
  ["`import option` in proto3", { "main.proto": 'syntax = "proto3";\nimport option "opt.proto";', "opt.proto": 'syntax = "proto3";' },
    ["main.proto:2:8: option import is not supported before edition 2024."]],
  ["an import after an option import", { "main.proto": 'edition = "2024";\nimport option "opt.proto";\nimport "dep.proto";', "opt.proto": 'edition = "2024";', "dep.proto": 'edition = "2024";' },
    ["main.proto:3:8: imports should precede any option imports to ensure proto files can roundtrip."]],
  ["a weak import in edition 2024", { "main.proto": 'edition = "2024";\nimport weak "dep.proto";', "dep.proto": 'edition = "2024";' },
    ["main.proto:2:8: weak import is not supported in edition 2024 and above. Consider using option import instead."]],
  ["`export` in edition 2023 (not a keyword there)", { "main.proto": 'edition = "2023";\nexport message M {}' },
    ['main.proto:2:1: Expected top-level statement (e.g. "message").']],
  ["`local` in proto3", { "main.proto": 'syntax = "proto3";\nlocal enum E { E_ZERO = 0; }' },
    ['main.proto:2:1: Expected top-level statement (e.g. "message").']],
  ["`export` on a service", { "main.proto": 'edition = "2024";\nexport service S {}' },
    ["main.proto:2:8: 'local' and 'export' visibility modifiers are valid only on 'message' and 'enum'"]],
  ["default_symbol_visibility on a message", { "main.proto": 'edition = "2024";\nmessage M { option features.default_symbol_visibility = LOCAL_ALL; }' },
    ["main.proto:2:13: Option google.protobuf.FeatureSet.default_symbol_visibility cannot be set on an entity of type `message`."]],
  ["default_symbol_visibility in edition 2023", { "main.proto": 'edition = "2023";\noption features.default_symbol_visibility = LOCAL_ALL;' },
    ["main.proto:2:1: Feature google.protobuf.FeatureSet.default_symbol_visibility wasn't introduced until edition 2024 and can't be used in edition 2023"]],
  ["a nested `export` message under STRICT", { "main.proto": 'edition = "2024";\npackage p;\noption features.default_symbol_visibility = STRICT;\nmessage Outer { export message Inner {} }' },
    ['main.proto: "p.Outer.Inner" is a nested message and cannot be `export` with STRICT default_symbol_visibility. It must be moved to top-level, ideally in its own file in order to be `export`.']],
  ["a nested `export` enum under STRICT", { "main.proto": 'edition = "2024";\npackage p;\noption features.default_symbol_visibility = STRICT;\nmessage Outer { export enum E { E_ZERO = 0; } }' },
    ['main.proto: "p.Outer.E" is a nested enum and cannot be marked `export` with STRICT default_symbol_visibility. It must be moved to top-level, ideally in its own file in order to be `export`. For C++ namespacing of enums in a messages use: `local message <OuterNamespace> { export enum p.Outer.E {...} reserved 1 to max; }`']],
  ["a message name under STYLE2024", { "main.proto": 'edition = "2024";\nmessage my_message {}' }, [`main.proto:2:9: Message name my_message should be TitleCase${namingOptOut}`]],
  ["a field name under STYLE2024", { "main.proto": 'edition = "2024";\nmessage M { int32 fieldName = 1; }' }, [`main.proto:2:19: Field name fieldName should be lower_snake_case${namingOptOut}`]],
  ["a field name's underscores under STYLE2024", { "main.proto": 'edition = "2024";\nmessage M { int32 field__name = 1; }' }, [`main.proto:2:19: Field name field__name contains style violating underscores${namingOptOut}`]],
  ["an enum value name under STYLE2024", { "main.proto": 'edition = "2024";\nenum E { e_zero = 0; }' }, [`main.proto:2:10: Enum value name e_zero should be UPPER_SNAKE_CASE${namingOptOut}`]],
  ["a package name under STYLE2024", { "main.proto": 'edition = "2024";\npackage My.Pkg;' }, [`main.proto:2:1: Package name My.Pkg should be lower_snake_case${namingOptOut}`]],
  ["a oneof name under STYLE2024 (no position, as protoc)", { "main.proto": 'edition = "2024";\nmessage M { oneof Kind { int32 a = 1; } }' }, [`main.proto: Oneof name Kind should be lower_snake_case${namingOptOut}`]],
  ["a method name under STYLE2024", { "main.proto": 'edition = "2024";\nmessage M {}\nservice S { rpc do_it(M) returns (M); }' }, [`main.proto:3:17: Method name do_it should be TitleCase${namingOptOut}`]],
  ["an unknown feature extension", { "main.proto": 'edition = "2024";\nimport "google/protobuf/cpp_features.proto";\nmessage M { string s = 1 [features.(pb.nope).x = 1]; }' },
    ['main.proto:3:27: Option "features.(pb.nope)" unknown. Ensure that your proto definition file imports the proto which defines the option.']],
  ["a feature extension whose file is not imported", { "main.proto": 'edition = "2024";\noption features.(pb.cpp).string_type = VIEW;' },
    ['main.proto:2:8: Option "features.(pb.cpp)" unknown. Ensure that your proto definition file imports the proto which defines the option.']],
  ["an unknown feature of a feature extension", { "main.proto": 'edition = "2024";\nimport "google/protobuf/cpp_features.proto";\noption features.(pb.cpp).bogus = 1;' },
    ['main.proto:3:8: Option "features.(pb.cpp).bogus" unknown. Ensure that your proto definition file imports the proto which defines the option.']],
  ["a feature extension on the wrong target (message)", { "main.proto": 'edition = "2024";\nimport "google/protobuf/cpp_features.proto";\nmessage M { option features.(pb.cpp).string_type = VIEW; }' },
    ["main.proto:3:13: Option pb.CppFeatures.string_type cannot be set on an entity of type `message`."]],
  ["a feature extension on the wrong target (field)", { "main.proto": 'edition = "2024";\nimport "google/protobuf/java_features.proto";\nmessage M { string s = 1 [features.(pb.java).large_enum = true]; }' },
    ["main.proto:3:27: Option pb.JavaFeatures.large_enum cannot be set on an entity of type `field`."]],
  ["a feature extension of a later edition", { "main.proto": 'edition = "2023";\nimport "google/protobuf/cpp_features.proto";\noption features.(pb.cpp).enum_name_uses_string_view = true;' },
    ["main.proto:3:1: Feature pb.CppFeatures.enum_name_uses_string_view wasn't introduced until edition 2024 and can't be used in edition 2023"]],
  ["a removed feature extension", { "main.proto": 'edition = "2024";\nimport "google/protobuf/java_features.proto";\noption features.(pb.java).use_old_outer_classname_default = true;' },
    ["main.proto:3:1: Feature pb.JavaFeatures.use_old_outer_classname_default has been removed in edition 2024 and can't be used in edition 2024"]],
  ["a feature extension in proto3", { "main.proto": 'syntax = "proto3";\nimport "google/protobuf/cpp_features.proto";\noption features.(pb.cpp).string_type = VIEW;' },
    ["main.proto:3:1: Features are only valid under editions."]],
];
for (const [what, files, expected] of bad) {
  test(`edition 2024: ${what} is reported as protoc reports it`, () => {
    assert.deepEqual(compileErrors(files), expected);
  });
}

test("edition 2024: what the rules allow compiles", () => {
  const ok: Array<[string, Record<string, string>]> = [
    ["an exported nested enum", { "main.proto": 'edition = "2024";\nimport "dep.proto";\nmessage M { Outer.E e = 1; }', "dep.proto": 'edition = "2024";\nmessage Outer { export enum E { E_ZERO = 0; } }' }],
    ["a local message in its own file", { "main.proto": 'edition = "2024";\nlocal message A {}\nmessage B { A a = 1; }' }],
    ["a nested message of a 2023 file (EXPORT_ALL)", { "main.proto": 'edition = "2024";\nimport "dep.proto";\nmessage M { Outer.Inner i = 1; }', "dep.proto": 'edition = "2023";\nmessage Outer { message Inner {} }' }],
    ["STRICT's enum namespace", { "main.proto": 'edition = "2024";\noption features.default_symbol_visibility = STRICT;\nlocal message Ns { export enum E { E_ZERO = 0; } reserved 1 to max; }' }],
    ["STYLE_LEGACY opting out", { "main.proto": 'edition = "2024";\noption features.enforce_naming_style = STYLE_LEGACY;\nmessage my_message { int32 Field = 1; }' }],
    ["an `import option` file's option", { "main.proto": 'edition = "2024";\nimport option "opt.proto";\nmessage M { option (ann) = "x"; }', ...options }],
  ];
  for (const [what, files] of ok) assert.deepEqual(compileErrors(files), [], what);
});

test("edition 2024: the descriptor keeps visibility keywords as written and option imports apart", () => {
  const file = compileOne('edition = "2024";\nimport option "opt.proto";\nexport message A { local enum E { E_ZERO = 0; } message B {} }\nlocal message C {}', options);
  assert.deepEqual(file.optionDependency, ["opt.proto"]);
  assert.deepEqual(file.dependency, []);
  assert.equal(file.messageType[0]!.visibility, SymbolVisibility.EXPORT);
  assert.equal(file.messageType[0]!.enumType[0]!.visibility, SymbolVisibility.LOCAL);
  assert.equal(file.messageType[0]!.nestedType[0]!.visibility, undefined, "no keyword, no visibility: the default applies");
  assert.equal(file.messageType[1]!.visibility, SymbolVisibility.LOCAL);
});

test("edition 2024: feature extensions resolve from their own edition defaults down to each element", () => {
  const compiler = new Compiler({ includePaths: [fileURLToPath(new URL("../../test/editions-protos", import.meta.url))] });
  const [file] = compiler.compile(["feature_extensions_2024.proto"]);
  const doc = file!.messageType[0]!;
  const [title, body] = doc.field;
  const kind = doc.enumType[0]!;
  const cpp = (element: object) => compiler.features(element)?.["pb.cpp"];
  // The file sets string_type = STRING over 2024's VIEW; the rest of (pb.cpp) keeps 2024's defaults.
  assert.deepEqual(cpp(file!), { legacyClosedEnum: false, stringType: 3, enumNameUsesStringView: true, repeatedType: 1 });
  assert.equal((cpp(title!) as Record<string, unknown>)["stringType"], 2, "CORD, set on the field");
  assert.equal((cpp(body!) as Record<string, unknown>)["stringType"], 3, "STRING, from the file");
  assert.equal((cpp(kind) as Record<string, unknown>)["enumNameUsesStringView"], false);
  assert.equal((compiler.features(kind)?.["pb.java"] as Record<string, unknown>)["largeEnum"], true);
  assert.equal((compiler.features(doc)?.["pb.go"] as Record<string, unknown>)["apiLevel"], 2, "API_HYBRID, set on the message");
  assert.equal((compiler.features(kind.value[1]!)?.["pb.go"] as Record<string, unknown>)["stripEnumPrefix"], 1, "KEEP, set on the value");
  assert.equal((compiler.features(kind.value[0]!)?.["pb.go"] as Record<string, unknown>)["stripEnumPrefix"], 3, "STRIP, from the enum");
  assert.equal(compiler.features(file!)?.["defaultSymbolVisibility"], 2, "descriptor.proto's own features alongside: EXPORT_TOP_LEVEL");

  // Unset, (pb.cpp).string_type is 2024's VIEW and 2023's STRING.
  for (const [edition, expected] of [["2024", 1], ["2023", 3]] as const) {
    const c = new Compiler({ includePaths: [protoDir({ "main.proto": `edition = "${edition}";\nimport "google/protobuf/cpp_features.proto";\nmessage M { string s = 1; }` })] });
    const [f] = c.compile(["main.proto"]);
    assert.equal((c.features(f!.messageType[0]!.field[0]!)?.["pb.cpp"] as Record<string, unknown>)["stringType"], expected, edition);
  }
});
