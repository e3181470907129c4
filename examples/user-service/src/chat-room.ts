import { GrpcError, prepareMessage, Status, type PreparedMessage } from "@tsgrpc/grpc";
import { BoundedQueue } from "./bounded-queue.js";
import { ChatMessage } from "./gen/user_service_pb.js";

/** Messages sent by the room itself (joins and leaves) carry this sender. */
export const ROOM_SENDER = "room";

export class Participant {
  /** Messages waiting for this participant, each encoded once for the whole room. */
  readonly inbox: BoundedQueue<PreparedMessage<ChatMessage>>;

  constructor(readonly name: string, backlog: number) {
    this.inbox = new BoundedQueue(backlog, () => new GrpcError(Status.RESOURCE_EXHAUSTED, `More than ${backlog} chat messages waited for ${name}; rejoin the room`));
  }
}

/**
 * One chat room: every message a participant sends goes to every participant (the sender too, so that everyone sees
 * the same order), under the name the sender joined with. Each participant has a bounded inbox: one that stops
 * reading is dropped from the room once it falls `backlog` messages behind, and the others never wait for it. A message
 * is encoded once (prepareMessage), however many participants it goes to.
 */
export class ChatRoom {
  private readonly participants = new Set<Participant>();

  constructor(private readonly backlog = 256) {}

  join(name: string): Participant {
    const p = new Participant(name, this.backlog);
    this.participants.add(p);
    this.broadcast({ sender: ROOM_SENDER, text: `${name} joined` });
    return p;
  }

  say(from: Participant, text: string): void {
    if (this.participants.has(from)) this.broadcast({ sender: from.name, text });
  }

  leave(p: Participant): void {
    if (!this.participants.delete(p)) return;
    p.inbox.end();
    this.broadcast({ sender: ROOM_SENDER, text: `${p.name} left` });
  }

  get size(): number {
    return this.participants.size;
  }

  private broadcast(line: ChatMessage): void {
    const message = prepareMessage(ChatMessage, line);
    for (const p of this.participants) {
      if (!p.inbox.push(message)) this.participants.delete(p); // overflowed: its stream ends with RESOURCE_EXHAUSTED
    }
  }
}
