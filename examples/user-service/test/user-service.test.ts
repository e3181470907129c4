import { test } from "node:test";
import assert from "node:assert/strict";
import { BadRequest, findDetail, GrpcError, Status } from "@tsgrpc/grpc";
import { UserStatus } from "../src/gen/user_service_pb.js";
import { MAX_PAGE_SIZE } from "../src/user-service.js";
import { startApp, take } from "./helpers.js";

const code = (c: Status) => (e: unknown) => e instanceof GrpcError && e.code === c;

test("GetUser: the tutorial's alice and bob, INVALID_ARGUMENT for id <= 0, NOT_FOUND for unknown ids", async () => {
  const { client, stop } = await startApp();
  try {
    assert.deepEqual((await client.getUser({ id: 1 })).user, { id: 1, username: "alice", email: "alice@example.com", roles: ["admin"], status: UserStatus.ACTIVE });
    assert.deepEqual((await client.getUser({ id: 2 })).user?.roles, ["user"]);
    await assert.rejects(client.getUser({ id: 0 }), (e: GrpcError) => e.code === Status.INVALID_ARGUMENT && e.rawMessage === "User ID must be positive");
    await assert.rejects(client.getUser({ id: -5 }), code(Status.INVALID_ARGUMENT));
    await assert.rejects(client.getUser({ id: 42 }), (e: GrpcError) => e.code === Status.NOT_FOUND && e.rawMessage === "User 42 not found");
  } finally {
    await stop();
  }
});

test("CreateUser: role user and ACTIVE; BadRequest field violations; ALREADY_EXISTS for a taken username or email", async () => {
  const { client, stop } = await startApp();
  try {
    const { user } = await client.createUser({ username: "charlie", email: "charlie@example.com" });
    assert.deepEqual(user, { id: 3, username: "charlie", email: "charlie@example.com", roles: ["user"], status: UserStatus.ACTIVE });
    assert.deepEqual((await client.getUser({ id: 3 })).user, user);

    const bad = await client.createUser({ username: "X", email: "no-at-sign" }).then(() => assert.fail("accepted"), (e: GrpcError) => e);
    assert.equal(bad.code, Status.INVALID_ARGUMENT);
    assert.deepEqual(findDetail(bad, BadRequest)?.fieldViolations.map((v) => v.field), ["username", "email"]);
    for (const [username, email, field] of [
      ["ab", "ab@example.com", "username"],
      ["1abc", "abc@example.com", "username"],
      ["has space", "x@example.com", "username"],
      ["a".repeat(33), "x@example.com", "username"],
      ["dave", "", "email"],
      ["dave", "dave@localhost", "email"],
      ["dave", "dave@@example.com", "email"],
      ["dave", "da ve@example.com", "email"],
      ["dave", `${"d".repeat(65)}@example.com`, "email"],
    ]) {
      const e = await client.createUser({ username, email }).then(() => assert.fail(`accepted ${username} ${email}`), (e: GrpcError) => e);
      assert.equal(e.code, Status.INVALID_ARGUMENT, `${username} ${email}`);
      assert.deepEqual(findDetail(e, BadRequest)?.fieldViolations.map((v) => v.field), [field], `${username} ${email}`);
    }
    await assert.rejects(client.createUser({ username: "charlie", email: "other@example.com" }), (e: GrpcError) => e.code === Status.ALREADY_EXISTS && e.rawMessage.includes("username"));
    await assert.rejects(client.createUser({ username: "charles", email: "CHARLIE@example.com" }), (e: GrpcError) => e.code === Status.ALREADY_EXISTS && e.rawMessage.includes("email"));
  } finally {
    await stop();
  }
});

test("CreateUser and BulkCreateUsers with request_id (AIP-155): a repeat returns the user; a reused id is INVALID_ARGUMENT; the id is validated", async () => {
  const { client, stop } = await startApp();
  try {
    const watched = client.watchUsers({})[Symbol.asyncIterator]();
    const next = async () => (await watched.next()).value!.username;
    assert.deepEqual([await next(), await next()], ["alice", "bob"], "the watch is listening: what follows are events");
    const requestId = "0d5e8a4c-3b1f-4c2e-9f6a-7b8c9d0e1f2a";
    const { user } = await client.createUser({ username: "charlie", email: "charlie@example.com", requestId });
    assert.deepEqual((await client.createUser({ username: "charlie", email: "charlie@example.com", requestId })).user, user, "the same request again");
    const reused = await client.createUser({ username: "dave", email: "dave@example.com", requestId }).then(() => assert.fail("accepted"), (e: GrpcError) => e);
    assert.equal(reused.code, Status.INVALID_ARGUMENT);
    assert.match(reused.rawMessage, /request_id "0d5e8a4c-3b1f-4c2e-9f6a-7b8c9d0e1f2a" was already used for a create with a different username or email/);
    assert.deepEqual(findDetail(reused, BadRequest)?.fieldViolations.map((v) => v.field), ["request_id"]);
    // Without one (the tutorial's client), the same create again is a duplicate, as the tutorial's status table says.
    await assert.rejects(client.createUser({ username: "charlie", email: "charlie@example.com" }), code(Status.ALREADY_EXISTS));
    for (const bad of ["r".repeat(65), "has space", "tab\t", "é"]) {
      const e = await client.createUser({ username: "erin", email: "erin@example.com", requestId: bad }).then(() => assert.fail(`accepted ${bad}`), (e: GrpcError) => e);
      assert.deepEqual(findDetail(e, BadRequest)?.fieldViolations.map((v) => v.field), ["request_id"], bad);
    }
    await client.createUser({ username: "erin", email: "erin@example.com", requestId: "r".repeat(64) });

    // A batch sent again whole, with the same id per entry: every entry counts, nothing is created twice.
    const batch = ["frank", "grace", "heidi"].map((n, i) => ({ username: n, email: `${n}@example.com`, requestId: `batch-1-${i}` }));
    assert.equal((await client.bulkCreateUsers(batch.slice(0, 2))).createdCount, 2);
    assert.equal((await client.bulkCreateUsers(batch)).createdCount, 3);
    const e = await client.bulkCreateUsers([batch[0]!, { ...batch[1]!, requestId: "batch-1-2" }]).then(() => assert.fail("accepted"), (e: GrpcError) => e);
    assert.equal(e.code, Status.INVALID_ARGUMENT);
    assert.match(e.rawMessage, /^requests\[1\]: request_id "batch-1-2" .*; 1 users were created before it$/);
    assert.deepEqual(findDetail(e, BadRequest)?.fieldViolations.map((v) => v.field), ["requests[1].request_id"]);
    const all = (await client.listUsers({ pageSize: 100 })).users.map((u) => u.username);
    assert.deepEqual(all, ["alice", "bob", "charlie", "erin", "frank", "grace", "heidi"]);
    // A watcher heard each user once: the repeats were not announced again.
    await client.createUser({ username: "zed", email: "zed@example.com" });
    const heard = [];
    for (let i = 0; i < 6; i++) heard.push(await next());
    assert.deepEqual(heard, [...all.slice(2), "zed"]);
    await watched.return?.();
  } finally {
    await stop();
  }
});

test("ListUsers: every user exactly once across pages while users are created in between; default size, cap, bad tokens", async () => {
  const { client, stop } = await startApp();
  try {
    for (let i = 0; i < 20; i++) await client.createUser({ username: `user${i}`, email: `user${i}@example.com` });
    const first = await client.listUsers({});
    assert.equal(first.users.length, 10, "default page size");
    assert.notEqual(first.nextPageToken, "");

    const seen: number[] = [];
    let token = "";
    let extra = 0;
    do {
      const page = await client.listUsers({ pageSize: 7, pageToken: token });
      seen.push(...page.users.map((u) => u.id));
      token = page.nextPageToken;
      // Users created between pages land after the cursor and are listed once, at the end.
      if (extra < 3) await client.createUser({ username: `late${extra}`, email: `late${extra++}@example.com` });
    } while (token !== "");
    assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => i + 1));

    for (let i = 0; i < MAX_PAGE_SIZE; i++) await client.createUser({ username: `bulk${i}`, email: `bulk${i}@example.com` });
    assert.equal((await client.listUsers({ pageSize: 5000 })).users.length, MAX_PAGE_SIZE, "page size capped");
    await assert.rejects(client.listUsers({ pageSize: -1 }), code(Status.INVALID_ARGUMENT));

    const [payload, mac] = first.nextPageToken.split(".");
    const forged = Buffer.from(JSON.stringify({ v: 1, after: 0 })).toString("base64url") + "." + mac;
    for (const pageToken of [forged, `${payload}.`, "garbage", first.nextPageToken + "x", "a".repeat(500)]) {
      await assert.rejects(client.listUsers({ pageToken }), (e: GrpcError) => e.code === Status.INVALID_ARGUMENT && findDetail(e, BadRequest)?.fieldViolations[0]?.field === "page_token", pageToken);
    }
  } finally {
    await stop();
  }
  // A token from another store (another secret) is foreign.
  const a = await startApp();
  const b = await startApp();
  try {
    const token = (await a.client.listUsers({ pageSize: 1 })).nextPageToken;
    assert.equal((await a.client.listUsers({ pageSize: 1, pageToken: token })).users[0]?.id, 2);
    await assert.rejects(b.client.listUsers({ pageSize: 1, pageToken: token }), code(Status.INVALID_ARGUMENT));
  } finally {
    await a.stop();
    await b.stop();
  }
});

test("WatchUsers: the matching users, then users as they are created, until cancelled or the deadline", async () => {
  const { client, stop } = await startApp();
  try {
    const controller = new AbortController();
    const watch = client.watchUsers({ roleFilter: "user" }, { signal: controller.signal })[Symbol.asyncIterator]();
    assert.equal((await watch.next()).value?.username, "bob");
    const created = client.createUser({ username: "dora", email: "dora@example.com" });
    assert.equal((await watch.next()).value?.username, "dora");
    await created;
    controller.abort();
    await assert.rejects(watch.next(), code(Status.CANCELLED));

    assert.deepEqual((await take(client.watchUsers({ roleFilter: "admin" }, { timeout: 10_000 }), 1)).map((u) => u.username), ["alice"]);
    const started = Date.now();
    const timed: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const u of client.watchUsers({}, { timeout: 300 })) timed.push(u.username);
      })(),
      code(Status.DEADLINE_EXCEEDED),
    );
    assert.deepEqual(timed, ["alice", "bob", "dora"]);
    assert.ok(Date.now() - started < 5000);
  } finally {
    await stop();
  }
});

test("BulkCreateUsers: counts the users created; stops at the first invalid or duplicate entry, keeping the ones before", async () => {
  const { client, stop } = await startApp();
  try {
    const names = ["dave", "eve", "frank", "grace"];
    assert.equal((await client.bulkCreateUsers(names.map((n) => ({ username: n, email: `${n}@example.com` })))).createdCount, 4);
    const e = await client.bulkCreateUsers([{ username: "heidi", email: "heidi@example.com" }, { username: "ivan", email: "ivan@example.com" }, { username: "X", email: "x@example.com" }, { username: "judy", email: "judy@example.com" }]).then(() => assert.fail("accepted"), (e: GrpcError) => e);
    assert.equal(e.code, Status.INVALID_ARGUMENT);
    assert.match(e.rawMessage, /2 users were created before it/);
    assert.deepEqual(findDetail(e, BadRequest)?.fieldViolations.map((v) => v.field), ["requests[2].username"]);
    const dup = await client.bulkCreateUsers([{ username: "judy", email: "judy@example.com" }, { username: "dave", email: "dave2@example.com" }]).then(() => assert.fail("accepted"), (e: GrpcError) => e);
    assert.equal(dup.code, Status.ALREADY_EXISTS);
    assert.match(dup.rawMessage, /requests\[1\].*1 users were created before it/);
    const all = (await client.listUsers({ pageSize: 100 })).users.map((u) => u.username);
    assert.deepEqual(all, ["alice", "bob", ...names, "heidi", "ivan", "judy"]);
    assert.equal((await client.bulkCreateUsers([])).createdCount, 0);
  } finally {
    await stop();
  }
});
