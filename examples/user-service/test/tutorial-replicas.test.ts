import { test } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { createChannel, createClient } from "@tsgrpc/grpc";
import { UserService, type User } from "../src/gen/user_service_pb.js";
import { createDatabase, usePostgres } from "./postgres-server.js";
import { start, type Started } from "./server-process.js";
import { runTutorialClient, skipPython, TUTORIAL_OUTPUT } from "./tutorial-client.js";

// The tutorial's Python client pointed at each of three replicas on one PostgreSQL in turn. The run on replica A
// creates the tutorial's users (charlie, then dave to grace in a batch). The client sets no request_id, so a second
// run, on B, is a duplicate creation: ALREADY_EXISTS at charlie, which B knows of from A. With the tutorial's users
// deleted from the database between runs (no deleting RPC: straight in PostgreSQL), the runs on B and C give A's
// answers, but for charlie's id: a later one, from the sequence the replicas share.
let url = "";
let replicas: Started[] = [];
const cluster = usePostgres({
  unless: () => skipPython,
  setUp: async (postgres) => {
    url = await createDatabase(postgres, `tutorial_${process.pid}`);
    replicas = await Promise.all([0, 1, 2].map(() => start(["--db", url, "--quiet"])));
  },
});

test("the tutorial's Python client against each of three replicas in turn: the same answers, ALREADY_EXISTS for its users created through another", { skip: skipPython, timeout: 120_000 }, async (t) => {
  if (cluster.skip) return t.skip(cluster.skip);
  const [a, b, c] = replicas.map((r) => `127.0.0.1:${r.port}`) as [string, string, string];
  const first = runTutorialClient(a);
  assert.equal(first.status, 0, first.stderr);
  assert.deepEqual(first.lines, TUTORIAL_OUTPUT, "replica A, on a fresh database");
  await sameListings(7);

  const again = runTutorialClient(b);
  assert.notEqual(again.status, 0, "the client does not catch the error of its CreateUser");
  assert.deepEqual(again.lines, TUTORIAL_OUTPUT.slice(0, 1));
  assert.match(again.stderr, /StatusCode\.ALREADY_EXISTS/);
  assert.match(again.stderr, /a user with username "charlie" already exists/);

  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    let lastId = 7;
    for (const [target, name] of [[b, "B"], [c, "C"]] as const) {
      await db.query("DELETE FROM users WHERE username NOT IN ('alice', 'bob')");
      const run = runTutorialClient(target);
      assert.equal(run.status, 0, run.stderr);
      const id = Number(/^Created user: (\d+) - charlie$/.exec(run.lines[1] ?? "")?.[1]);
      assert.ok(id > lastId, `replica ${name}: charlie gets a new id (${run.lines[1]})`);
      assert.deepEqual(run.lines, TUTORIAL_OUTPUT.map((l) => l.replace("Created user: 3 -", `Created user: ${id} -`)), `replica ${name}`);
      assert.equal((await sameListings(7)).find((u) => u.username === "charlie")?.id, id);
      lastId = id;
    }
  } finally {
    await db.end();
  }
});

/** Every replica lists the same `n` users, with the same ids; the listing. */
async function sameListings(n: number): Promise<User[]> {
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
  assert.equal(listings[0]!.length, n);
  for (const l of listings) assert.deepEqual(l, listings[0]);
  return listings[0]!;
}
