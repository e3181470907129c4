import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createChannel, createClient } from "@tsgrpc/grpc";
import { UserService } from "../src/gen/user_service_pb.js";
import { createDatabase, startPostgres, type TestPostgres } from "./postgres-server.js";
import { killStarted, start, type Started } from "./server-process.js";
import { runTutorialClient, skipPython, TUTORIAL_OUTPUT } from "./tutorial-client.js";

// The tutorial's Python client pointed at each of three replicas on one PostgreSQL in turn. The run on replica A
// creates the tutorial's users (charlie, then dave to grace in a batch); the runs on B and C create the same users
// again, which are the same creates repeated (the existing users come back, ids included), and list A's users.
let postgres: TestPostgres | undefined;
let skip: string | false = false;
let replicas: Started[] = [];
before(async () => {
  if (skipPython) return;
  const started = await startPostgres();
  if (typeof started === "string") return void (skip = started);
  postgres = started;
  const url = await createDatabase(postgres, `tutorial_${process.pid}`);
  replicas = await Promise.all([0, 1, 2].map(() => start(["--db", url, "--quiet"])));
});
after(() => {
  killStarted();
  postgres?.destroy();
});

test("the tutorial's Python client against each of three replicas in turn: the same answers, the users created through one listed by all", { skip: skipPython, timeout: 120_000 }, async (t) => {
  if (skip) return t.skip(skip);
  const [first, ...others] = replicas.map((r) => runTutorialClient(`127.0.0.1:${r.port}`));
  assert.equal(first!.status, 0, first!.stderr);
  assert.deepEqual(first!.lines, TUTORIAL_OUTPUT, "replica A, on a fresh database");
  // Its ListUsers comes after CreateUser and before the batch: on B and C it lists the batch that A's run created.
  const listed = ["alice", "bob", "charlie", "dave", "eve", "frank", "grace"].map((n) => ` - ${n} (${n}@example.com)`);
  const later = [...TUTORIAL_OUTPUT.slice(0, 2), ...listed, ...TUTORIAL_OUTPUT.slice(5)];
  for (const [i, run] of others.entries()) {
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.lines, later, `replica ${"BC"[i]}`);
  }
  // And every replica lists the same users, with the same ids.
  const listings = await Promise.all(
    replicas.map(async (r) => {
      const channel = createChannel(`127.0.0.1:${r.port}`);
      try {
        return (await createClient(UserService, channel).listUsers({ pageSize: 100 })).users;
      } finally {
        channel.close();
      }
    }),
  );
  assert.equal(listings[0]!.length, 7);
  for (const l of listings) assert.deepEqual(l, listings[0]);
});
