import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import assert from "node:assert/strict";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema, type FileDescriptorSet, type SourceCodeInfo_Location } from "@bufbuild/protobuf/wkt";
import { compileErrors } from "./helpers.js";

// Editions schemas written for these tests (features at file, message, field and enum level; delimited; closed
// enums; LEGACY_REQUIRED; proto2 and proto3 equivalents; an edition 2024 file importing a 2023 one), compiled by
// tsgrpc and by buf 1.75 (the root devDependency; Debian's protoc 3.21 knows no editions).
const protos = fileURLToPath(new URL("../../test/editions-protos", import.meta.url));
const root = fileURLToPath(new URL("../../../../", import.meta.url));
const buf = join(root, "node_modules/.bin/buf");
const cli = join(root, "packages/cli/bin/tsgrpc.js");
const skip = existsSync(buf) ? false : `no buf binary at ${buf} (the root devDependency @bufbuild/buf; run npm ci)`;
const schemas = readdirSync(protos).filter((f) => f.endsWith(".proto")).sort();

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: protos, encoding: "utf8" });
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")}: ${r.stdout}${r.stderr}`);
}

function load(path: string): FileDescriptorSet {
  return fromBinary(FileDescriptorSetSchema, readFileSync(path));
}

const key = (l: SourceCodeInfo_Location) => JSON.stringify([l.path, l.span, l.leadingComments, l.trailingComments, l.leadingDetachedComments]);

for (const name of schemas) {
  test(`editions: ${name} compiles to buf's descriptors (source info included)`, { skip }, () => {
    const dir = mkdtempSync(join(tmpdir(), "tsgrpc-editions-"));
    run(buf, ["build", name, "--as-file-descriptor-set", "-o", join(dir, "buf.binpb")]);
    run(process.execPath, [cli, "compile", "-I", ".", "--include_imports", "--include_source_info", "-o", join(dir, "ts.binpb"), name]);
    const ours = load(join(dir, "ts.binpb"));
    const theirs = load(join(dir, "buf.binpb"));
    assert.deepEqual(ours.file.map((f) => f.name), theirs.file.map((f) => f.name));
    for (let i = 0; i < ours.file.length; i++) {
      const a = ours.file[i]!;
      const b = theirs.file[i]!;
      // The well-known files (descriptor.proto, the language features) are restated without their commentary, so
      // their source info differs by the comments; their descriptors are compared below like the rest.
      if (a.name!.startsWith("google/")) {
        a.sourceCodeInfo = undefined;
        b.sourceCodeInfo = undefined;
        continue;
      }
      // buf 1.75 orders and spans a few locations unlike protoc, in proto2 and proto3 files as much as in editions
      // (where tsgrpc matches protoc byte for byte, see corpus.test.ts): it puts a field's or enum value's name before
      // the element itself, starts a default value's span at `default`, and has no location for a field's brackets
      // when they hold only `default`/`json_name`. Locations are compared as sets, with those two differences undone.
      const fieldOptionsKept = new Set<string>();
      const visit = (path: number[], fields: { options?: unknown }[], no: number) => fields.forEach((f, j) => f.options && fieldOptionsKept.add([...path, no, j, 8].join(",")));
      const walk = (m: (typeof b.messageType)[number], path: number[]) => {
        visit(path, m.field, 2);
        visit(path, m.extension, 6);
        m.nestedType.forEach((n, j) => walk(n, [...path, 3, j]));
      };
      b.messageType.forEach((m, j) => walk(m, [4, j]));
      visit([], b.extension, 7);
      const ourLocations = (a.sourceCodeInfo?.location ?? []).filter((l) => {
        const p = l.path;
        const fieldOptions = p.length >= 3 && p.at(-1) === 8 && [2, 6, 7].includes(p.at(-3)!);
        return !fieldOptions || fieldOptionsKept.has(p.join(","));
      });
      const theirLocations = (b.sourceCodeInfo?.location ?? []).map((l) => {
        if (l.path.at(-1) !== 7 || l.span.length !== 3) return l;
        const ours = ourLocations.find((o) => o.path.join(",") === l.path.join(","));
        return ours && ours.span[0] === l.span[0] && ours.span[2] === l.span[2] ? ours : l;
      });
      assert.deepEqual(ourLocations.map(key).sort(), theirLocations.map(key).sort(), `${a.name}: source code info`);
      a.sourceCodeInfo = undefined;
      b.sourceCodeInfo = undefined;
    }
    // Without source info, the two descriptor sets are the same bytes.
    assert.deepEqual(toBinary(FileDescriptorSetSchema, ours), toBinary(FileDescriptorSetSchema, theirs));
  });
}

test("editions: the descriptor keeps syntax \"editions\", the edition and the features as written", () => {
  const [file] = [load(compileTo("features_2023.proto"))].map((s) => s.file.find((f) => f.name === "features_2023.proto")!);
  assert.equal(file!.syntax, "editions");
  assert.equal(file!.edition, 1000);
  const scalars = file!.messageType.find((m) => m.name === "Scalars")!;
  const child = scalars.field.find((f) => f.name === "child")!;
  assert.equal(child.type, 11, "a delimited message field stays TYPE_MESSAGE in the descriptor");
  assert.equal(child.options?.features?.messageEncoding, 2);
  const must = scalars.field.find((f) => f.name === "must")!;
  assert.equal(must.label, 1, "LEGACY_REQUIRED keeps LABEL_OPTIONAL");
});

function compileTo(name: string): string {
  const out = join(mkdtempSync(join(tmpdir(), "tsgrpc-editions-")), "out.binpb");
  run(process.execPath, [cli, "compile", "-I", ".", "--include_imports", "-o", out, name]);
  return out;
}

// Bad input: each gets protoc's diagnostic, at the place it was written, and nothing crashes.
const bad: Array<[string, string, string]> = [
  ["unknown edition", 'edition = "2099";\nmessage Foo { int32 a = 1; }', 'main.proto:1:11: Unknown edition "2099".'],
  ["a legacy edition named as one", 'edition = "PROTO3";', 'main.proto:1:11: Unknown edition "PROTO3".'],
  ["a test-only edition above the maximum", 'edition = "99999_TEST_ONLY";', "main.proto:1:1: Edition 99999_TEST_ONLY is later than the maximum supported edition 2024"],
  ["a test-only edition below the minimum", 'edition = "1_TEST_ONLY";', "main.proto:1:1: Edition 1_TEST_ONLY is earlier than the minimum supported edition PROTO2"],
  ["unknown feature", 'edition = "2023";\noption features.bogus = 1;', 'main.proto:2:8: Option "features.bogus" unknown. Ensure that your proto definition file imports the proto which defines the option.'],
  ["unknown feature value", 'edition = "2023";\noption features.field_presence = BOGUS;', 'main.proto:2:34: Enum type "google.protobuf.FeatureSet.FieldPresence" has no value named "BOGUS" for option "google.protobuf.FeatureSet.field_presence".'],
  ["a feature's UNKNOWN value", 'edition = "2023";\noption features.field_presence = FIELD_PRESENCE_UNKNOWN;', "main.proto:2:1: Feature field `field_presence` must resolve to a known value, found FIELD_PRESENCE_UNKNOWN"],
  ["feature on the wrong target (message)", 'edition = "2023";\nmessage Foo {\n  option features.field_presence = IMPLICIT;\n}', "main.proto:3:3: Option google.protobuf.FeatureSet.field_presence cannot be set on an entity of type `message`."],
  ["feature on the wrong target (field)", 'edition = "2023";\nmessage Foo { int32 a = 1 [features.enum_type = OPEN]; }', "main.proto:2:28: Option google.protobuf.FeatureSet.enum_type cannot be set on an entity of type `field`."],
  ["feature of a later edition", 'edition = "2023";\noption features.enforce_naming_style = STYLE2024;', "main.proto:2:1: Feature google.protobuf.FeatureSet.enforce_naming_style wasn't introduced until edition 2024 and can't be used in edition 2023"],
  ["features in proto3", 'syntax = "proto3";\noption features.field_presence = IMPLICIT;', "main.proto:2:1: Features are only valid under editions."],
  ["optional label", 'edition = "2023";\nmessage Foo { optional int32 a = 1; }', 'main.proto:2:15: Label "optional" is not supported in editions. By default, all singular fields have presence unless features.field_presence is set.'],
  ["required label", 'edition = "2023";\nmessage Foo { required int32 a = 1; }', 'main.proto:2:15: Label "required" is not supported in editions, use features.field_presence = LEGACY_REQUIRED.'],
  ["group", 'edition = "2023";\nmessage Foo { group Bar = 1 { int32 x = 1; } }', "main.proto:2:15: Group syntax is no longer supported in editions. To get group behavior you can specify features.message_encoding = DELIMITED on a message field."],
  ["packed option", 'edition = "2023";\nmessage Foo { repeated int32 a = 1 [packed = true]; }', "main.proto:2:30: Field option packed is not allowed under editions.  Use the repeated_field_encoding feature to control this behavior."],
  ["reserved string", 'edition = "2023";\nmessage Foo { reserved "a"; }', "main.proto:2:24: Reserved names must be identifiers in editions, not string literals."],
  ["required by default", 'edition = "2023";\noption features.field_presence = LEGACY_REQUIRED;', "main.proto:2:1: Required presence can't be specified by default."],
  ["implicit presence with a default", 'edition = "2023";\nmessage Foo { int32 a = 1 [default = 3, features.field_presence = IMPLICIT]; }', "main.proto:2:21: Implicit presence fields can't specify defaults."],
  ["closed enum with implicit presence", 'edition = "2023";\nenum E { option features.enum_type = CLOSED; A = 1; }\nmessage Foo { E e = 1 [features.field_presence = IMPLICIT]; }', "main.proto:3:17: Implicit presence enum fields must always be open."],
  ["presence on a oneof member", 'edition = "2023";\nmessage Foo { oneof o { int32 a = 1 [features.field_presence = IMPLICIT]; } }', "main.proto:2:31: Oneof fields can't specify field presence."],
  ["implicit message field", 'edition = "2023";\nmessage Foo { Foo f = 1 [features.field_presence = IMPLICIT]; }', "main.proto:2:19: Message fields can't specify implicit presence."],
  ["encoding on a singular field", 'edition = "2023";\nmessage Foo { repeated string s = 1 [features.repeated_field_encoding = PACKED]; }', "main.proto:2:31: Only repeated primitive fields can specify PACKED repeated field encoding."],
  ["utf8 on a non-string", 'edition = "2023";\nmessage Foo { int32 a = 1 [features.utf8_validation = NONE]; }', "main.proto:2:21: Only string fields can specify utf8 validation."],
  ["delimited scalar", 'edition = "2023";\nmessage Foo { int32 a = 1 [features.message_encoding = DELIMITED]; }', "main.proto:2:21: Only message fields can specify message encoding."],
  ["open enum not starting at zero", 'edition = "2023";\nenum E { A = 1; }', "main.proto:2:14: The first enum value must be zero for open enums."],
  ["JSON name clash", 'edition = "2023";\nmessage Foo { int32 a_b = 1; int32 aB = 2; }', 'main.proto:2:36: The default JSON name of field "aB" ("aB") conflicts with the default JSON name of field "a_b".'],
];
for (const [what, text, expected] of bad) {
  test(`editions: ${what} is reported as protoc reports it`, () => {
    assert.deepEqual(compileErrors({ "main.proto": text }), [expected]);
  });
}

test("editions: LEGACY_BEST_EFFORT JSON names may clash, as in proto2", () => {
  assert.deepEqual(compileErrors({ "main.proto": 'edition = "2023";\nmessage Foo { option features.json_format = LEGACY_BEST_EFFORT; int32 a_b = 1; int32 aB = 2; }' }), []);
});

test("editions: a proto3 message may use an open editions enum, not a closed one", () => {
  const files = (closed: boolean) => ({
    "main.proto": 'syntax = "proto3";\nimport "e.proto";\nmessage M { E e = 1; }',
    "e.proto": `edition = "2023";\nenum E {${closed ? " option features.enum_type = CLOSED;" : ""} E_ZERO = 0; }`,
  });
  assert.deepEqual(compileErrors(files(false)), []);
  assert.deepEqual(compileErrors(files(true)), ['main.proto:3:13: Enum type "E" is not a proto3 enum, but is used in "M" which is a proto3 message type.']);
});
