import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Compiler } from "@tsgrpc/compiler";
import { getDescriptorRegistry, Registry } from "@tsgrpc/protobuf/codegen-support";
import { generateFile } from "../src/index.js";
import { scratchProject, STRICT, typecheck, writeFiles } from "./typecheck.js";

// Generated code for editions schemas (the compiler's editions test schemas): field types follow resolved presence
// (explicit: optional property; implicit: always a value), and the generated codec writes what @bufbuild/protobuf
// writes for the same message, delimited fields as groups, expanded and packed lists as their features say.
const protos = fileURLToPath(new URL("../../../compiler/test/editions-protos/", import.meta.url));

function generated(): Record<string, string> {
  const compiler = new Compiler({ includePaths: [protos] });
  const files = compiler.withImports(compiler.compile(["features_2023.proto", "proto2_like.proto", "edition_2024.proto"]));
  const registry = Registry.from(files);
  const out: Record<string, string> = {};
  for (const file of files.filter((f) => !f.name!.startsWith("google/"))) {
    const g = generateFile(file, registry, getDescriptorRegistry(), {});
    out[g.name] = g.content;
  }
  return out;
}

const usage = `
import { Implicit, Scalars, Color } from "./features_2023_pb.js";
import { Person, Person_Address } from "./proto2_like_pb.js";
import { Wrapper } from "./edition_2024_pb.js";

const implicit: Implicit = Implicit.create();
const a: number = implicit.a; // implicit presence: always a number
const c: Color = implicit.c;
const s = Scalars.create({ must: 1 });
// @ts-expect-error explicit presence: may be undefined
const n: number = s.explicitInt;
const p = Person.create({ name: "x", address: Person_Address.create({ street: "s" }) });
// @ts-expect-error explicit presence (EXPLICIT file default)
const id: number = p.id;
const w: number = Wrapper.create().value;
void a; void c; void n; void id; void w;

// The bytes, for the test to compare with @bufbuild/protobuf's.
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
console.log(JSON.stringify({
  scalars: hex(Scalars.encode(Scalars.create({ must: 3, child: { must: 4, explicitInt: 0 }, children: [{ must: 5 }], packedInts: [1, 2], expandedInts: [3, 4], legacy: 2, color: Color.RED, name: "é" }))),
  person: hex(Person.encode(p)),
  wrapper: hex(Wrapper.encode(Wrapper.create({ inner: { a: 1, s: "x" }, value: 0, nested: 1 }))),
}));
`;

test("editions: generated code typechecks strictly, with presence in its types, and encodes as @bufbuild/protobuf does", async () => {
  const dir = scratchProject("tsgrpc-editions-");
  writeFiles(dir, { ...generated(), "usage.ts": usage });
  const result = typecheck(dir, { ...STRICT, noEmit: false, outDir: "out", rootDir: "." });
  assert.ok(result.ok, result.output);
  const run = spawnSync(process.execPath, [`${dir}/out/usage.js`], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  const ours = JSON.parse(run.stdout) as Record<string, string>;

  const { createFileRegistry, create, toBinary } = await import("@bufbuild/protobuf");
  const { FileDescriptorSetSchema } = await import("@bufbuild/protobuf/wkt");
  const compiler = new Compiler({ includePaths: [protos] });
  const files = compiler.withImports(compiler.compile(["features_2023.proto", "proto2_like.proto", "edition_2024.proto"]));
  const { messageType } = await import("@tsgrpc/protobuf/codegen-support");
  const setBytes = messageType(getDescriptorRegistry().getMessage("google.protobuf.FileDescriptorSet")!).encode({ file: files.map((f) => ({ ...f, sourceCodeInfo: undefined })) });
  const { fromBinary } = await import("@bufbuild/protobuf");
  const reg = createFileRegistry(fromBinary(FileDescriptorSetSchema, setBytes));
  const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
  const Scalars = reg.getMessage("editions.test.Scalars")!;
  const Person = reg.getMessage("editions.proto2like.Person")!;
  const Address = reg.getMessage("editions.proto2like.Person.Address")!;
  const Wrapper = reg.getMessage("editions.e2024.Wrapper")!;
  const Implicit = reg.getMessage("editions.test.Implicit")!;
  const theirs = {
    scalars: hex(toBinary(Scalars, create(Scalars, { must: 3, child: create(Scalars, { must: 4, explicitInt: 0 }), children: [create(Scalars, { must: 5 })], packedInts: [1, 2], expandedInts: [3, 4], legacy: 2, color: 1, name: "é" } as never))),
    person: hex(toBinary(Person, create(Person, { name: "x", address: create(Address, { street: "s" }) } as never))),
    wrapper: hex(toBinary(Wrapper, create(Wrapper, { inner: create(Implicit, { a: 1, s: "x" }), value: 0, nested: 1 } as never))),
  };
  assert.deepEqual(ours, theirs);
  // The delimited fields really are groups: field 7 (child) starts with tag 7<<3|3 = 0x3b and ends with 0x3c.
  assert.match(ours["scalars"]!, /3b.*3c/);
});
