// The UserService schema in every form the benchmarks need, all from examples/user-service/user_service.proto:
// tsgrpc's generated module, protobufjs static code (pbjs), and a @bufbuild/protobuf registry (for connect-node).
// Generated code goes to bench/.gen (ignored by git) and is rebuilt when the schema or the generator changes.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { Compiler } from "@tsgrpc/compiler";
import { generateFile, isProvided } from "@tsgrpc/codegen";
import { getDescriptorRegistry, messageType, Registry } from "@tsgrpc/protobuf/codegen-support";

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, "../..");
export const PROTO_DIR = join(root, "examples/user-service");
export const PROTO_FILE = join(PROTO_DIR, "user_service.proto");
/** A message with every kind of field, for the codec benchmark. */
const ALL_TYPES_DIR = join(root, "bench/proto");
const ALL_TYPES_FILE = join(ALL_TYPES_DIR, "all_types.proto");
const gen = join(root, "bench/.gen");
const require = createRequire(import.meta.url);

const compiler = new Compiler({ includePaths: [PROTO_DIR, ALL_TYPES_DIR] });
const files = compiler.withImports(compiler.compile(["user_service.proto", "all_types.proto"]));
/** tsgrpc's registry of the schema (for the descriptor-driven codec). */
export const registry = Registry.from(files);

/** Writes the generated code unless an up-to-date copy is there (several server processes import this at once). */
function generate() {
  const stamp = JSON.stringify([readFileSync(PROTO_FILE, "utf8"), readFileSync(ALL_TYPES_FILE, "utf8"), statSync(require.resolve("@tsgrpc/codegen")).mtimeMs]);
  const stampFile = join(gen, "stamp.json");
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) return;
  rmSync(gen, { recursive: true, force: true });
  mkdirSync(join(gen, "tsgrpc"), { recursive: true });
  for (const f of files.filter((f) => !isProvided(f.name))) {
    const g = generateFile(f, registry, getDescriptorRegistry());
    writeFileSync(join(gen, "tsgrpc", g.name), g.content);
  }
  const tsconfig = { compilerOptions: { strict: true, module: "nodenext", target: "es2022", outDir: "js", skipLibCheck: true, types: [] }, include: ["*.ts"] };
  writeFileSync(join(gen, "tsgrpc", "tsconfig.json"), JSON.stringify(tsconfig));
  execFileSync(process.execPath, [join(dirname(require.resolve("typescript/package.json")), "bin/tsc"), "-p", join(gen, "tsgrpc")]);
  mkdirSync(join(gen, "pbjs"), { recursive: true });
  execFileSync(process.execPath, [require.resolve("protobufjs-cli/bin/pbjs"), "-t", "static-module", "-w", "es6", "--force-long", "-o", join(gen, "pbjs/user_service.js"), PROTO_FILE, ALL_TYPES_FILE]);
  writeFileSync(stampFile, stamp);
}
generate();

/** tsgrpc's generated module: message types and the UserService definition. */
export const tsgrpc = await import(pathToFileURL(join(gen, "tsgrpc/js/user_service_pb.js")).href);
/** tsgrpc's generated module for bench.AllTypes. */
export const tsgrpcAllTypes = await import(pathToFileURL(join(gen, "tsgrpc/js/all_types_pb.js")).href);
const pbjsModule = await import(pathToFileURL(join(gen, "pbjs/user_service.js")).href);
/** protobufjs static code for the `userservice` package, and for `bench` (AllTypes). */
export const pbjs = pbjsModule.userservice;
export const pbjsAllTypes = pbjsModule.bench;
/** The same files as a @bufbuild/protobuf registry. */
export const buf = createFileRegistry(fromBinary(FileDescriptorSetSchema, messageType(getDescriptorRegistry().getMessage("google.protobuf.FileDescriptorSet")).encode({ file: files })));
