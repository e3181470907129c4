// Codec benchmark: encode and decode of the UserService messages and of a message with every kind of field, with
// tsgrpc's generated code, tsgrpc's descriptor-driven codec, protobufjs static code (pbjs), @bufbuild/protobuf and
// JSON.stringify/parse, in one run. (google-protobuf is left out: its code generator, protoc-gen-js, is neither in
// Debian's protoc nor installable from npm without downloading a binary.)
// Each figure is the median of several timed samples, in operations per second.
//   node bench/codec.mjs [--quick]
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { messageType } from "@tsgrpc/protobuf/codegen-support";
import { buf, pbjs, pbjsAllTypes, registry, tsgrpc as generatedUserService, tsgrpcAllTypes } from "./lib/schema.mjs";

const quick = process.argv.includes("--quick");
const SAMPLES = quick ? 3 : 9;
const SAMPLE_MS = quick ? 60 : 200;
const here = dirname(fileURLToPath(import.meta.url));
const generated = { ...generatedUserService, ...tsgrpcAllTypes };
const pbjsTypes = { ...pbjs, ...pbjsAllTypes };
const fullName = (name) => (name === "AllTypes" ? `bench.${name}` : `userservice.${name}`);

// --- the data
const user = (i) => ({ id: 1000 + i, username: `user_${i}_lovelace`, email: `user${i}@example.com`, roles: i % 3 ? ["user"] : ["admin", "user"], status: i % 3 });
const messages = {
  "User": { name: "User", value: user(7) },
  "GetUserResponse": { name: "GetUserResponse", value: { user: user(7) } },
  "ListUsersResponse (100 users)": { name: "ListUsersResponse", value: { users: Array.from({ length: 100 }, (_, i) => user(i)), nextPageToken: "b2Zmc2V0PTEwMA" } },
  "AllTypes (every field kind)": {
    name: "AllTypes",
    value: {
      fDouble: 3.14159, fFloat: 2.5, fInt64: -1234567890123n, fUint64: 9007199254740993n, fInt32: -42, fFixed64: 1n << 40n,
      fFixed32: 4000000000, fBool: true, fString: "héllo wörld, a string field", fBytes: new Uint8Array([0, 1, 2, 250, 251, 252, 253, 254]),
      fUint32: 4294967295, fSfixed32: -7, fSfixed64: -(1n << 50n), fSint32: -300, fSint64: -(1n << 45n), color: 2,
      point: { x: 1.5, y: -2.25, label: "origin-ish" }, packedInt32: Array.from({ length: 20 }, (_, i) => i * 1000 - 5000),
      packedDouble: [0.1, 0.2, 0.3, 1e10, -1e-10], tags: ["alpha", "beta", "gamma", "delta"],
      points: Array.from({ length: 5 }, (_, i) => ({ x: i, y: i * 2, label: `p${i}` })), counts: { apples: 3, pears: 5, plums: 8 },
      choice: { case: "choiceText", value: "picked" }, maybe: 7,
    },
  },
};

/** The same value as protobufjs's fromObject and JSON.stringify take it: 64-bit integers as strings, bytes as base64,
 * and a oneof as its member's own property (tsgrpc and @bufbuild/protobuf both take `{ case, value }`). */
function portable(value) {
  if (value && typeof value === "object" && value.choice) {
    const { choice, ...rest } = value;
    return portable({ ...rest, [choice.case]: choice.value });
  }
  return portableValue(value);
}

function portableValue(value) {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map(portableValue);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, portableValue(v)]));
  return value;
}

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
  "tsgrpc (generated)": (name, value) => { const T = generated[name]; const v = T.create(value); const b = T.encode(v); return { bytes: b, encode: () => T.encode(v), decode: () => T.decode(b) }; },
  "tsgrpc (dynamic)": (name, value) => { const T = messageType(registry.getMessage(fullName(name))); const v = T.create(value); const b = T.encode(v); return { bytes: b, encode: () => T.encode(v), decode: () => T.decode(b) }; },
  "protobufjs (pbjs static)": (name, value) => { const T = pbjsTypes[name]; const v = T.fromObject(portable(value)); const b = T.encode(v).finish(); return { bytes: b, encode: () => T.encode(v).finish(), decode: () => T.decode(b) }; },
  "@bufbuild/protobuf": (name, value) => { const d = buf.getMessage(fullName(name)); const v = create(d, value); const b = toBinary(d, v); return { bytes: b, encode: () => toBinary(d, v), decode: () => fromBinary(d, b) }; },
  "JSON": (_name, value) => { const p = portable(value); const s = JSON.stringify(p); return { encode: () => JSON.stringify(p), decode: () => JSON.parse(s) }; },
};

/** Every binary contender must encode the same message: a field one of them dropped would flatter it. (Lengths, not
 * bytes: protobufjs writes fields in declaration order, the others by field number.) */
function checkSameMessage(name, value) {
  const lengths = Object.entries(contenders).map(([who, make]) => [who, make(name, value).bytes?.length]).filter(([, n]) => n !== undefined);
  if (new Set(lengths.map(([, n]) => n)).size !== 1) throw new Error(`${name}: the contenders encode different messages: ${JSON.stringify(lengths)}`);
}

const rows = [];
for (const [label, { name, value }] of Object.entries(messages)) {
  checkSameMessage(name, value);
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
