/** One line of the chat room as it travels between processes: who said it (or "room") and what. */
export interface ChatLine {
  sender: string;
  text: string;
  /** On a join line: the joining participant's id, so that its room starts its stream at that line. */
  joiner?: string;
}

/**
 * How chat lines reach every process that has members of the room: this process alone (LocalChatBus), the workers of
 * one server through their primary (worker-relay.ts), or every replica through PostgreSQL NOTIFY (pg-chat-bus.ts).
 * Every subscriber, the publisher's own process included, hears the lines in one order, so that all members see the
 * same conversation.
 */
export interface ChatBus {
  /** Sends a line to every process on the bus, this one included; rejects when it cannot be sent. */
  publish(line: ChatLine): Promise<void>;
  /** Hears every line published on the bus; returns the unsubscribe function. */
  subscribe(deliver: (line: ChatLine) => void): () => void;
}

/** The subscribers' half of every bus: `heard` hands a line that came off the bus to each of them. */
export abstract class ChatBusBase implements ChatBus {
  private readonly subscribers = new Set<(line: ChatLine) => void>();

  abstract publish(line: ChatLine): Promise<void>;

  subscribe(deliver: (line: ChatLine) => void): () => void {
    this.subscribers.add(deliver);
    return () => this.subscribers.delete(deliver);
  }

  protected heard(line: ChatLine): void {
    for (const s of this.subscribers) s(line);
  }
}

/** The bus of a room that lives in one process: a line is delivered as it is published. */
export class LocalChatBus extends ChatBusBase {
  async publish(line: ChatLine): Promise<void> {
    this.heard(line);
  }
}

/** A line received from another process, or undefined when it is not one (a foreign or garbled message). */
export function parseChatLine(value: unknown): ChatLine | undefined {
  const line = value as Partial<ChatLine> | null;
  if (typeof line?.sender !== "string" || typeof line.text !== "string") return undefined;
  return typeof line.joiner === "string" ? { sender: line.sender, text: line.text, joiner: line.joiner } : { sender: line.sender, text: line.text };
}
