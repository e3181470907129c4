/**
 * Breaking configs and inputs, against `buf breaking` (1.75): except, ignore, ignore_only (rules and categories),
 * ignore_unstable_packages, deprecated rule IDs, v1 and v2; descriptor sets from `buf build` with and without source
 * info (findings at 1:1 without it); --exclude-imports; and unknown rule names, which are errors with a close name.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { breaking, BreakingConfigError, breakingRulesFor, BufConfigError, decodeDescriptorSet, defaultBreakingConfig, parseBufYaml, type BreakingFileInput, type LintFinding } from "@tsgrpc/compiler";
import { all, BASE, BETA, LEGACY, MUTATIONS, OTHER, PET, sub, TYPES, type Files } from "./breaking-schema.js";
import { breakingArgs, bufBreaking, bufImage, bufMissing, bufRun, compileTree, prefetchBuf, writeTree, type BufFinding } from "./lint-harness.js";

const skip = bufMissing;
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function pairOf(current: Files): string {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-breaking-cfg-"));
  dirs.push(dir);
  writeTree(join(dir, "current"), current);
  writeTree(join(dir, "previous"), BASE);
  return dir;
}

const key = (path: string, line: number, column: number, rule: string, message: string) => `${path}:${line}:${column}:${rule}:${message}`;
const theirs = (found: BufFinding[]) => found.map((f) => key(f.path, f.start_line, f.start_column, f.type, f.message)).sort();
const mine = (found: LintFinding[]) => found.map((f) => key(f.file, f.line, f.column, f.rule, f.message)).sort();

/** Changes in several files and packages at once, an unstable one included. */
const SEVERAL = all(
  sub(PET, "  int32 age = 2;\n", ""),
  sub(PET, "rpc UploadPets(stream Pet)", "rpc UploadPets(Pet)"),
  sub(TYPES, "  PET_TYPE_DOG = 2;\n", ""),
  sub(LEGACY, "optional int32 count = 2", "required int32 count = 2"),
  sub(LEGACY, "  optional int32 rank = 101;\n", ""),
  sub(BETA, "  int32 count = 2;\n", ""),
  sub(BETA, "MODE_ON = 1;", "MODE_OFF = 1;"),
);
/** Files and packages going away, a message moving to another package. */
const GONE = (files: Files): Files => {
  const { [BETA]: _, ...rest } = files;
  return all(sub(TYPES, "message Tag {\n  string label = 1;\n}\n", ""), sub(OTHER, "enum Species {", "message Tag {\n  string label = 1;\n}\n\nenum Species {"))(rest);
};

const v1 = (breaking: object) => JSON.stringify({ version: "v1", breaking });
const v2 = (breaking: object) => JSON.stringify({ version: "v2", breaking });
const CONFIGS = [
  v1({ use: ["FILE"], except: ["FIELD_NO_DELETE", "ENUM_VALUE_NO_DELETE"] }),
  v2({ use: ["FILE", "WIRE"], except: ["FILE_NO_DELETE", "RPC_SAME_CLIENT_STREAMING", "WIRE_JSON"] }),
  v2({ use: ["PACKAGE"], ignore: ["acme/beta", "acme/pet/v1/types.proto"] }),
  v1({ use: ["FILE"], ignore: ["acme/legacy/v1/legacy.proto"] }),
  v2({ use: ["FILE"], ignore_only: { FIELD_NO_DELETE: ["acme/pet"], WIRE: ["acme/legacy"], ENUM_VALUE_NO_DELETE: ["acme/pet/v1/types.proto"] } }),
  v1({ use: ["PACKAGE"], ignore_only: { PACKAGE: ["acme/beta/v1beta1/beta.proto"] } }),
  v1({ use: ["FILE"], ignore_unstable_packages: true }),
  v2({ use: ["PACKAGE", "WIRE_JSON"], ignore_unstable_packages: true }),
  v1({ use: ["FIELD_SAME_LABEL", "FIELD_SAME_CTYPE", "FILE_SAME_JAVA_STRING_CHECK_UTF8", "FILE_SAME_PHP_GENERIC_SERVICES", "MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT", "FILE_NO_DELETE"] }),
  v1({ use: ["WIRE_JSON"], except: ["FIELD_SAME_LABEL"] }),
  v2({ use: ["WIRE_JSON"], disable_builtin: true }),
];
const CASES: [string, Files][] = [
  ["several changes", SEVERAL(BASE)],
  ["files and packages gone", GONE(BASE)],
];

function ours(dir: string, current: Files, config: string | undefined, excludeImports = false): LintFinding[] {
  const cfg = config === undefined ? defaultBreakingConfig() : parseBufYaml(config).modules[0]!.breaking;
  const tree = (side: string, files: Files) => compileTree(join(dir, side), Object.keys(files).sort());
  return breaking(tree("current", current), tree("previous", BASE), cfg, { excludeImports });
}

const pairsByCase = new Map<string, string>();
before(async () => {
  if (skip) return;
  for (const [name, files] of CASES) pairsByCase.set(name, pairOf(files));
  const jobs = [...pairsByCase.values()].flatMap((dir) => CONFIGS.map((c) => ({ dir: join(dir, "current"), args: breakingArgs(c), also: [join(dir, "previous")] })));
  await prefetchBuf(jobs);
});

for (const [name, files] of CASES)
  test(`breaking configs: ${name}, under except, ignore, ignore_only, ignore_unstable_packages, deprecated IDs (v1 and v2)`, { skip }, () => {
    const dir = pairsByCase.get(name)!;
    let total = 0;
    for (const config of CONFIGS) {
      const found = bufBreaking(dir, config);
      total += found.length;
      assert.deepEqual(mine(ours(dir, files, config)), theirs(found), `${name} under ${config}`);
    }
    assert.ok(total > 0);
  });

test("breaking: imports are compared unless excluded (buf's --exclude-imports)", { skip }, () => {
  const files = MUTATIONS.find((m) => m.name === "import dropped")!.mutate(BASE);
  const dir = pairOf(files);
  const config = v2({ use: ["FILE", "PACKAGE"] });
  const compared = bufBreaking(dir, config);
  assert.ok(compared.some((f) => f.message.includes("google/protobuf/timestamp.proto")), "buf reports the import that went away");
  assert.deepEqual(mine(ours(dir, files, config)), theirs(compared));
  const excluded = bufBreaking(dir, config, ["--exclude-imports"]);
  assert.deepEqual(mine(ours(dir, files, config, true)), theirs(excluded));
  assert.ok(excluded.length < compared.length);
});

/** `buf build` of both sides of a pair into images (with or without source info) in the pair dir, as breaking takes them. */
function images(dir: string, sourceInfo: boolean): { current: BreakingFileInput[]; previous: BreakingFileInput[] } {
  const build = (side: string) => {
    const out = join(dir, `${side}${sourceInfo ? "" : "-bare"}.binpb`);
    copyFileSync(bufImage(join(dir, side), sourceInfo ? [] : ["--exclude-source-info"]), out);
    return decodeDescriptorSet(readFileSync(out));
  };
  return { current: build("current"), previous: build("previous") };
}

const IMAGE_MUTATIONS = ["int default changed", "string default changed", "enum default changed", "default after another option changed", "default on its own line changed", "default written without spaces changed", "delete a field", "map value type changed", "file deleted", "enum value renamed", "field moved into a oneof", "RPC deleted", "file option go_package changed", "message moved to another file of its package, a field of it deleted"];

test("breaking: descriptor sets from buf build, with source info (exact columns) and without (findings at 1:1), with and without ignores", { skip }, () => {
  const use = ["FILE", "PACKAGE", "WIRE_JSON", "WIRE"];
  const configs = [v2({ use }), v2({ use, ignore: ["acme/beta"], ignore_only: { FIELD_SAME_DEFAULT: ["acme/legacy/v1/legacy.proto"], FIELD_NO_DELETE: ["acme/pet/v1/types.proto"] } })];
  for (const name of IMAGE_MUTATIONS) {
    const dir = pairOf(MUTATIONS.find((m) => m.name === name)!.mutate(BASE));
    for (const sourceInfo of [true, false]) {
      const { current, previous } = images(dir, sourceInfo);
      const suffix = sourceInfo ? "" : "-bare";
      configs.forEach((config, i) => {
        const args = ["breaking", `current${suffix}.binpb`, "--against", `previous${suffix}.binpb`, "--error-format", "json", "--config", config];
        const found = bufRun(dir, args).stdout.split("\n").filter(Boolean).map((l) => ({ path: "", ...(JSON.parse(l) as Partial<BufFinding>) }) as BufFinding);
        if (i === 0) assert.ok(found.length > 0, name);
        if (!sourceInfo) assert.ok(found.every((f) => f.start_line === 1 && f.start_column === 1), `${name}: buf without source info`);
        assert.deepEqual(mine(breaking(current, previous, parseBufYaml(config).modules[0]!.breaking)), theirs(found), `${name} (${sourceInfo ? "with" : "without"} source info) under ${config}`);
      });
    }
  }
});

test("breaking configs: unknown rule and category names are errors naming them and the closest known name", () => {
  assert.throws(() => parseBufYaml(v2({ use: ["FIELD_NO_DELET"] })), (e: Error) => e instanceof BufConfigError && e.message.includes('"FIELD_NO_DELET"') && e.message.includes('did you mean "FIELD_NO_DELETE"'));
  assert.throws(() => parseBufYaml(v1({ except: ["WIRE_JSONN"] })), (e: Error) => e instanceof BufConfigError && e.message.includes("breaking.except") && e.message.includes('"WIRE_JSON"'));
  assert.throws(() => parseBufYaml(v2({ ignore_only: { FILE_SAME_PACKAGES: ["a"] } })), (e: Error) => e instanceof BufConfigError && e.message.includes('"FILE_SAME_PACKAGE"'));
  assert.throws(() => parseBufYaml(v2({ use: ["FIELD_SAME_LABEL"] })), (e: Error) => e instanceof BufConfigError && e.message.includes("v1 configs only"));
  assert.throws(() => parseBufYaml(v1({ use: ["EXTENSION_NO_DELETE"] })), (e: Error) => e instanceof BufConfigError && e.message.includes("v2 configs only"));
  assert.throws(() => parseBufYaml(v1({ use: ["CSR"] })), (e: Error) => e instanceof BufConfigError && e.message.includes('"CSR"'));
  assert.throws(() => parseBufYaml(v1({ uses: ["FILE"] })), (e: Error) => e instanceof BufConfigError && e.message.includes('did you mean "use"'));
  assert.throws(() => breaking([], [], { ...defaultBreakingConfig("v2"), use: ["MESAGE_NO_DELETE"] }), (e: Error) => e instanceof BreakingConfigError && e.message.includes('did you mean "MESSAGE_NO_DELETE"'));
});

test("breaking rules: the IDs, categories, purposes and deprecations of `buf config ls-breaking-rules` (v1 and v2), in its order", { skip }, () => {
  const empty = mkdtempSync(join(tmpdir(), "tsgrpc-breaking-ls-"));
  dirs.push(empty);
  for (const version of ["v1", "v2"] as const) {
    const listed = bufRun(empty, ["config", "ls-breaking-rules", "--version", version, "--include-deprecated", "--format", "json"])
      .stdout.split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id: string; categories: string[] | null; purpose: string; deprecated: boolean; replacements: string[] | null });
    const theirs = listed.map((r) => ({ id: r.id, categories: [...(r.categories ?? [])].sort(), purpose: r.purpose, deprecated: r.deprecated, replacements: [...(r.replacements ?? [])].sort() }));
    const ours = breakingRulesFor(version).map((r) => ({ id: r.id, categories: [...r.categories[version]!].sort(), purpose: r.purpose, deprecated: r.replacedBy !== undefined, replacements: [...(r.replacedBy ?? [])].sort() }));
    assert.deepEqual(ours, theirs, version);
  }
});
