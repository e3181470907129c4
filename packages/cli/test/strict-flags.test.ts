import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "./run-cli.js";

// Every command checks its flags before doing anything (no server is needed to see these): a misspelled flag is a
// usage error with the close name suggested, never silently ignored.
const example = fileURLToPath(new URL("../../../../examples/user-service", import.meta.url));
const TARGET = "127.0.0.1:9"; // never reached: the arguments are refused first
const commands: Record<string, string[]> = {
  gen: ["-I", example, "--out", "-", "user_service.proto"],
  compile: ["-I", example, "--descriptor_set_out=-", "user_service.proto"],
  list: [TARGET],
  describe: [TARGET, "userservice.User"],
  call: [TARGET, "userservice.UserService/GetUser"],
  bench: [TARGET, "userservice.UserService/GetUser"],
};

test("a misspelled flag is a usage error (exit 2) naming the flag meant, in every command", async () => {
  const typos: Record<string, [string, string]> = {
    gen: ["--ot", "--out"],
    compile: ["--include_import", "--include_imports"],
    list: ["--plaintxt", "--plaintext"],
    describe: ["--reflect-headr", "--reflect-header"],
    call: ["--timout", "--timeout"],
    bench: ["--conections", "--connections"],
  };
  await Promise.all(
    Object.entries(commands).map(async ([command, args]) => {
      const [typo, meant] = typos[command]!;
      const r = await runCli([command, ...args, typo, "300"]);
      assert.equal(r.code, 2, `${command}: ${r.err}`);
      assert.equal(r.err.split("\n")[0], `tsgrpc ${command}: unknown flag ${typo}; did you mean ${meant}?`);
      assert.match(r.err, new RegExp(`usage: tsgrpc ${command} `));
      assert.equal(r.out, "");
      const bogus = await runCli([command, ...args, "--bogus"]);
      assert.equal(bogus.code, 2, `${command} --bogus: ${bogus.err}`);
      assert.equal(bogus.err.split("\n")[0], `tsgrpc ${command}: unknown flag --bogus`);
      const help = await runCli([command, "--help"]);
      assert.equal(help.code, 0);
      assert.match(help.out, new RegExp(`^usage: tsgrpc ${command} [\\s\\S]*Exit status:\n  0     success`));
    }),
  );
});

test("a misspelled command is a usage error suggesting the command meant", async () => {
  const r = await runCli(["lst", TARGET]);
  assert.equal(r.code, 2);
  assert.equal(r.err.split("\n")[0], 'tsgrpc: unknown command "lst". Did you mean "list"?');
});

test("flags are checked as declared: values present, switches bare, single flags once, no stray arguments", async () => {
  const call = (...args: string[]) => runCli(["call", TARGET, "userservice.UserService/GetUser", ...args]);
  const cases: [string[], string][] = [
    [["-d"], "-d needs a value: -d JSON|@FILE|@"],
    [["--timeout"], "--timeout needs a value: --timeout MS"],
    [["--timeout", "soon"], '--timeout needs a positive whole number, not "soon"'],
    [["--plaintext=yes"], "--plaintext takes no value"],
    [["-d", "{}", "-d", "{}"], "-d was given twice"],
    [["-plaintext"], "unknown flag -plaintext; did you mean --plaintext?"],
    [["extra"], 'unexpected argument "extra"'],
    [["-H", "no colon"], '-H "no colon": expected "key: value"'],
    [["--rpc-header", "grpc-timeout: 1S"], '--rpc-header "grpc-timeout: 1S": metadata key "grpc-timeout" is reserved for gRPC and HTTP/2'],
    [["--plaintext", "--cacert", "ca.pem"], "--plaintext and --cacert/--cert contradict each other"],
    [["--cert", "c.pem"], "--cert and --key go together"],
  ];
  const results = await Promise.all(cases.map(([args]) => call(...args)));
  results.forEach((r, i) => {
    assert.equal(r.code, 2, `${cases[i]![0].join(" ")}: ${r.err}`);
    assert.equal(r.err.split("\n")[0], `tsgrpc call: ${cases[i]![1]}`);
  });
  const listOnly = await runCli(["list", TARGET, "--rpc-header", "a: b"]);
  assert.equal(listOnly.code, 2, "list makes no call, so it has no --rpc-header");
  assert.equal((await runCli(["call", TARGET])).err.split("\n")[0], "tsgrpc call: a target (HOST:PORT) and a method (pkg.Service/Method) are needed");
});

test("compile keeps protoc's forms: -I DIR, -IDIR, --proto_path=DIR, -o FILE, --descriptor_set_out=FILE", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-flags-"));
  const forms = [
    ["-I", example, "-o", join(dir, "a.pb")],
    [`-I${example}`, `--descriptor_set_out=${join(dir, "b.pb")}`],
    [`--proto_path=${example}`, "--descriptor_set_out", join(dir, "c.pb")],
    ["--proto_path", example, `-o${join(dir, "d.pb")}`],
  ];
  const results = await Promise.all(forms.map((f) => runCli(["compile", ...f, "--include_imports", "user_service.proto"])));
  results.forEach((r) => assert.equal(r.code, 0, r.err));
  const sets = ["a", "b", "c", "d"].map((n) => readFileSync(join(dir, `${n}.pb`)));
  for (const set of sets.slice(1)) assert.ok(set.equals(sets[0]!));
  const missing = await runCli(["compile", "-I", example, "user_service.proto"]);
  assert.equal(missing.code, 2);
  assert.equal(missing.err.split("\n")[0], "tsgrpc compile: --descriptor_set_out is needed");
});
