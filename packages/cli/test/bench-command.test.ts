import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { Compiler } from "@tsgrpc/compiler";
import { createServer, GrpcError, createReflectionService, ServerReflectionV1, Status } from "@tsgrpc/grpc";
import { createServiceDefinition } from "@tsgrpc/protobuf";
import { Registry } from "@tsgrpc/protobuf/codegen-support";
import { runCli } from "./run-cli.js";

// tsgrpc bench as a subprocess against a tsgrpc server (schema through reflection) and a grpc-js server (--proto).
const root = fileURLToPath(new URL("../../../../", import.meta.url));
const protoDir = `${root}examples/user-service`;
const compiler = new Compiler({ includePaths: [protoDir] });
const registry = Registry.from(compiler.withImports(compiler.compile(["user_service.proto"])));
const UserService = createServiceDefinition(registry.getService("userservice.UserService")!, registry);
let getUserCalls = 0;
const server = createServer({ logError: () => {} })
  .add(UserService, {
    async getUser(req: any) {
      getUserCalls++;
      if (req.id === 0) throw new GrpcError(Status.INVALID_ARGUMENT, "User ID must be positive");
      if (req.id === 13 && getUserCalls % 2 === 0) throw new GrpcError(Status.UNAVAILABLE, "flaky");
      return { user: { id: req.id, username: "ada" } };
    },
    createUser: async () => ({}),
    listUsers: async () => ({}),
    async *watchUsers() {
      for (let i = 0; i < 3; i++) yield { id: i };
    },
    async bulkCreateUsers(reqs) {
      let n = 0;
      for await (const _ of reqs) n++;
      return { createdCount: n };
    },
    async *userChat(msgs) {
      for await (const m of msgs) yield m;
    },
  })
  .add(ServerReflectionV1, createReflectionService([UserService, ServerReflectionV1]).implementation);
const host = `127.0.0.1:${await server.listen("127.0.0.1:0")}`;
after(() => server.shutdown(100));

const run = (args: string[], stdin = "", onSpawn?: (pid: number) => void) => runCli(["bench", ...args], stdin, onSpawn);

/** Checks that every non-void element is closed in order: the report is well-formed enough for any browser. */
function assertBalanced(html: string): void {
  const VOID = new Set(["meta", "br", "img", "input", "link", "hr"]);
  const stack: string[] = [];
  const body = html.replace(/<script[^>]*>[\s\S]*?<\/script>/g, "").replace(/<!doctype[^>]*>/i, "");
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    const tag = name!.toLowerCase();
    if (selfClosing || (VOID.has(tag) && !closing)) continue;
    if (!closing) stack.push(tag);
    else {
      const open = stack.pop();
      assert.equal(open, tag, `</${tag}> closes <${open ?? "nothing"}>`);
    }
  }
  assert.deepEqual(stack, []);
}

test("tsgrpc bench: -n calls with -c in flight; JSON summary; the HTML report parses and carries the same data", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-bench-"));
  const html = join(dir, "report.html");
  const before = getUserCalls;
  const r = await run([host, "userservice.UserService/GetUser", "-d", '{"id": 7}', "-n", "300", "-c", "8", "--connections", "2", "--warmup", "20", "--format", "json", "--html", html]);
  assert.equal(r.code, 0, r.err);
  const summary = JSON.parse(r.out);
  assert.equal(summary.count, 300);
  assert.equal(getUserCalls - before, 320, "warm-up calls are made but not counted");
  assert.deepEqual(summary.statuses, { OK: 300 });
  assert.deepEqual(summary.options, { concurrency: 8, connections: 2, total: 300, warmup: 20 });
  const l = summary.latencyMs;
  assert.ok(l.min <= l.p50 && l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.max, JSON.stringify(l));
  assert.equal(summary.histogram.reduce((n: number, b: { count: number }) => n + b.count, 0), 300);
  assert.equal(summary.timeline.reduce((n: number, t: { count: number }) => n + t.count, 0), 300);
  assert.ok(summary.requestsPerSecond > 0);

  const page = readFileSync(html, "utf8");
  assert.match(page, /^<!doctype html>/);
  assertBalanced(page);
  assert.equal(page.match(/<svg /g)?.length, 2, "latency distribution and throughput over time");
  const embedded = JSON.parse(/<script type="application\/json" id="bench-data">([\s\S]*?)<\/script>/.exec(page)![1]!);
  assert.deepEqual(embedded, summary);
  for (const b of summary.histogram) assert.ok(page.includes(`<title>${b.upToMs}: ${b.count}</title>`), "chart bars show the histogram's data");
});

test("tsgrpc bench: text summary with percentiles, histogram and the status tally, errors included", async () => {
  const r = await run([host, "userservice.UserService/GetUser", "-d", '{"id": 13}', "-n", "40", "-c", "1"]);
  assert.equal(r.code, 0, r.err);
  for (const label of ["Count:        40", "Requests/s:", "p50", "p90", "p99", "max", "Latency histogram:", "[OK]  20 calls", "[UNAVAILABLE]  20 calls", "[20]  UNAVAILABLE: flaky"]) assert.ok(r.out.includes(label), `${label} in\n${r.out}`);
  const allFail = await run([host, "userservice.UserService/GetUser", "-d", '{"id": 0}', "-n", "10", "--format", "json"]);
  assert.equal(allFail.code, 64 + Status.INVALID_ARGUMENT, "every call failed: the exit status says how");
  assert.deepEqual(JSON.parse(allFail.out).statuses, { INVALID_ARGUMENT: 10 });
});

test("tsgrpc bench: streaming methods count one call per stream; -z runs for a duration; --rps limits the rate", async () => {
  const watch = JSON.parse((await run([host, "userservice.UserService/WatchUsers", "-d", "{}", "-n", "30", "--format", "json"])).out);
  assert.deepEqual(watch.statuses, { OK: 30 });
  assert.equal(watch.kind, "server_streaming");
  const bulk = await run([host, "userservice.UserService/BulkCreateUsers", "-d", "@", "-n", "10", "--format", "json"], '{"username":"a"}\n{"username":"b"}\n');
  assert.deepEqual(JSON.parse(bulk.out).statuses, { OK: 10 }, bulk.err);
  const chat = await run([host, "userservice.UserService/UserChat", "-d", "@", "-n", "10", "--format", "json"], '{"text":"hi"}\n');
  assert.deepEqual(JSON.parse(chat.out).statuses, { OK: 10 }, chat.err);

  // Only bounds a slow machine cannot break: the limiter starts call i no earlier than i * 1000 / rps ms after the
  // start (less the 1 ms it lets pass), and a run can only be later than its schedule, never earlier. How many calls a
  // loaded machine manages is not checked.
  const timed = JSON.parse((await run([host, "userservice.UserService/GetUser", "-d", '{"id": 1}', "-z", "1s", "--rps", "50", "-c", "4", "--format", "json"])).out);
  assert.ok(timed.totalMs >= 1000, `-z 1s ran for ${timed.totalMs} ms`);
  // Calls start only before the 1 s deadline: i * 20 - 1 < 1000, so i <= 50.
  assert.ok(timed.count >= 1 && timed.count <= 51, `at most 51 calls start within 1 s at 50/s, got ${timed.count}`);
  const counted = JSON.parse((await run([host, "userservice.UserService/GetUser", "-d", '{"id": 1}', "-n", "30", "--rps", "20", "-c", "4", "--format", "json"])).out);
  assert.deepEqual(counted.statuses, { OK: 30 });
  assert.ok(counted.totalMs >= 29 * 50 - 1, `call 29 is due at 1450 ms; the run took ${counted.totalMs} ms`);
  // The timeline counts calls by the second they ended in; those that ended by the end of second s started before it,
  // and at 20/s at most 20 * (s + 1) + 1 calls start before (s + 1) * 1000 ms.
  let ended = 0;
  for (const { second, count } of counted.timeline as { second: number; count: number }[]) {
    ended += count;
    assert.ok(ended <= 20 * (second + 1) + 1, `${ended} calls ended by the end of second ${second}: more than 20/s allows`);
  }
});

test("tsgrpc bench works against grpc-js with --proto (no reflection needed)", async () => {
  const def = protoLoader.loadSync(join(protoDir, "user_service.proto"), { longs: Number, enums: Number, defaults: true });
  const pkg = grpc.loadPackageDefinition(def) as any;
  const theirs = new grpc.Server();
  theirs.addService(pkg.userservice.UserService.service, {
    GetUser: (call: any, cb: any) => cb(null, { user: { id: call.request.id, username: "grpc-js" } }),
  });
  const port = await new Promise<number>((resolve, reject) => theirs.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  try {
    const r = await run([`127.0.0.1:${port}`, "userservice.UserService/GetUser", "-d", '{"id": 3}', "-n", "100", "-c", "10", "--proto", "user_service.proto", "-I", protoDir, "--format", "json"]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out).statuses, { OK: 100 });
  } finally {
    theirs.forceShutdown();
  }
});

test("tsgrpc bench: Ctrl-C stops cleanly with partial results; bad arguments are usage errors; bad targets say why", async () => {
  // Ctrl-C once the load is under way (calls are reaching the server), however slowly the CLI started.
  const before = getUserCalls;
  const interruptWhenLoaded = (pid: number) => {
    const poll = setInterval(() => {
      if (getUserCalls - before < 200) return;
      clearInterval(poll);
      process.kill(pid, "SIGINT");
    }, 20);
  };
  const interrupted = await run([host, "userservice.UserService/GetUser", "-d", '{"id": 1}', "-z", "60s", "-c", "4"], "", interruptWhenLoaded);
  assert.equal(interrupted.code, 130, interrupted.err);
  assert.match(interrupted.out, /Summary \(interrupted: partial results\)/);
  assert.ok(Number(/Count:\s+(\d+)/.exec(interrupted.out)?.[1]) > 0);
  assert.match(interrupted.out, /\[OK\]/);
  assert.doesNotMatch(interrupted.out, /CANCELLED/, "calls cut off by Ctrl-C are not results");

  for (const args of [["-n", "5", "-z", "1s"], ["-z", "soon"], ["-c", "0"], ["-n", "-3"], ["--format", "xml"]]) {
    const r = await run([host, "userservice.UserService/GetUser", ...args]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.err}`);
    assert.match(r.err, /usage: tsgrpc bench/);
  }
  const missing = await run([host, "userservice.UserService/GetUsr", "-n", "5"]);
  assert.equal(missing.code, 64 + Status.NOT_FOUND);
  assert.match(missing.err, /Did you mean "GetUser"/);
  const badJson = await run([host, "userservice.UserService/GetUser", "-d", '{"id": "seven"}']);
  assert.equal(badJson.code, 1);
  assert.match(badJson.err, /^tsgrpc bench: request is not valid JSON for userservice\.GetUserRequest: expected a number/);
});
