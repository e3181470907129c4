/**
 * `tsgrpc breaking` as a command against `buf breaking`: for each kind of --against input (a directory, a buf image,
 * a protoc descriptor set, git branches, tags and refs) and each output format, the same bytes on stdout and the same
 * exit status; bad inputs exit 1 with the reason, before any finding is printed.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { BUF, bufMissing, CLI, writeTree } from "./lint-harness.js";

const V1 = {
  "proto/shop/v1/order.proto": `syntax = "proto3";
package shop.v1;
import "google/protobuf/timestamp.proto";
// An order.
message Order {
  int64 id = 1;
  string customer = 2;
  repeated Item items = 3;
  google.protobuf.Timestamp placed = 4;
  oneof payment { string card = 5; string invoice = 6; }
  Status status = 7;
}
message Item { string sku = 1; int32 quantity = 2; }
enum Status { STATUS_UNSPECIFIED = 0; STATUS_OPEN = 1; STATUS_SHIPPED = 2; }
`,
  "proto/shop/v1/service.proto": `syntax = "proto3";
package shop.v1;
import "shop/v1/order.proto";
service OrderService {
  rpc GetOrder(GetOrderRequest) returns (Order);
  rpc WatchOrders(GetOrderRequest) returns (stream Order);
}
message GetOrderRequest { int64 id = 1; }
`,
  "proto/shop/v1/extra.proto": `syntax = "proto3";\npackage shop.v1;\nmessage Extra { string note = 1; }\n`,
};

/** V1 with one breaking change of each common kind, and extra.proto deleted. */
function v2Files(): Record<string, string> {
  const order = V1["proto/shop/v1/order.proto"]
    .replace("int64 id = 1;", "string id = 1;")
    .replace("string customer = 2;\n", "")
    .replace("oneof payment { string card = 5; string invoice = 6; }", "string card = 5;\n  string invoice = 6;")
    .replace(" STATUS_SHIPPED = 2;", "")
    .replace("int32 quantity = 2;", "int32 qty = 2;");
  const service = V1["proto/shop/v1/service.proto"].replace("rpc WatchOrders(GetOrderRequest) returns (stream Order);", "rpc WatchOrders(GetOrderRequest) returns (Order);");
  return { "proto/shop/v1/order.proto": order, "proto/shop/v1/service.proto": service };
}

/** A repository: main holds V1 (tagged v1.0.0), the checked-out branch `next` holds the breaking version. */
function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-breaking-cli-"));
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "init.defaultBranch=main", ...args], { cwd: dir, stdio: "pipe" });
  git("init", "-q");
  writeTree(dir, { ...V1, "buf.yaml": "version: v2\nmodules:\n  - path: proto\n" });
  git("add", ".");
  git("commit", "-qm", "v1");
  git("tag", "v1.0.0");
  git("checkout", "-qb", "next");
  rmSync(join(dir, "proto/shop/v1/extra.proto"));
  writeTree(dir, v2Files());
  git("add", "-A");
  git("commit", "-qm", "v2");
  writeTree(join(dir, "old"), V1);
  execFileSync(BUF, ["build", ".git#branch=main", "-o", "v1.binpb"], { cwd: dir });
  execFileSync("protoc", ["-I", "old/proto", "--include_imports", "-o", "v1-protoc.binpb", "shop/v1/order.proto", "shop/v1/service.proto", "shop/v1/extra.proto"], { cwd: dir });
  return dir;
}

function both(dir: string, args: string[]): { ours: { status: number | null; stdout: string; stderr: string }; theirs: { status: number | null; stdout: string; stderr: string } } {
  const ours = spawnSync(process.execPath, [CLI, "breaking", ...args], { cwd: dir, encoding: "utf8" });
  const theirs = spawnSync(BUF, ["breaking", ...args], { cwd: dir, encoding: "utf8" });
  return { ours, theirs };
}

test("tsgrpc breaking prints what buf breaking prints, for every kind of --against input and output format", { skip: bufMissing }, () => {
  const dir = repo();
  let checked = 0;
  for (const against of [".git#branch=main", ".git#tag=v1.0.0", ".git#ref=HEAD~1", "v1.binpb", "old/proto", ".git#branch=main,subdir=proto"])
    for (const format of ["text", "json", "github-actions"]) {
      const input = against === "old/proto" || against.includes("subdir") || against.endsWith(".pb") ? ["proto"] : [];
      const { ours, theirs } = both(dir, [...input, "--against", against, "--error-format", format]);
      assert.equal(ours.stderr, "", `${against} ${format}`);
      assert.equal(ours.status, theirs.status, `${against} ${format}: ${theirs.stderr}`);
      assert.equal(ours.stdout, theirs.stdout, `${against} ${format}`);
      assert.ok(theirs.stdout.split("\n").length > 8, "the change breaks in many ways");
      checked++;
    }
  // A protoc descriptor set has no import marks: buf and tsgrpc both compare its WKT as a file of the input.
  const { ours, theirs } = both(dir, ["proto", "--against", "v1-protoc.binpb"]);
  assert.equal(ours.status, theirs.status);
  assert.equal(ours.stdout, theirs.stdout);
  // The same version against itself: nothing, exit 0.
  const same = both(dir, ["--against", ".git#branch=next"]);
  assert.deepEqual([same.ours.status, same.ours.stdout], [0, ""]);
  assert.deepEqual([same.theirs.status, same.theirs.stdout], [0, ""]);
  // Categories and except from buf.yaml's breaking section.
  for (const breaking of ["use: [WIRE]", "use: [WIRE_JSON]", "use: [PACKAGE]\n    except: [FIELD_SAME_TYPE]"]) {
    writeFileSync(join(dir, "buf.yaml"), `version: v2\nmodules:\n  - path: proto\nbreaking:\n    ${breaking}\n`);
    const r = both(dir, ["--against", ".git#branch=main"]);
    assert.equal(r.ours.stdout, r.theirs.stdout, breaking);
    assert.equal(r.ours.status, r.theirs.status, breaking);
  }
  assert.equal(checked, 18);
});

test("tsgrpc breaking: what cannot be compared exits 1 with the reason and prints no finding", { skip: bufMissing }, () => {
  const dir = repo();
  writeFileSync(join(dir, "junk.binpb"), "not a descriptor set at all");
  const cases: [string[], RegExp][] = [
    [["--against", ".git#branch=nope"], /tsgrpc breaking: --against: \.git has no branch "nope"/],
    [["--against", "nowhere"], /nowhere does not exist/],
    [["--against", "junk.binpb"], /junk\.binpb is not a FileDescriptorSet/],
    [["--against", ".git#branch=main", "--config", "version: v2\nbreaking:\n  use: [FILES]\n"], /unknown rule or category "FILES"; did you mean "FILE"\?/],
    [["--against", ".git#branch=main", "--error-format", "xml"], /--error-format must be one of text, json, github-actions/],
  ];
  for (const [args, why] of cases) {
    const r = spawnSync(process.execPath, [CLI, "breaking", ...args], { cwd: dir, encoding: "utf8" });
    assert.equal(r.stdout, "", args.join(" "));
    assert.match(r.stderr, why, args.join(" "));
    assert.equal(r.status, args.includes("xml") ? 2 : 1, args.join(" "));
  }
  const usage = spawnSync(process.execPath, [CLI, "breaking"], { cwd: dir, encoding: "utf8" });
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /--against INPUT is required/);
  // A file that does not compile: compile's diagnostics, exit 1, nothing on stdout.
  writeFileSync(join(dir, "proto/shop/v1/service.proto"), "syntax = \"proto3\";\npackage shop.v1;\nmessage Broken { int32 x = 1 }\n");
  const broken = spawnSync(process.execPath, [CLI, "breaking", "--against", ".git#branch=main"], { cwd: dir, encoding: "utf8" });
  assert.deepEqual([broken.status, broken.stdout], [1, ""]);
  assert.match(broken.stderr, /proto\/shop\/v1\/service\.proto:3:30: Expected ";"\./);
});
