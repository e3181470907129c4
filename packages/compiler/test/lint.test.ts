import { test } from "node:test";
import assert from "node:assert/strict";
import { BufConfigError, Compiler, defaultLintConfig, lint, LINT_RULES, parseBufYaml } from "../src/index.js";
import { parseYaml } from "../src/buf-config/yaml.js";
import { protoDir } from "./helpers.js";

function lintFiles(files: Record<string, string>, config = defaultLintConfig("v2")) {
  const compiler = new Compiler({ includePaths: [protoDir(files)] });
  const names = Object.keys(files);
  const compiled = compiler.compile(names);
  const inputs = compiler.withImports(compiled).map((proto) => ({ proto, isImport: !names.includes(proto.name!), unusedDependency: compiler.unusedDependencies.get(proto.name!) }));
  return lint(inputs, config).map((f) => `${f.file}:${f.line}:${f.column}:${f.rule}`);
}

test("buf.yaml: YAML with comments, flow and block lists, quoted strings; JSON too", () => {
  assert.deepEqual(parseYaml("version: v2 # the version\nlint:\n  use:\n    - STANDARD\n    - 'COMMENTS'\n  except: [A, \"B\"]\n  ignore_only:\n    X:\n      - a/b\n"), {
    version: "v2",
    lint: { use: ["STANDARD", "COMMENTS"], except: ["A", "B"], ignore_only: { X: ["a/b"] } },
  });
  assert.deepEqual(parseYaml("modules:\n  - path: proto\n    excludes: [proto/x]\n  - path: other\n"), { modules: [{ path: "proto", excludes: ["proto/x"] }, { path: "other" }] });
  const config = parseBufYaml('{"version": "v1", "lint": {"use": ["BASIC"], "allow_comment_ignores": true}}');
  assert.deepEqual([config.modules[0]!.lint.use, config.modules[0]!.lint.allowCommentIgnores], [["BASIC"], true]);
});

test("buf.yaml: the lint and breaking sections, v1 and v2, with paths made relative to each module", () => {
  const c = parseBufYaml("version: v2\nmodules:\n  - path: proto\n  - path: api\n    lint:\n      use: [MINIMAL]\nlint:\n  ignore: [proto/foo, api/bar]\nbreaking:\n  use: [WIRE]\n  ignore_unstable_packages: true\n");
  assert.deepEqual(c.modules.map((m) => [m.path, m.lint.use, m.lint.ignore, m.breaking.use, m.breaking.ignoreUnstablePackages]), [
    ["proto", ["STANDARD"], ["foo"], ["WIRE"], true],
    ["api", ["MINIMAL"], [], ["WIRE"], true],
  ]);
  const v1 = parseBufYaml("version: v1\nbuild:\n  excludes: [third_party]\nlint:\n  use: [DEFAULT]\n  ignore_only:\n    ENUM_VALUE_PREFIX: [a/b.proto]\n");
  assert.deepEqual([v1.modules[0]!.excludes, v1.modules[0]!.lint.ignoreOnly, v1.modules[0]!.lint.allowCommentIgnores, v1.modules[0]!.breaking.use], [["third_party"], { ENUM_VALUE_PREFIX: ["a/b.proto"] }, false, ["FILE"]]);
});

test("buf.yaml: unknown keys, versions and rules are errors that name them (and the close name)", () => {
  const message = (text: string) => {
    try {
      parseBufYaml(text);
    } catch (e) {
      return (e as Error).message;
    }
    return "";
  };
  assert.throws(() => parseBufYaml("version: v2\nfoo: 1\n"), BufConfigError);
  assert.match(message("version: v2\nlint:\n  usee: [BASIC]\n"), /unknown key "usee".*did you mean "use"/);
  assert.match(message("version: v2\nlintt: {}\n"), /unknown key "lintt"/);
  assert.match(message("version: v3\n"), /unknown or unsupported version "v3"/);
  assert.match(message("lint: {}\n"), /unsupported version "v1beta1"/);
  assert.match(message("version: v2\nlint:\n  use: [ENUM_PASCAL_CAS]\n"), /unknown rule or category "ENUM_PASCAL_CAS"; did you mean "ENUM_PASCAL_CASE"\?/);
  assert.match(message("version: v2\nlint:\n  except: [STANDAR]\n"), /"STANDAR"; did you mean "STANDARD"\?/);
  assert.match(message("version: v1\nlint:\n  use: [FIELD_NOT_REQUIRED]\n"), /"FIELD_NOT_REQUIRED" \(it is a rule of v2 configs only\)/);
  assert.match(message("version: v2\nlint:\n  ignore: [.]\n"), /cannot specify "\." as an ignore path/);
  assert.match(message("version: v2\nlint:\n  use: BASIC\n"), /lint\.use must be a list of strings/);
  assert.match(message("version: v2\nlint:\n\tuse: []\n"), /tabs/);
});

test("lint: buf's categories per version (PACKAGE_NO_IMPORT_CYCLE is MINIMAL in v2 only, FIELD_NOT_REQUIRED v2 only)", () => {
  const ids = (v: "v1" | "v2", c: string) => LINT_RULES.filter((r) => r.categories[v]?.includes(c)).map((r) => r.id);
  assert.deepEqual(ids("v2", "MINIMAL"), ["DIRECTORY_SAME_PACKAGE", "PACKAGE_DEFINED", "PACKAGE_DIRECTORY_MATCH", "PACKAGE_SAME_DIRECTORY", "PACKAGE_NO_IMPORT_CYCLE"]);
  assert.deepEqual(ids("v1", "MINIMAL"), ["DIRECTORY_SAME_PACKAGE", "PACKAGE_DEFINED", "PACKAGE_DIRECTORY_MATCH", "PACKAGE_SAME_DIRECTORY"]);
  assert.equal(ids("v2", "STANDARD").length, 35);
  assert.equal(ids("v1", "STANDARD").length, 33);
});

test("lint: findings with buf's positions; comment ignores in v2 by default, not in v1", () => {
  const files = {
    "a/v1/a.proto": 'syntax = "proto3";\n\npackage a.v1;\n\nimport "google/protobuf/empty.proto";\n\nmessage Thing {\n  // buf:lint:ignore FIELD_LOWER_SNAKE_CASE\n  int32 BadName = 1;\n  int32 OtherBad = 2;\n}\n',
  };
  const basic = { ...defaultLintConfig("v2"), use: ["BASIC"] };
  assert.deepEqual(lintFiles(files, basic), ["a/v1/a.proto:5:1:IMPORT_USED", "a/v1/a.proto:10:9:FIELD_LOWER_SNAKE_CASE"]);
  assert.deepEqual(lintFiles(files, { ...defaultLintConfig("v1"), use: ["BASIC"] }), ["a/v1/a.proto:5:1:IMPORT_USED", "a/v1/a.proto:9:9:FIELD_LOWER_SNAKE_CASE", "a/v1/a.proto:10:9:FIELD_LOWER_SNAKE_CASE"]);
  assert.deepEqual(lintFiles(files, { ...basic, except: ["IMPORT_USED"], ignoreOnly: { FIELD_LOWER_SNAKE_CASE: ["a/v1"] } }), []);
});
