import { test } from "node:test";
import assert from "node:assert/strict";
import { BadRequest, createChannel, createClient, findDetail, GrpcError, Status, type Channel } from "@tsgrpc/grpc";
import { UserService } from "../src/gen/user_service_pb.js";
import { createDatabase, usePostgres } from "./postgres-server.js";
import { start, type Started } from "./server-process.js";

// Page tokens across deployments, with server processes: a token is valid on every replica of its own database (the
// secret is kept there), and refused with INVALID_ARGUMENT naming page_token (never INTERNAL) by a deployment on
// another PostgreSQL database, by a SQLite one and the other way round; so are tampered, truncated and garbage tokens.
let servers: { a1: Started; a2: Started; b: Started; sqlite: Started } | undefined;
const cluster = usePostgres({
  setUp: async (postgres) => {
    const [a, b] = [await createDatabase(postgres, `tokens_a_${process.pid}`), await createDatabase(postgres, `tokens_b_${process.pid}`)];
    const [a1, a2, bServer, sqlite] = await Promise.all([a, a, b, ":memory:"].map((db) => start(["--db", db, "--quiet"])));
    servers = { a1: a1!, a2: a2!, b: bServer!, sqlite: sqlite! };
  },
});

const MESSAGE = "page_token is not valid: pass the next_page_token of a previous ListUsers response";

test("a page token from another deployment (another database, or SQLite), tampered, or garbage: INVALID_ARGUMENT naming page_token", { timeout: 60_000 }, async (t) => {
  if (cluster.skip) return t.skip(cluster.skip);
  const channels: Channel[] = [];
  const client = (s: Started) => createClient(UserService, (channels.push(createChannel(`127.0.0.1:${s.port}`)), channels.at(-1)!));
  const { a1, a2, b, sqlite } = servers!;
  const [onA1, onA2, onB, onSqlite] = [a1, a2, b, sqlite].map(client);
  try {
    const refused = async (c: typeof onA1, pageToken: string, what: string) => {
      const e = await c!.listUsers({ pageSize: 1, pageToken }).then(() => assert.fail(`${what}: accepted`), (e: GrpcError) => e);
      assert.equal(e.code, Status.INVALID_ARGUMENT, `${what}: ${Status[e.code]} ${e.rawMessage}`);
      assert.equal(e.rawMessage, MESSAGE, what);
      assert.deepEqual(findDetail(e, BadRequest)?.fieldViolations.map((v) => v.field), ["page_token"], what);
    };
    const fromA = (await onA1!.listUsers({ pageSize: 1 })).nextPageToken;
    const fromB = (await onB!.listUsers({ pageSize: 1 })).nextPageToken;
    const fromSqlite = (await onSqlite!.listUsers({ pageSize: 1 })).nextPageToken;
    // The same database: another replica takes it (the second page is bob on both).
    assert.deepEqual((await onA2!.listUsers({ pageSize: 1, pageToken: fromA })).users.map((u) => u.username), ["bob"]);
    assert.deepEqual((await onA1!.listUsers({ pageSize: 1, pageToken: "" })).users.map((u) => u.username), ["alice"], "an empty token is the first page");
    // Another deployment: the tokens look alike (same ids), the secrets differ.
    await refused(onB, fromA, "A's token on B");
    await refused(onA1, fromB, "B's token on A");
    await refused(onA1, fromSqlite, "a SQLite deployment's token on PostgreSQL");
    await refused(onSqlite, fromA, "a PostgreSQL deployment's token on SQLite");
    // Tampered and garbage.
    const [payload, mac] = fromA.split(".") as [string, string];
    const moved = Buffer.from(JSON.stringify({ v: 1, after: 0 })).toString("base64url");
    // The MAC is 16 bytes in 22 base64url characters: the last one carries 4 unused bits, which a decoder ignores.
    const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const unusedBit = mac.slice(0, -1) + B64URL[B64URL.indexOf(mac.at(-1)!) ^ 1];
    const usedBit = B64URL[B64URL.indexOf(mac[0]!) ^ 1] + mac.slice(1);
    for (const [token, what] of [
      [`${moved}.${mac}`, "another cursor under A's MAC"],
      [`${payload}.${usedBit}`, "a MAC with one bit changed"],
      [`${payload}.${unusedBit}`, "a MAC with one of its unused bits changed (the same bytes, another token)"],
      [`${payload}.`, "no MAC"],
      [payload, "no dot"],
      [fromA.slice(0, -3), "truncated"],
      [`${fromA}x`, "a character appended"],
      ["garbage", "garbage"],
      [".", "a dot"],
      ["é.ü", "non-ASCII"],
      ["%%%.***", "not base64url"],
      ["x".repeat(10_000), "10,000 characters"],
    ]) await refused(onA1, token!, what!);
  } finally {
    for (const c of channels) c.close();
  }
});
