/**
 * Differential breaking over the shared corpus (../shared/corpus): modules of real schemas (googleapis, gRPC,
 * protobuf's own test protos: proto2 groups, extensions, defaults, maps, proto3 optional), each against itself, and
 * against copies a program changed one way at a time, at places it finds through the source info tsgrpc's compiler
 * gives: a field deleted, retyped, renamed, renumbered or given a json_name, an enum value or RPC deleted, an RPC made
 * client streaming, a file option changed. tsgrpc's breaking() and `buf breaking` (1.75) give the same findings
 * under buf's defaults and each category.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { DescriptorProto, FileDescriptorProto } from "@tsgrpc/protobuf";
import { breaking, defaultBreakingConfig, parseBufYaml, type BreakingFileInput } from "@tsgrpc/compiler";
import { breakingArgs, breakingKey, bufBreaking, bufMissing, compileTree, prefetchBuf, writeTree } from "./lint-harness.js";
import { addCorpusImports, CORPUS, corpusMissing } from "./corpus-workspace.js";

const skip = bufMissing || corpusMissing;

/** The root files of each module (their imports from the same corpus root come along). */
const MODULES: Record<string, string[]> = {
  googleapis: ["google/type/money.proto", "google/type/date.proto", "google/type/color.proto", "google/type/postal_address.proto", "google/rpc/status.proto", "google/rpc/error_details.proto", "google/rpc/code.proto", "google/longrunning/operations.proto"],
  grpc: ["grpc/health/v1/health.proto", "grpc/channelz/v1/channelz.proto", "grpc/testing/messages.proto", "grpc/testing/test.proto", "grpc/lb/v1/load_balancer.proto", "grpc/reflection/v1/reflection.proto"],
  protobuf: ["google/protobuf/unittest.proto", "google/protobuf/unittest_proto3.proto", "google/protobuf/unittest_no_field_presence.proto", "google/protobuf/unittest_proto3_optional.proto", "google/protobuf/map_unittest.proto"],
};

const CONFIGS: (string | undefined)[] = [undefined, ...["FILE", "PACKAGE", "WIRE_JSON", "WIRE"].map((c) => JSON.stringify({ version: "v2", breaking: { use: [c] } }))];

type Files = Record<string, string>;
interface Change {
  what: string;
  files: Files;
}

/** Text offsets of a source span (0-based line and column; the corpus has no tabs). */
function offsets(text: string, span: readonly number[]): [number, number] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  const [l0, c0, a, b] = span as [number, number, number, number?];
  const [l1, c1] = b === undefined ? [l0, a] : [a, b];
  return [starts[l0]! + c0, starts[l1]! + c1];
}

/** The changes a program can make to one file at places its source info points at, one per kind (the first that fits). */
function changesOf(files: Files, proto: FileDescriptorProto): Change[] {
  const name = proto.name!;
  const text = files[name]!;
  const spanOf = new Map((proto.sourceCodeInfo?.location ?? []).map((l) => [l.path.join(","), l.span]));
  const at = (path: number[]) => {
    const span = spanOf.get(path.join(","));
    return span && offsets(text, span);
  };
  const edit = (what: string, path: number[], replace: (old: string) => string | undefined): Change | undefined => {
    const range = at(path);
    if (!range) return undefined;
    const old = text.slice(range[0], range[1]);
    const now = replace(old);
    return now === undefined ? undefined : { what: `${name}: ${what}`, files: { ...files, [name]: text.slice(0, range[0]) + now + text.slice(range[1]) } };
  };
  const fields: { path: number[]; message: DescriptorProto; index: number }[] = [];
  const visit = (m: DescriptorProto, path: number[]) => {
    if (m.options?.["mapEntry"]) return;
    m.field.forEach((_, i) => fields.push({ path: [...path, 2, i], message: m, index: i }));
    m.nestedType.forEach((n, i) => visit(n, [...path, 3, i]));
  };
  proto.messageType.forEach((m, i) => visit(m, [4, i]));
  const plain = fields.filter(({ message, index }) => {
    const f = message.field[index]!;
    return f.oneofIndex === undefined && f.defaultValue === undefined && f.type !== 10;
  });
  const RETYPE: Record<string, string> = { int32: "int64", int64: "int32", uint32: "sint32", string: "bytes", bytes: "string", bool: "int32", double: "float", float: "double", fixed32: "sfixed32" };
  const used = new Set(fields.map(({ message, index }) => message.field[index]!.number!));
  const pick = <T>(list: T[], make: (x: T) => Change | undefined) => {
    for (const x of list) {
      const c = make(x);
      if (c) return c;
    }
    return undefined;
  };
  const methods = proto.service.flatMap((s, i) => s.method.map((m, j) => ({ m, path: [6, i, 2, j] })));
  const values = [...proto.enumType.map((e, i) => ({ e, path: [5, i] }))].flatMap(({ e, path }) => e.value.map((v, k) => ({ v, path: [...path, 2, k], count: e.value.length })));
  return [
    pick(plain, ({ path }) => edit("field deleted", path, () => "")),
    pick(plain, ({ path }) => edit("field retyped", [...path, 5], (old) => RETYPE[old])),
    pick(plain.slice(1), ({ path, message, index }) => edit("field renamed", [...path, 1], (old) => (old === message.field[index]!.name ? `${old}_renamed` : undefined))),
    pick(plain.slice(2), ({ path }) => {
      let n = 9001;
      while (used.has(n)) n++;
      return edit("field renumbered", [...path, 3], () => String(n));
    }),
    pick(plain.slice(3), ({ path, message, index }) => (message.field[index]!.options ? undefined : edit("json_name added", path, (old) => (old.endsWith(";") ? `${old.slice(0, -1)} [json_name = "renamedJson"];` : undefined)))),
    pick(values, ({ v, path, count }) => (v.number === 0 || count < 2 || text.split(v.name!).length !== 2 ? undefined : edit("enum value deleted", path, () => ""))),
    pick(methods, ({ path }) => edit("RPC deleted", path, () => "")),
    pick(methods, ({ m, path }) => (m.clientStreaming ? undefined : edit("RPC made client streaming", [...path, 2], (old) => `stream ${old}`))),
    pick([1, 11, 8, 37, 36], (option) => edit("file option changed", [8, option], (old) => (old.includes('"') ? old.replace(/"([^"]*)"/, '"$1x"') : undefined))),
  ].filter((c): c is Change => c !== undefined);
}

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Case {
  module: string;
  what: string;
  dir: string;
  files: Files;
}
const cases: Case[] = [];

before(async () => {
  if (skip) return;
  for (const [root, roots] of Object.entries(MODULES)) {
    const set = new Map([[root, new Set(roots)]]);
    addCorpusImports(set);
    const original: Files = {};
    for (const f of [...set.get(root)!].sort()) original[f] = readFileSync(join(CORPUS, "protos", root, f), "utf8");
    const base = mkdtempSync(join(tmpdir(), "tsgrpc-breaking-corpus-"));
    dirs.push(base);
    writeTree(join(base, "original"), original);
    const compiled = compileTree(join(base, "original"), Object.keys(original));
    const changes: Change[] = [{ what: "unchanged", files: original }];
    for (const proto of compiled.filter((f) => roots.includes(f.proto.name!)).map((f) => f.proto)) changes.push(...changesOf(original, proto));
    changes.forEach((c, i) => {
      const dir = join(base, String(i));
      writeTree(join(dir, "current"), c.files);
      cpSync(join(base, "original"), join(dir, "previous"), { recursive: true });
      cases.push({ module: root, what: c.what, dir, files: c.files });
    });
  }
  await prefetchBuf(cases.flatMap((c) => CONFIGS.map((config) => ({ dir: join(c.dir, "current"), args: breakingArgs(config), also: [join(c.dir, "previous")] }))));
});

const compiled = new Map<string, BreakingFileInput[]>();
const compileOnce = (root: string, files: string[]) => compiled.get(root) ?? compiled.set(root, compileTree(root, files)).get(root)!;

test("breaking corpus: modules against themselves and against one-change copies, tsgrpc = buf under its defaults and each category", { skip, timeout: 300_000 }, () => {
  const counts = new Map<string, number>();
  for (const c of cases) {
    const current = compileOnce(join(c.dir, "current"), Object.keys(c.files).sort());
    const previous = compileOnce(join(c.dir, "previous"), Object.keys(c.files).sort().filter((f) => existsSync(join(c.dir, "previous", f))));
    let total = 0;
    for (const config of CONFIGS) {
      const theirs = bufBreaking(c.dir, config).map((f) => breakingKey(f.path, f.start_line, f.start_column, f.end_line ?? 0, f.end_column ?? 0, f.type, f.message)).sort();
      const cfg = config === undefined ? defaultBreakingConfig() : parseBufYaml(config).modules[0]!.breaking;
      const ours = breaking(current, previous, cfg).map((f) => breakingKey(f.file, f.line, f.column, f.endLine, f.endColumn, f.rule, f.message)).sort();
      assert.deepEqual(ours, theirs, `${c.module}: ${c.what} under ${config ?? "buf's defaults"}`);
      total += theirs.length;
    }
    if (c.what === "unchanged") assert.equal(total, 0, `${c.module} against itself`);
    else assert.ok(total > 0, `${c.module}: ${c.what}: buf finds nothing; the change breaks nothing`);
    counts.set(c.module, (counts.get(c.module) ?? 0) + 1);
  }
  console.log(`breaking corpus: ${[...counts].map(([m, n]) => `${m} ${n - 1} changes`).join(", ")}, ${CONFIGS.length} configs each`);
});
