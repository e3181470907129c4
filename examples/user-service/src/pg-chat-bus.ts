import { ChatBusBase, parseChatLine, type ChatLine } from "./chat-bus.js";
import type { ChannelHandler } from "./pg-listener.js";

/** The channel on which chat lines travel between replicas. */
export const CHAT_CHANNEL = "tsgrpc_chat";
/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7999;

/**
 * The chat room across replicas: a line is NOTIFYed on CHAT_CHANNEL, carrying the line itself (the chat's limits on
 * names and text keep it far below PostgreSQL's 8000-byte payload limit), and every replica's listener (this one's
 * too) hands it to its room: all replicas hear the lines in one order, the order of the NOTIFYs' commits. Lines are
 * not stored: a replica whose listening connection is down misses the lines sent meanwhile.
 */
export class PgChatBus extends ChatBusBase {
  /** `notify(channel, payload)` sends one NOTIFY (through the store's pool, which reports a database that is away). */
  constructor(private readonly notify: (channel: string, payload: string) => Promise<void>) {
    super();
  }

  /** What the process's PgListener calls for CHAT_CHANNEL. */
  readonly handler: ChannelHandler = {
    notified: (payload) => {
      let line: ChatLine | undefined;
      try {
        line = parseChatLine(JSON.parse(payload));
      } catch {
        return; // not ours: someone else NOTIFYed on the channel
      }
      if (line) this.heard(line);
    },
    reconnected: () => {},
  };

  async publish(line: ChatLine): Promise<void> {
    const payload = JSON.stringify({ sender: line.sender, text: line.text, joiner: line.joiner });
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) throw new Error(`a chat line of ${Buffer.byteLength(payload)} bytes is over NOTIFY's limit`);
    await this.notify(CHAT_CHANNEL, payload);
  }
}
