// Codec benchmark: encode and decode of the UserService messages with tsgrpc's generated code, tsgrpc's
// descriptor-driven codec, protobufjs static code (pbjs), @bufbuild/protobuf and JSON.stringify/parse, in one run.
// Each figure is the median of several timed samples, in operations per second.
//   node bench/codec.mjs [--quick]
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import { create, createFileRegistry, fromBinary, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { Compiler } from "@tsgrpc/compiler";
import { generateFile } from "@tsgrpc/codegen";
import { getDescriptorRegistry, messageType, Registry } from "@tsgrpc/protobuf";

const quick = process.argv.includes("--quick");
const SAMPLES = quick ? 3 : 9;
const SAMPLE_MS = quick ? 60 : 200;
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const gen = join(here, ".gen");
const require = createRequire(import.meta.url);

// --- the contenders, all from the same user_service.proto
rmSync(gen, { recursive: true, force: true });
mkdirSync(join(gen, "tsgrpc"), { recursive: true });
const compiler = new Compiler({ includePaths: [join(root, "examples/user-service")] });
const files = compiler.withImports(compiler.compile(["user_service.proto"]));
const registry = Registry.from(files);
for (const f of files) {
  const g = generateFile(f, registry, getDescriptorRegistry());
  writeFileSync(join(gen, "tsgrpc", g.name), g.content);
}
writeFileSync(join(gen, "tsgrpc", "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, module: "nodenext", target: "es2022", outDir: "js", skipLibCheck: true, types: [] }, include: ["*.ts"] }));
execFileSync(process.execPath, [join(dirname(require.resolve("typescript/package.json")), "bin/tsc"), "-p", join(gen, "tsgrpc")]);
const generated = await import(pathToFileURL(join(gen, "tsgrpc/js/user_service_pb.js")).href);
mkdirSync(join(gen, "pbjs"), { recursive: true });
execFileSync(process.execPath, [require.resolve("protobufjs-cli/bin/pbjs"), "-t", "static-module", "-w", "es6", "--force-long", "-o", join(gen, "pbjs/user_service.js"), join(root, "examples/user-service/user_service.proto")]);
const pbjs = (await import(pathToFileURL(join(gen, "pbjs/user_service.js")).href)).userservice;
const setBytes = messageType(getDescriptorRegistry().getMessage("google.protobuf.FileDescriptorSet")).encode({ file: files });
const buf = createFileRegistry(fromBinary(FileDescriptorSetSchema, setBytes));

// --- the data
const user = (i) => ({ id: 1000 + i, username: `user_${i}_lovelace`, email: `user${i}@example.com`, roles: i % 3 ? ["user"] : ["admin", "user"], status: i % 3 });
const messages = {
  "User": { name: "User", value: user(7) },
  "GetUserResponse": { name: "GetUserResponse", value: { user: user(7) } },
  "ListUsersResponse (100 users)": { name: "ListUsersResponse", value: { users: Array.from({ length: 100 }, (_, i) => user(i)), nextPageToken: "b2Zmc2V0PTEwMA" } },
};

/** Runs `fn` for about SAMPLE_MS; returns operations per second. */
function sample(fn) {
  let n = 0;
  let sink;
  const start = performance.now();
  let now = start;
  while (now - start < SAMPLE_MS) {
    for (let i = 0; i < 50; i++) sink = fn();
    n += 50;
    now = performance.now();
  }
  if (sink === undefined) throw new Error("benchmark produced nothing");
  return (n * 1000) / (now - start);
}

/**
 * The median ops/s of each function. Samples are taken round-robin (A B C, A B C, ...) so that a slow stretch of a
 * shared machine hurts every contender alike instead of whichever ran then.
 */
function medians(fns) {
  for (const fn of fns) sample(fn); // warm-up
  const rates = fns.map(() => []);
  for (let s = 0; s < SAMPLES; s++) fns.forEach((fn, i) => rates[i].push(sample(fn)));
  return rates.map((r) => r.sort((a, b) => a - b)[Math.floor(r.length / 2)]);
}

const contenders = {
  "tsgrpc (generated)": (name, value) => { const T = generated[name]; const v = T.create(value); const b = T.encode(v); return { encode: () => T.encode(v), decode: () => T.decode(b) }; },
  "tsgrpc (dynamic)": (name, value) => { const T = messageType(registry.getMessage(`userservice.${name}`)); const v = T.create(value); const b = T.encode(v); return { encode: () => T.encode(v), decode: () => T.decode(b) }; },
  "protobufjs (pbjs static)": (name, value) => { const T = pbjs[name]; const v = T.fromObject(value); const b = T.encode(v).finish(); return { encode: () => T.encode(v).finish(), decode: () => T.decode(b) }; },
  "@bufbuild/protobuf": (name, value) => { const d = buf.getMessage(`userservice.${name}`); const v = create(d, value); const b = toBinary(d, v); return { encode: () => toBinary(d, v), decode: () => fromBinary(d, b) }; },
  "JSON": (_name, value) => { const s = JSON.stringify(value); return { encode: () => JSON.stringify(value), decode: () => JSON.parse(s) }; },
};

const rows = [];
for (const [label, { name, value }] of Object.entries(messages)) {
  for (const op of ["encode", "decode"]) {
    const row = { label: `${label} ${op}` };
    const fns = Object.values(contenders).map((make) => make(name, value)[op]);
    medians(fns).forEach((rate, i) => (row[Object.keys(contenders)[i]] = rate));
    rows.push(row);
    process.stderr.write(`${row.label}: done\n`);
  }
}

const names = Object.keys(contenders);
const fmt = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(1)}k`);
const lines = [
  `Codec benchmark, ops/s (median of ${SAMPLES} samples of ${SAMPLE_MS} ms)${quick ? ", quick mode" : ""}`,
  `Node ${process.version}, ${cpus()[0]?.model ?? "cpu"} x${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
  "",
  `| operation | ${names.join(" | ")} | tsgrpc / protobufjs | tsgrpc / @bufbuild |`,
  `|---|${names.map(() => "---:").join("|")}|---:|---:|`,
  ...rows.map((r) => `| ${r.label} | ${names.map((n) => fmt(r[n])).join(" | ")} | ${(r["tsgrpc (generated)"] / r["protobufjs (pbjs static)"]).toFixed(2)}x | ${(r["tsgrpc (generated)"] / r["@bufbuild/protobuf"]).toFixed(2)}x |`),
];
console.log(lines.join("\n"));
mkdirSync(join(here, "results"), { recursive: true });
if (!quick) writeFileSync(join(here, "results", "codec.md"), lines.join("\n") + "\n");
