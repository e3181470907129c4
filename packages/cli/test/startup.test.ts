// The command as shipped (bin/ runs the esbuild bundle in dist/bundle): the schema commands load neither the gRPC
// transports nor the network modules, and find the bundled well-known types from inside the bundle.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FileDescriptorSet } from "@tsgrpc/protobuf/wkt";

const bundle = fileURLToPath(new URL("../../dist/bundle/main.js", import.meta.url));

/** Runs the bundled `tsgrpc ARGS` in a process that then prints which of Node's network modules it loaded. */
function runBundled(args: string[], cwd: string): { code: number; networkModules: string[]; stderr: string } {
  const script = `const { main } = await import(${JSON.stringify(bundle)});
process.exitCode = await main(${JSON.stringify(args)});
console.log(JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (net|tls|http2|dns|_tls_wrap|internal\\/http2\\/.*)$/.test(m))));`;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd, encoding: "utf8" });
  return { code: run.status ?? -1, networkModules: JSON.parse(run.stdout.trim().split("\n").pop() ?? "[]") as string[], stderr: run.stderr };
}

test("tsgrpc compile, as bundled, loads no network module and finds google/protobuf/*.proto in the bundle's package", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-startup-"));
  writeFileSync(join(dir, "a.proto"), 'syntax = "proto3";\npackage p;\nimport "google/protobuf/timestamp.proto";\nmessage M { google.protobuf.Timestamp at = 1; }\n');
  const run = runBundled(["compile", "-I", ".", "--include_imports", "--descriptor_set_out=out.pb", "a.proto"], dir);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.networkModules, [], "compile loaded the gRPC transports");
  const set = FileDescriptorSet.decode(readFileSync(join(dir, "out.pb")));
  assert.deepEqual(set.file.map((f) => f.name), ["google/protobuf/timestamp.proto", "a.proto"]);
  // The remote commands do load them: the check above can see a loaded module.
  assert.notDeepEqual(runBundled(["list", "127.0.0.1:1"], dir).networkModules, []);
});
