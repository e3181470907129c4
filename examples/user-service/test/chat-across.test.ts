import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createChannel, createClient, GrpcError, Status, type Channel } from "@tsgrpc/grpc";
import { UserService } from "../src/gen/user_service_pb.js";
import { ChatBusBase, type ChatLine } from "../src/chat-bus.js";
import { ChatRoom, MAX_CHAT_TEXT, ROOM_SENDER } from "../src/chat-room.js";
import { participant } from "./chat-participant.js";
import { createDatabase, usePostgres } from "./postgres-server.js";
import { exited, start, type Started } from "./server-process.js";

// One chat room across processes: replicas on one PostgreSQL (lines travel by NOTIFY), and the workers of one server
// on SQLite (lines travel through the cluster primary). Every member of every process sees every line, joins and
// leaves included, in one order.
const cluster = usePostgres();

/** Members on separate connections (so on separate processes where they spread) chat; each sees the whole room. */
async function conversation(targets: string[]): Promise<void> {
  const channels: Channel[] = targets.map((t) => createChannel(t));
  try {
    const members = channels.map((ch) => participant(createClient(UserService, ch)));
    const names = members.map((_, i) => `m${i}`);
    // Each joins after the previous one has seen its own join, so that every later member's join reaches everyone.
    for (const [i, m] of members.entries()) {
      m.send(names[i]!, "");
      assert.equal(await m.next(), `${ROOM_SENDER}: ${names[i]} joined`);
      for (const earlier of members.slice(0, i)) assert.equal(await earlier.next(), `${ROOM_SENDER}: ${names[i]} joined`);
    }
    for (const [i, m] of members.entries()) {
      m.send(names[i]!, `hello from ${names[i]}`);
      for (const other of members) assert.equal(await other.next(), `${names[i]}: hello from ${names[i]}`);
    }
    // A line over the limit ends the sender's stream with INVALID_ARGUMENT; the room hears that it left.
    const [first, ...rest] = members;
    first!.send("", "x".repeat(MAX_CHAT_TEXT + 1));
    await assert.rejects(first!.next(), (e: GrpcError) => e.code === Status.INVALID_ARGUMENT && /at most 1000 characters/.test(e.rawMessage));
    for (const other of rest) assert.equal(await other.next(), `${ROOM_SENDER}: ${names[0]} left`);
    for (const m of rest) m.end();
  } finally {
    for (const ch of channels) ch.close();
  }
}

test("UserChat across two replicas on one PostgreSQL: lines, joins and leaves reach the members of both", { timeout: 60_000 }, async (t) => {
  if (cluster.skip) return t.skip(cluster.skip);
  const url = await createDatabase(cluster.postgres, `chat_${process.pid}`);
  const replicas: Started[] = [await start(["--db", url, "--quiet"]), await start(["--db", url, "--quiet"])];
  try {
    await conversation([0, 1, 0, 1].map((i) => `127.0.0.1:${replicas[i]!.port}`));
  } finally {
    for (const r of replicas) r.child.kill("SIGTERM");
    await Promise.all(replicas.map((r) => exited(r.child)));
  }
});

test("UserChat across --workers 2 on SQLite: lines, joins and leaves reach the members on both workers", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-chat-"));
  const server = await start(["--workers", "2", "--db", join(dir, "users.db"), "--quiet"]);
  try {
    // node:cluster hands connections to the workers in turn: four connections are two on each. Bounded below the
    // test's timeout so that a hang says what the server printed (a worker that died and was replaced, say: this
    // test once timed out in a loaded full run and never alone).
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the conversation did not finish in 45 s; the server printed:\n${server.output()}`)), 45_000)));
    await Promise.race([conversation(Array.from({ length: 4 }, () => `127.0.0.1:${server.port}`)), hung]).finally(() => clearTimeout(timer));
  } finally {
    server.child.kill("SIGTERM");
    await exited(server.child);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A bus the test drives: it keeps what is published, and delivers what the test says, when it says. */
class ManualBus extends ChatBusBase {
  readonly published: ChatLine[] = [];
  async publish(line: ChatLine): Promise<void> {
    this.published.push(line);
  }
  deliver(line: ChatLine): void {
    this.heard(line);
  }
}

test("ChatRoom on a bus: a participant hears the lines from its own join on, not a line that was on its way before it", async () => {
  const bus = new ManualBus();
  const room = new ChatRoom(8, bus);
  const ann = room.join("ann");
  bus.deliver({ sender: "bo", text: "sent on another replica before ann joined" });
  bus.deliver(bus.published[0]!);
  bus.deliver({ sender: "bo", text: "after" });
  const never = new AbortController().signal;
  const got: string[] = [];
  while (ann.inbox.size) {
    const { message } = (await ann.inbox.take(never)).value!;
    got.push(`${message.sender}: ${message.text}`);
  }
  assert.deepEqual(got, [`${ROOM_SENDER}: ann joined`, "bo: after"]);
});
