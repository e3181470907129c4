import { randomUUID } from "node:crypto";
import { GrpcError, prepareMessage, Status, type PreparedMessage } from "@tsgrpc/grpc";
import { BoundedQueue } from "./bounded-queue.js";
import { LocalChatBus, type ChatBus, type ChatLine } from "./chat-bus.js";
import { ChatMessage } from "./gen/user_service_pb.js";

/** Messages sent by the room itself (joins and leaves) carry this sender. */
export const ROOM_SENDER = "room";
/** The longest name a participant may join with, and the longest text it may send (in characters). */
export const MAX_CHAT_NAME = 64;
export const MAX_CHAT_TEXT = 1000;

export class Participant {
  /** Messages waiting for this participant, each encoded once for the whole room. */
  readonly inbox: BoundedQueue<PreparedMessage<ChatMessage>>;
  /** This participant's lines on their way to the bus, one after another (so that they arrive in the order sent). */
  sending: Promise<void> = Promise.resolve();
  unsent = 0;
  /** Names this participant's join line on the bus; it hears the lines from that one on. */
  readonly id = randomUUID();
  heardOwnJoin = false;

  constructor(readonly name: string, backlog: number) {
    this.inbox = new BoundedQueue(backlog, () => new GrpcError(Status.RESOURCE_EXHAUSTED, `More than ${backlog} chat messages waited for ${name}; rejoin the room`));
  }
}

/**
 * One chat room, possibly spread over several processes (replicas, workers) joined by a ChatBus: every message a
 * participant sends goes to every participant of every process (the sender too, so that everyone sees the same
 * order), under the name the sender joined with; joins and leaves are announced the same way. A participant hears the
 * lines from its own join on, in the bus's order. Each participant has a
 * bounded inbox: one that stops reading is dropped from the room once it falls `backlog` messages behind, and the
 * others never wait for it. A message is encoded once (prepareMessage), however many participants it goes to.
 */
export class ChatRoom {
  private readonly participants = new Set<Participant>();
  private readonly unsubscribe: () => void;

  constructor(private readonly backlog = 256, private readonly bus: ChatBus = new LocalChatBus()) {
    this.unsubscribe = bus.subscribe((line) => this.broadcast(line));
  }

  join(name: string): Participant {
    const p = new Participant(name, this.backlog);
    this.participants.add(p);
    this.send(p, { sender: ROOM_SENDER, text: `${name} joined`, joiner: p.id });
    return p;
  }

  say(from: Participant, text: string): void {
    if (this.participants.has(from)) this.send(from, { sender: from.name, text });
  }

  leave(p: Participant): void {
    if (!this.participants.delete(p)) return;
    p.inbox.end();
    this.send(p, { sender: ROOM_SENDER, text: `${p.name} left` });
  }

  /** Ends every participant's stream with `error` (the server is shutting down), without announcing leaves. */
  close(error: Error): void {
    this.unsubscribe();
    for (const p of this.participants) p.inbox.fail(error);
    this.participants.clear();
  }

  get size(): number {
    return this.participants.size;
  }

  /** Puts a line of `from`'s on the bus after its earlier ones; a bus that fails ends `from`'s stream with the error. */
  private send(from: Participant, line: ChatLine): void {
    const publish = () => this.bus.publish(line);
    // Published at once when nothing of `from`'s is on its way (a local bus then delivers before `send` returns).
    from.sending = (from.unsent++ === 0 ? publish() : from.sending.then(publish))
      .catch((e: unknown) => {
        this.participants.delete(from);
        from.inbox.fail(e instanceof GrpcError ? e : new GrpcError(Status.UNAVAILABLE, `the chat room cannot be reached: ${(e as Error).message}`));
      })
      .finally(() => void from.unsent--);
  }

  /**
   * A line off the bus to each participant that has heard its own join: a line still on its way from another process
   * when someone joins here comes before that join in the bus's order, and is not theirs to see.
   */
  private broadcast(line: ChatLine): void {
    const message = prepareMessage(ChatMessage, { sender: line.sender, text: line.text });
    for (const p of this.participants) {
      if (!p.heardOwnJoin && !(p.heardOwnJoin = line.joiner === p.id)) continue;
      if (!p.inbox.push(message)) this.participants.delete(p); // overflowed: its stream ends with RESOURCE_EXHAUSTED
    }
  }
}
